//! The invoke dialog: the payload editor on the left, the outcome on the right.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::app::invoke_dialog::InvokeDialog;
use crate::app::modal::Modal;
use crate::app::state::State;
use crate::fleet::InvocationType;
use crate::units::millis;

use super::overlay::centered;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, modal: &Modal, d: &InvokeDialog) {
    let theme = &state.theme;
    let area = centered(area, 96, 92);
    frame.render_widget(Clear, area);
    let kind = match d.kind {
        InvocationType::RequestResponse => "request-response",
        InvocationType::Event => "event (queued)",
        InvocationType::DryRun => "dry run",
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(format!(" Invoke {} ", d.function.name), theme.title))
        .title(Span::styled(
            format!(
                " qualifier {} · {kind} · template {} ",
                d.qualifiers[d.qualifier], d.templates[d.template].0
            ),
            theme.muted,
        ))
        .title_bottom(Line::from(Span::styled(
            " ctrl-s send · ctrl-t template · ctrl-q qualifier · ctrl-k kind · ctrl-w save event · esc close ",
            theme.muted,
        )));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [editor, outcome] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    draw_editor(frame, editor, state, d);
    draw_outcome(frame, outcome, state, modal.running, d);
}

fn draw_editor(frame: &mut Frame, area: Rect, state: &State, d: &InvokeDialog) {
    let theme = &state.theme;
    let [text, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(2)]).areas(area);
    let height = usize::from(text.height);
    let top = d.row.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = d
        .lines
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, l)| {
            if i != d.row {
                return Line::from(Span::styled(l.clone(), theme.text));
            }
            let (before, after): (String, String) = (
                l.chars().take(d.col).collect(),
                l.chars().skip(d.col).collect(),
            );
            let mut rest = after.chars();
            let under = rest.next().map_or(" ".to_owned(), |c| c.to_string());
            Line::from(vec![
                Span::styled(before, theme.text),
                Span::styled(under, theme.text.add_modifier(Modifier::REVERSED)),
                Span::styled(rest.collect::<String>(), theme.text),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), text);
    let check = match &d.problem {
        Some(p) => Line::from(Span::styled(p.clone(), theme.error)),
        None => Line::from(Span::styled(
            format!("valid JSON · {} bytes", d.text().len()),
            theme.ok,
        )),
    };
    frame.render_widget(Paragraph::new(check).wrap(Wrap { trim: true }), status);
}

fn draw_outcome(frame: &mut Frame, area: Rect, state: &State, running: bool, d: &InvokeDialog) {
    let theme = &state.theme;
    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(theme.muted);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = match (&d.outcome, running) {
        (_, true) => vec![Line::from(Span::styled(
            format!("{} invoking…", super::spinner(state.spinner)),
            theme.accent,
        ))],
        (None, _) => vec![Line::from(Span::styled(
            "ctrl-s sends the payload; the answer, the log tail and what it cost show here.",
            theme.muted,
        ))],
        (Some(Err(e)), _) => vec![Line::from(Span::styled(e.clone(), theme.error))],
        (Some(Ok(o)), _) => {
            let mut status = format!("status {}", o.status);
            if let Some(v) = &o.executed_version {
                status.push_str(&format!(" · version {v}"));
            }
            status.push_str(&format!(" · {} round trip", millis(o.round_trip_ms)));
            let mut lines = vec![Line::from(Span::styled(status, theme.title))];
            if let Some(e) = &o.function_error {
                lines.push(Line::from(Span::styled(
                    format!("FUNCTION ERROR {e}"),
                    theme.error,
                )));
            }
            if let Some(r) = &o.report {
                lines.push(Line::from(Span::styled(r.clone(), theme.accent)));
            }
            lines.push(Line::from(Span::styled("── response", theme.muted)));
            lines.extend(
                o.response
                    .lines()
                    .map(|l| Line::from(Span::styled(l.to_owned(), theme.text))),
            );
            lines.push(Line::from(Span::styled("── log tail", theme.muted)));
            lines.extend(
                o.log_tail
                    .iter()
                    .map(|l| Line::from(Span::styled(l.replace('\t', " "), theme.muted))),
            );
            lines
        }
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
