//! The rollback dialog, drawn over the function view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::modal::Modal;
use crate::app::rollback_dialog::RollbackDialog;
use crate::app::state::State;
use crate::fleet::LATEST;

use super::overlay::centered;
use super::question::footer;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, modal: &Modal, dialog: &RollbackDialog) {
    let theme = &state.theme;
    let area = centered(area, 84, 80);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(
            format!(" Roll back {} ", dialog.function.name),
            theme.title,
        ));
    let mut served = vec![Span::styled("serves ", theme.muted)];
    let names = dialog
        .function
        .aliases
        .iter()
        .map(|a| format!("alias {}", a.name))
        .chain([LATEST.to_owned()]);
    for (i, name) in names.enumerate() {
        let style = if i == dialog.served {
            theme.selection
        } else {
            theme.text
        };
        served.push(Span::styled(format!(" {name} "), style));
    }
    if !dialog.function.aliases.is_empty() {
        served.push(Span::styled("  (tab: next)", theme.muted));
    }
    let now = match dialog.current() {
        (Some(version), sha) => format!("version {version} · code {sha}"),
        (None, sha) => format!("code {sha}"),
    };
    let mut lines = vec![
        Line::from(served),
        Line::from(vec![
            Span::styled("now    ", theme.muted),
            Span::styled(now, theme.text),
        ]),
        Line::default(),
        Line::from(Span::styled(
            format!(
                "{:<9} {:<26} {:<9} {:<46} DESCRIPTION",
                "VERSION", "PUBLISHED", "STATE", "CODE SHA-256"
            ),
            theme.title,
        )),
    ];
    for (i, v) in dialog.candidates().iter().enumerate() {
        let marker = if i == dialog.selected { "▸ " } else { "  " };
        let line = Line::from(Span::styled(
            format!(
                "{marker}{:<7} {:<26} {:<9} {:<46} {}",
                v.version,
                v.last_modified,
                v.state.to_string(),
                v.code_sha256,
                v.description
            ),
            if i == dialog.selected {
                theme.selection
            } else {
                theme.text
            },
        ));
        lines.push(line);
    }
    lines.push(Line::default());
    let hint = Line::from(Span::styled(
        match dialog.alias() {
            Some(_) => {
                "↑↓ choose a version · enter roll back to it · esc close (no version is deleted)"
            }
            None => {
                "↑↓ choose a version · enter redeploy its code as $LATEST · esc close (nothing is published or deleted)"
            }
        },
        theme.muted,
    ));
    lines.extend(footer(theme, modal, "rolling back", hint));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
