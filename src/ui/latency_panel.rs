//! The function view's latency panel: cold against warm, percentiles, a sparkline of the window,
//! a histogram of warm latency, memory against configuration, and what it cost.

use ratatui::text::{Line, Span};

use crate::analysis::cost::Cost;
use crate::analysis::latency::LatencyStats;
use crate::app::figures::{Figures, ReportVia};
use crate::fleet::Function;
use crate::ui::Theme;
use crate::ui::pictures::sparkline;
use crate::units::{dollars, millis};

pub fn lines(figures: &Figures, f: &Function, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(Span::styled(
        format!("Latency and cost · window {}", figures.since),
        theme.title,
    ))];
    out.extend(super::metrics_panel::lines(figures, f, theme));
    let via = match figures.via {
        Some(ReportVia::Insights(_)) => "  From REPORT records (Logs Insights aggregated them)",
        _ => "  From REPORT records (the logs)",
    };
    out.push(Line::from(Span::styled(via, theme.accent)));
    out.extend(report_lines(figures, &f.arn, theme));
    out
}

fn report_lines(figures: &Figures, arn: &str, theme: &Theme) -> Vec<Line<'static>> {
    let Some(s) = figures.by_function.get(arn) else {
        let text = if figures.loading.is_some() {
            "  reading REPORT records…"
        } else if let Some((_, why)) = &figures.blocked {
            why.as_str()
        } else {
            "  not read yet"
        };
        return vec![Line::from(Span::styled(text.to_owned(), theme.muted))];
    };
    if s.invocations == 0 {
        return vec![Line::from(Span::styled(
            "  no invocations in the window",
            theme.muted,
        ))];
    }
    let cost = figures
        .cost
        .as_ref()
        .and_then(|c| c.by_function.get(arn))
        .copied();
    let mut out = Vec::new();
    let row = |out: &mut Vec<Line<'static>>, label: &str, value: String| {
        out.push(Line::from(vec![
            Span::styled(format!("  {label:<14} "), theme.muted),
            Span::styled(value, theme.text),
        ]));
    };
    row(
        &mut out,
        "Invocations",
        format!(
            "{} · cold starts {} ({:.1}%) · timeouts {} · errors {}",
            s.invocations,
            s.cold_starts,
            s.cold_start_pct(),
            s.timeouts,
            s.errors
        ),
    );
    let insights = figures.insights.get(arn);
    if let Some(p) = s
        .warm_percentiles()
        .or_else(|| insights.and_then(|i| i.warm))
    {
        row(
            &mut out,
            "Warm",
            format!(
                "p50 {}  p90 {}  p99 {}  max {}",
                millis(p.p50_ms),
                millis(p.p90_ms),
                millis(p.p99_ms),
                millis(p.max_ms)
            ),
        );
    }
    let cold = match (s.cold_percentiles(), s.init_percentiles()) {
        (Some(c), Some(i)) => Some([c.p50_ms, c.p99_ms, i.p50_ms, i.p99_ms]),
        _ => insights.and_then(|i| {
            Some([
                i.cold_p50_ms?,
                i.cold_p99_ms?,
                i.init_p50_ms?,
                i.init_p99_ms?,
            ])
        }),
    };
    if let Some([c50, c99, i50, i99]) = cold {
        row(
            &mut out,
            "Cold",
            format!(
                "p50 {}  p99 {}   of which init p50 {}  p99 {}",
                millis(c50),
                millis(c99),
                millis(i50),
                millis(i99)
            ),
        );
    }
    row(&mut out, "Memory", memory(s));
    let series: Vec<f64> = s.series.iter().map(|b| b.invocations as f64).collect();
    let cold: Vec<f64> = s.series.iter().map(|b| b.cold_starts as f64).collect();
    out.push(Line::from(vec![
        Span::styled(format!("  {:<14} ", "Over time"), theme.muted),
        Span::styled(sparkline(&series), theme.ok),
        Span::styled("  invocations", theme.muted),
    ]));
    out.push(Line::from(vec![
        Span::styled(format!("  {:<14} ", ""), theme.muted),
        Span::styled(sparkline(&cold), theme.accent),
        Span::styled("  cold starts", theme.muted),
    ]));
    let shape = s.warm.shape(32);
    if let (Some(low), Some(high)) = (s.warm.quantile(0.0), s.warm.max()) {
        let counts: Vec<f64> = shape.iter().map(|(_, c)| *c as f64).collect();
        out.push(Line::from(vec![
            Span::styled(format!("  {:<14} ", "Warm latency"), theme.muted),
            Span::styled(format!("{} ", millis(low)), theme.muted),
            Span::styled(sparkline(&counts), theme.ok),
            Span::styled(format!(" {}", millis(high)), theme.muted),
        ]));
    }
    if let Some(c) = cost {
        row(&mut out, "Cost", cost_line(&c));
    }
    out
}

/// Max used against configured, with a right-sizing hint.
fn memory(s: &LatencyStats) -> String {
    if s.memory_mb == 0 {
        return "-".into();
    }
    let used = f64::from(s.max_memory_used_mb) / f64::from(s.memory_mb) * 100.0;
    let hint = if used < 40.0 {
        " · mostly unused: try a smaller size"
    } else if used > 90.0 {
        " · close to the limit"
    } else {
        ""
    };
    format!(
        "{} of {} MB used at most ({used:.0}%){hint}",
        s.max_memory_used_mb, s.memory_mb
    )
}

fn cost_line(c: &Cost) -> String {
    format!(
        "{} in the window · {}/30d · {:.3} GB-s billed ({:.3} for cold starts)",
        dollars(c.total_usd),
        dollars(c.projected_30d_usd),
        c.billed_gb_seconds,
        c.cold_start_gb_seconds
    )
}
