//! The logs view: the records shown (only the rows on screen are built, so a frame costs the
//! same whatever the buffer holds), levels in colour, search hits highlighted, invocation
//! headers when grouped, and the selected record pretty-printed on demand.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::analysis::logline::Level;
use crate::analysis::report::InvocationStatus;
use crate::app::keymap::Action;
use crate::app::logs::buffer::Entry;
use crate::app::logs::text::{invocation_summary, one_line, pretty_json, time_column};
use crate::app::logs::{LogsPane, Row, TailStatus};
use crate::app::state::State;
use crate::fleet::follow::FollowMode;
use crate::units::{iso_time, thousands};

use super::Theme;

/// The widest source column.
const SOURCE_WIDTH: usize = 28;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let Some(pane) = &state.logs else {
        return;
    };
    let (list, detail) = if pane.pretty {
        // The same split as `State::logs_page`.
        let [list, detail] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(area.height / 2)]).areas(area);
        (list, Some(detail))
    } else {
        (area, None)
    };
    draw_rows(frame, list, state, pane);
    if let Some(detail) = detail {
        draw_detail(frame, detail, &state.theme, pane);
    }
}

fn draw_rows(frame: &mut Frame, area: Rect, state: &State, pane: &LogsPane) {
    let theme = &state.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.muted)
        .title(Span::styled(
            format!(" Logs · {} ", pane.title),
            theme.title,
        ))
        .title(Span::styled(status(state, pane), theme.muted))
        .title_bottom(Line::from(follow_state(state, pane)).left_aligned())
        .title_bottom(Line::from(status_right(pane, theme)).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if pane.rows.is_empty() {
        let text = match (&pane.status, pane.buffer.is_empty()) {
            (TailStatus::Reading, _) => format!(
                "{} reading the last {}…",
                super::spinner(state.spinner),
                pane.since
            ),
            (_, true) => format!("No records in the last {}; new ones show here.", pane.since),
            (_, false) => "No record matches :grep.".to_owned(),
        };
        frame.render_widget(Paragraph::new(Span::styled(text, theme.muted)), inner);
        return;
    }
    let source_width = pane
        .functions
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(SOURCE_WIDTH);
    let end = (pane.offset + usize::from(inner.height)).min(pane.rows.len());
    let lines: Vec<Line> = (pane.offset..end)
        .map(|at| {
            let line = match pane.rows[at] {
                Row::Record(index) => match pane.buffer.get(index) {
                    Some(e) => record_line(pane, theme, e, index, source_width),
                    None => Line::default(),
                },
                Row::Invocation(id) => match pane.invocations.get(id) {
                    Some(inv) => {
                        let style = match inv.report.as_ref().map(|r| r.status) {
                            Some(InvocationStatus::Timeout | InvocationStatus::Error) => {
                                theme.error
                            }
                            _ if inv.report.as_ref().is_some_and(|r| r.is_cold()) => theme.accent,
                            _ => theme.title,
                        };
                        Line::from(Span::styled(
                            format!("▾ {}", invocation_summary(pane, inv)),
                            style.add_modifier(Modifier::BOLD),
                        ))
                    }
                    None => Line::default(),
                },
            };
            if at == pane.selected {
                line.patch_style(theme.selection)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn record_line<'a>(
    pane: &'a LogsPane,
    theme: &Theme,
    e: &'a Entry,
    index: u64,
    source_width: usize,
) -> Line<'a> {
    let mut spans = Vec::with_capacity(6);
    if pane.grouped {
        spans.push(Span::raw("  "));
    }
    spans.push(Span::styled(format!("{} ", time_column(e)), theme.muted));
    if pane.several_sources() {
        let name = &pane.functions[usize::from(e.source)].name;
        let name: String = name.chars().take(source_width).collect();
        spans.push(Span::styled(
            format!("{name:<source_width$} "),
            theme.service,
        ));
    }
    let style = level_style(theme, e.level);
    let message = one_line(&e.message);
    let hit = pane
        .search
        .as_ref()
        .filter(|s| s.is_hit(&pane.buffer, index));
    match hit {
        Some(search) => {
            let mut at = 0;
            for m in search.regex.find_iter(&message) {
                if m.start() > at {
                    spans.push(Span::styled(message[at..m.start()].to_owned(), style));
                }
                spans.push(Span::styled(
                    message[m.start()..m.end()].to_owned(),
                    theme
                        .accent
                        .add_modifier(Modifier::REVERSED | Modifier::BOLD),
                ));
                at = m.end();
            }
            spans.push(Span::styled(message[at..].to_owned(), style));
        }
        None => spans.push(Span::styled(message, style)),
    }
    Line::from(spans)
}

fn level_style(theme: &Theme, level: Level) -> Style {
    match level {
        Level::Platform | Level::Debug => theme.muted,
        Level::Error => theme.error,
        Level::Warn => theme.accent,
        Level::Info => theme.text,
    }
}

/// The top border: records held, the window, how records come.
fn status(state: &State, pane: &LogsPane) -> String {
    let mut parts = vec![format!("{} records", thousands(pane.buffer.len() as u64))];
    if pane.buffer.len() == pane.buffer.cap() {
        parts.push(format!(
            "newest {} kept",
            thousands(pane.buffer.cap() as u64)
        ));
    }
    parts.push(format!("last {}", pane.since));
    if pane.several_sources() {
        parts.push(format!("{} functions", pane.functions.len()));
    }
    parts.push(match (&pane.status, pane.paused) {
        (_, true) => format!("PAUSED · {} new", thousands(pane.held.len() as u64)),
        (TailStatus::Reading, _) => format!("{} reading", super::spinner(state.spinner)),
        (TailStatus::Starting, _) => "following…".to_owned(),
        (TailStatus::Following(FollowMode::LiveTail { sessions, sampled }), _) => {
            if *sampled {
                // Lines are missing: more matched than a session sends.
                "live tail SAMPLED · :poll reads all".to_owned()
            } else {
                format!("live tail ({sessions} sessions)")
            }
        }
        (TailStatus::Following(FollowMode::Polling { every, why }), _) => format!(
            "polling every {}s{}",
            every.as_secs_f64(),
            if why.is_some() { " (no live tail)" } else { "" }
        ),
    });
    format!(" {} ", parts.join(" · "))
}

/// The bottom border's left: whether the view sticks to the newest record.
fn follow_state<'a>(state: &State, pane: &LogsPane) -> Span<'a> {
    let theme = &state.theme;
    if pane.paused {
        let key = state.keymap.first_key(Action::Pause).unwrap_or_default();
        Span::styled(format!(" paused: <{key}> resumes "), theme.error)
    } else if pane.follow {
        Span::styled(" ↓ following ", theme.ok)
    } else {
        let key = state.keymap.first_key(Action::Bottom).unwrap_or_default();
        Span::styled(format!(" scrolled: <{key}> follows "), theme.accent)
    }
}

/// The bottom border: the filters and the search, and the latest failure.
fn status_right<'a>(pane: &'a LogsPane, theme: &Theme) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    if let Some(p) = &pane.pattern {
        spans.push(Span::styled(format!(" filter {p} "), theme.accent));
    }
    if let Some(g) = &pane.grep {
        spans.push(Span::styled(format!(" grep {} ", g.as_str()), theme.accent));
    }
    if let Some(s) = &pane.search {
        let scanned = s.scanned.saturating_sub(pane.buffer.range().start);
        let progress = if s.pending(&pane.buffer) {
            format!(
                " searching {}%",
                scanned * 100 / (pane.buffer.len() as u64).max(1)
            )
        } else {
            String::new()
        };
        spans.push(Span::styled(
            format!(" /{} {} hits{progress} ", s.text, thousands(s.hits as u64)),
            theme.accent,
        ));
    }
    if let Some(f) = &pane.failure {
        spans.push(Span::styled(format!(" {f} "), theme.error));
    }
    spans
}

fn draw_detail(frame: &mut Frame, area: Rect, theme: &Theme, pane: &LogsPane) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(" Record ", theme.title));
    let Some(e) = pane.selected_entry() else {
        frame.render_widget(block, area);
        return;
    };
    let function = &pane.functions[usize::from(e.source)].name;
    let mut lines = vec![Line::from(Span::styled(
        format!("{} · {function} · {}", iso_time(e.timestamp_ms), e.stream),
        theme.muted,
    ))];
    let body = pretty_json(&e.message).unwrap_or_else(|| e.message.trim_end().to_owned());
    let style = level_style(theme, e.level);
    lines.extend(
        body.lines()
            .map(|l| Line::from(Span::styled(l.replace('\t', "    "), style))),
    );
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
