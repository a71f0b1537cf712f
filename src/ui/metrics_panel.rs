//! The function view's CloudWatch figures: what the `AWS/Lambda` metrics say of the function
//! and of each alias it has — errors the runtime reported and throttled invocations included,
//! which its REPORT lines never show.

use ratatui::text::{Line, Span};

use crate::analysis::metrics::MetricFigures;
use crate::app::figures::Figures;
use crate::fleet::Function;
use crate::ui::Theme;
use crate::units::millis;

pub fn lines(figures: &Figures, f: &Function, theme: &Theme) -> Vec<Line<'static>> {
    let heading = |text: &str| Line::from(Span::styled(format!("  {text}"), theme.accent));
    let Some(metrics) = figures.metrics.as_ref() else {
        if figures.metrics_loading {
            return vec![
                heading("From CloudWatch metrics"),
                Line::from(Span::styled("    reading…", theme.muted)),
            ];
        }
        return Vec::new();
    };
    let mut out = vec![heading("From CloudWatch metrics")];
    match metrics.by_function.get(&f.arn) {
        Some(m) => out.extend(lines_of("function", m, theme)),
        None => out.push(Line::from(Span::styled("    no figures", theme.muted))),
    }
    for a in &f.aliases {
        if let Some(m) = metrics
            .by_alias
            .get(&(f.arn.clone(), a.name.clone()))
            .filter(|m| m.invocations.is_some())
        {
            out.extend(lines_of(&format!("alias {}", a.name), m, theme));
        }
    }
    out
}

/// Counts on one line, duration and concurrency on the next.
fn lines_of(label: &str, m: &MetricFigures, theme: &Theme) -> [Line<'static>; 2] {
    let n = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.0}"));
    let ms = |v: Option<f64>| v.map_or("-".to_owned(), millis);
    let alarming = m.errors.unwrap_or(0.0) > 0.0 || m.throttles.unwrap_or(0.0) > 0.0;
    let counts = format!(
        "invocations {} · errors {}{} · throttles {}",
        n(m.invocations),
        n(m.errors),
        m.error_pct()
            .map_or(String::new(), |p| format!(" ({p:.1}%)")),
        n(m.throttles),
    );
    let duration = format!(
        "duration avg {} p50 {} p99 {} max {} · concurrency max {}",
        ms(m.duration_avg_ms),
        ms(m.duration_p50_ms),
        ms(m.duration_p99_ms),
        ms(m.duration_max_ms),
        n(m.concurrency_max)
    );
    [
        Line::from(vec![
            Span::styled(format!("    {label:<12} "), theme.muted),
            Span::styled(counts, if alarming { theme.error } else { theme.text }),
        ]),
        Line::from(vec![
            Span::styled(format!("    {:<12} ", ""), theme.muted),
            Span::styled(duration, theme.text),
        ]),
    ]
}
