//! The function view: configuration, tags, environment (masked until revealed), versions,
//! aliases with their weights, routes and event sources.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::keymap::Action;
use crate::app::state::State;
use crate::fleet::{ApiKind, Function};
use crate::text::visible;
use crate::ui::Theme;

/// What a masked value looks like: the same for every value, so nothing leaks its length.
const MASK: &str = "••••••••";

pub fn draw(frame: &mut Frame, area: Rect, state: &State, arn: &str) {
    let theme = &state.theme;
    let Some(f) = state.inventory.function(arn) else {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.muted);
        let text = if state.discovering() {
            "Loading…"
        } else {
            "This function is no longer in the fleet (esc to go back)."
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.muted)).block(block),
            area,
        );
        return;
    };
    let reveal_key = state.keymap.first_key(Action::Reveal).unwrap_or_default();
    let mut lines = lines(f, theme, state.function.reveal_environment, &reveal_key);
    // Latency and cost come right after the configuration block.
    let at = lines
        .iter()
        .position(|l| l.spans.is_empty())
        .unwrap_or(lines.len());
    let mut panel = crate::ui::latency_panel::lines(&state.figures, f, theme);
    panel.insert(0, Line::default());
    lines.splice(at..at, panel);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.muted)
        .title(Span::styled(format!(" {} ", visible(&f.name)), theme.title))
        .title(Span::styled(format!(" {} ", f.region), theme.muted));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((state.function.scroll, 0)),
        area,
    );
}

fn lines(f: &Function, theme: &Theme, reveal: bool, reveal_key: &str) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    // Every value (and a tag's key) comes from the fleet: shown, never acted on.
    let field = |out: &mut Vec<Line<'static>>, name: &str, value: String| {
        out.push(Line::from(vec![
            Span::styled(format!("  {:<14} ", visible(name)), theme.muted),
            Span::styled(visible(&value).into_owned(), theme.text),
        ]));
    };
    section(&mut out, "Configuration", None, theme);
    field(&mut out, "ARN", f.arn.clone());
    let stage = f
        .placement
        .stage
        .as_deref()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    field(
        &mut out,
        "Service",
        format!(
            "{}{stage} · grouped by {}",
            f.placement.service, f.placement.grouped_by
        ),
    );
    field(
        &mut out,
        "Runtime",
        format!(
            "{} · {}",
            f.runtime.as_deref().unwrap_or("-"),
            f.architecture
        ),
    );
    field(
        &mut out,
        "Handler",
        f.handler.clone().unwrap_or_else(|| "-".into()),
    );
    field(&mut out, "Memory", format!("{} MB", f.memory_mb));
    field(&mut out, "Timeout", format!("{} s", f.timeout_s));
    field(
        &mut out,
        "Code",
        format!(
            "sha256 {} · {}",
            f.code_sha256,
            crate::units::bytes(f.code_size.max(0) as u64)
        ),
    );
    field(&mut out, "Last modified", f.last_modified.clone());
    field(&mut out, "Log group", f.log_group.clone());
    if !f.description.is_empty() {
        field(&mut out, "Description", f.description.clone());
    }

    section(&mut out, "Tags", Some(f.tags.len()), theme);
    for (k, v) in &f.tags {
        field(&mut out, k, v.clone());
    }

    let hint = if reveal {
        format!(" — shown; <{reveal_key}> masks them")
    } else {
        format!(" — masked; <{reveal_key}> reveals them")
    };
    out.push(Line::default());
    out.push(Line::from(vec![
        Span::styled(
            format!("Environment ({})", f.environment.len()),
            theme.title,
        ),
        Span::styled(
            if f.environment.is_empty() {
                String::new()
            } else {
                hint
            },
            theme.muted,
        ),
    ]));
    for (k, v) in &f.environment {
        let (value, style): (String, Style) = if reveal {
            (v.reveal().to_owned(), theme.accent)
        } else {
            (MASK.to_owned(), theme.masked)
        };
        out.push(Line::from(vec![
            Span::styled(format!("  {} = ", visible(k)), theme.muted),
            Span::styled(visible(&value).into_owned(), style),
        ]));
    }

    section(&mut out, "Versions", Some(f.versions.len()), theme);
    for v in &f.versions {
        out.push(Line::from(vec![
            Span::styled(format!("  {:>5}  ", v.version), theme.accent),
            Span::styled(
                format!(
                    "{}  {}  {}",
                    short_sha(&v.code_sha256),
                    v.last_modified,
                    visible(&v.description)
                ),
                theme.text,
            ),
        ]));
    }

    section(&mut out, "Aliases", Some(f.aliases.len()), theme);
    for a in &f.aliases {
        // The primary version first, then the canary, each with a bar of its share.
        let mut shares: Vec<(&String, &f64)> = a.weights.iter().collect();
        shares.sort_by_key(|(v, _)| **v != a.version);
        let mut spans = vec![Span::styled(format!("  {:<12} → ", a.name), theme.accent)];
        for (v, w) in shares {
            let filled = (w * 20.0).round() as usize;
            spans.push(Span::styled(format!("v{v} "), theme.text));
            spans.push(Span::styled("█".repeat(filled), theme.ok));
            spans.push(Span::styled("░".repeat(20 - filled.min(20)), theme.muted));
            spans.push(Span::styled(format!(" {:>3.0}%  ", w * 100.0), theme.text));
        }
        out.push(Line::from(spans));
    }

    section(&mut out, "Routes", Some(f.routes.len()), theme);
    for r in &f.routes {
        let kind = match r.kind {
            ApiKind::Rest => "REST",
            ApiKind::Http => "HTTP",
        };
        let qualifier = r
            .qualifier
            .as_deref()
            .map(|q| format!("  → {q}"))
            .unwrap_or_default();
        out.push(Line::from(vec![
            Span::styled(format!("  {kind} {:<16} ", r.api), theme.muted),
            Span::styled(format!("{:<7}{}{qualifier}", r.method, r.path), theme.text),
        ]));
    }

    section(
        &mut out,
        "Event sources",
        Some(f.event_sources.len()),
        theme,
    );
    for e in &f.event_sources {
        let batch = e
            .batch_size
            .map(|b| format!(" · batch {b}"))
            .unwrap_or_default();
        field(&mut out, &e.state, format!("{}{batch}", e.source_arn));
    }
    out
}

fn section(out: &mut Vec<Line<'static>>, title: &str, count: Option<usize>, theme: &Theme) {
    if !out.is_empty() {
        out.push(Line::default());
    }
    let title = match count {
        Some(n) => format!("{title} ({n})"),
        None => title.to_owned(),
    };
    out.push(Line::from(Span::styled(title, theme.title)));
}

fn short_sha(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}
