//! Panes over the view: help (keys and commands) and the errors of discovery.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::app::command::COMMANDS;
use crate::app::keymap::{Action, Scope};
use crate::app::state::{Overlay, State};
use crate::text::visible;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, overlay: Overlay) {
    let theme = &state.theme;
    let area = centered(area, 90, 90);
    let (title, lines) = match overlay {
        Overlay::Help => (" Help ", help_lines(state)),
        Overlay::Errors => (" Errors ", error_lines(state)),
    };
    let back = state.keymap.first_key(Action::Back).unwrap_or_default();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(title, theme.title))
        .title(Span::styled(format!(" <{back}> close "), theme.muted));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((state.overlay_scroll, 0)),
        area,
    );
}

fn help_lines(state: &State) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let mut lines = Vec::new();
    for (scope, heading) in [
        (Scope::Global, "Keys"),
        (Scope::Fleet, "Fleet view"),
        (Scope::Function, "Function view"),
        (Scope::Logs, "Logs view"),
    ] {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(heading, theme.title)));
        for (action, _, description, _) in Action::ALL.iter().filter(|a| a.3 == scope) {
            let keys = state.keymap.keys_label(*action);
            if keys.is_empty() {
                continue;
            }
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<18}"), theme.accent),
                Span::styled((*description).to_owned(), theme.text),
            ]));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Commands", theme.title)));
    for (command, description) in COMMANDS {
        lines.push(Line::from(vec![
            Span::styled(format!("  {command:<26}"), theme.accent),
            Span::styled((*description).to_owned(), theme.text),
        ]));
    }
    lines
}

fn error_lines(state: &State) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let failures = state.inventory.failures();
    if failures.is_empty() {
        return vec![Line::from(Span::styled("Nothing failed.", theme.ok))];
    }
    failures
        .iter()
        .map(|f| {
            let style = if f.is_note() {
                theme.muted
            } else {
                theme.error
            };
            Line::from(vec![
                Span::styled(format!("  {:<12}", f.error.kind()), style),
                Span::styled(
                    visible(&format!("{} · {}: ", f.target, f.scope)).into_owned(),
                    theme.accent,
                ),
                Span::styled(visible(&f.error.to_string()).into_owned(), theme.text),
            ])
        })
        .collect()
}

pub fn centered(area: Rect, percent_x: u16, percent_y: u16) -> Rect {
    let [_, v, _] = Layout::vertical([
        Constraint::Percentage((100 - percent_y) / 2),
        Constraint::Percentage(percent_y),
        Constraint::Percentage((100 - percent_y) / 2),
    ])
    .areas(area);
    let [_, h, _] = Layout::horizontal([
        Constraint::Percentage((100 - percent_x) / 2),
        Constraint::Percentage(percent_x),
        Constraint::Percentage((100 - percent_x) / 2),
    ])
    .areas(v);
    h
}
