//! The rollback dialog, drawn over the function view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::dialog::RollbackDialog;
use crate::app::state::State;

use super::overlay::centered;
use super::question::question;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, dialog: &RollbackDialog) {
    let theme = &state.theme;
    let area = centered(area, 80, 70);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(
            format!(" Roll back {} ", dialog.function.name),
            theme.title,
        ));
    let alias = dialog.alias();
    let current_sha = dialog
        .function
        .versions
        .iter()
        .find(|v| v.version == alias.version)
        .map_or("?", |v| v.code_sha256.as_str());
    let mut aliases = vec![Span::styled("alias  ", theme.muted)];
    for (i, a) in dialog.function.aliases.iter().enumerate() {
        let style = if i == dialog.alias {
            theme.selection
        } else {
            theme.text
        };
        aliases.push(Span::styled(format!(" {} ", a.name), style));
    }
    if dialog.function.aliases.len() > 1 {
        aliases.push(Span::styled("  (tab: next alias)", theme.muted));
    }
    let mut lines = vec![
        Line::from(aliases),
        Line::from(vec![
            Span::styled("now    ", theme.muted),
            Span::styled(
                format!("version {} · code {current_sha}", alias.version),
                theme.text,
            ),
        ]),
        Line::default(),
        Line::from(Span::styled(
            format!(
                "{:<9} {:<26} {:<46} DESCRIPTION",
                "VERSION", "PUBLISHED", "CODE SHA-256"
            ),
            theme.title,
        )),
    ];
    for (i, v) in dialog.candidates().iter().enumerate() {
        let marker = if i == dialog.selected { "▸ " } else { "  " };
        let line = Line::from(Span::styled(
            format!(
                "{marker}{:<7} {:<26} {:<46} {}",
                v.version, v.last_modified, v.code_sha256, v.description
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
    let target = dialog.target().map_or("?", |v| v.version.as_str());
    let what = format!("move {} to version {target}", alias.name);
    let prompt = if dialog.running {
        Line::from(Span::styled("rolling back…", theme.accent))
    } else if let Some(q) = question(theme, &dialog.confirm, &dialog.function.name, &what) {
        q
    } else {
        Line::from(Span::styled(
            "↑↓ choose a version · enter roll back to it · esc close (no version is deleted)",
            theme.muted,
        ))
    };
    lines.push(prompt);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
