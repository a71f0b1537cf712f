//! The canary dialog: the alias's versions side by side, the versions a canary can use, and
//! what the keys do.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::analysis::by_version::VersionFigures;
use crate::app::canary_dialog::CanaryDialog;
use crate::app::modal::Modal;
use crate::app::state::State;

use super::overlay::centered;
use super::question::footer;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, modal: &Modal, d: &CanaryDialog) {
    let theme = &state.theme;
    let area = centered(area, 84, 80);
    let alias = d.alias();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(
            format!(" Canary · {} · alias {} ", d.function.name, alias.name),
            theme.title,
        ))
        .title(Span::styled(
            format!(" last {} ", state.figures.since),
            theme.muted,
        ));
    let mut lines = vec![Line::from(Span::styled(
        VersionFigures::header(),
        theme.title,
    ))];
    match &d.figures {
        None => lines.push(Line::from(Span::styled(
            format!(
                "{} reading each version's REPORT lines…",
                super::spinner(state.spinner)
            ),
            theme.muted,
        ))),
        Some(Err(e)) => lines.push(Line::from(Span::styled(e.to_string(), theme.error))),
        Some(Ok(figures)) => {
            for v in figures {
                let style = if v.errors > 0 {
                    theme.error
                } else {
                    theme.text
                };
                lines.push(Line::from(Span::styled(v.row(), style)));
            }
        }
    }
    lines.push(Line::default());
    match d.canary() {
        Some((v, w)) => lines.push(Line::from(Span::styled(
            format!(
                "a canary runs: {:.0}% to version {v}, the rest to {} · p promotes it, a aborts it",
                w * 100.0,
                alias.version
            ),
            theme.accent,
        ))),
        None => {
            lines.push(Line::from(vec![
                Span::styled("send ", theme.muted),
                Span::styled(format!("{}█", d.weight), theme.selection),
                Span::styled(" of the traffic to (↑↓ choose, enter starts):", theme.muted),
            ]));
            for (i, v) in d.candidates().iter().enumerate() {
                let chosen = i == d.selected;
                lines.push(Line::from(Span::styled(
                    format!(
                        "{}version {:<6} {}  {}",
                        if chosen { "▸ " } else { "  " },
                        v.version,
                        v.code_sha256,
                        v.description
                    ),
                    if chosen { theme.selection } else { theme.text },
                )));
            }
        }
    }
    lines.push(Line::default());
    let hint = Line::from(Span::styled(
        "r re-reads · tab next alias · esc closes",
        theme.muted,
    ));
    lines.extend(footer(theme, modal, "moving the alias", hint));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
