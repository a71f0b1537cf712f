//! The deploy dialog, drawn over the function view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::deploy_dialog::{DeployDialog, Field};
use crate::app::modal::Modal;
use crate::app::state::State;
use crate::text::visible;

use super::overlay::centered;
use super::question::footer;

/// Entries left out that the dialog lists by name.
const LEFT_OUT_SHOWN: usize = 6;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, modal: &Modal, d: &DeployDialog) {
    let theme = &state.theme;
    let area = centered(area, 80, 80);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(
            format!(" Deploy {} ", d.function.name),
            theme.title,
        ));
    let field = |label: &str, value: &str, active: bool| {
        Line::from(vec![
            Span::styled(format!("{label:<8}"), theme.muted),
            Span::styled(
                if active {
                    format!("{value}█")
                } else {
                    value.to_owned()
                },
                if active { theme.selection } else { theme.text },
            ),
        ])
    };
    let mut lines = Vec::new();
    if d.local {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<8}", "code"), theme.muted),
            Span::styled(
                format!(
                    "the service's working directory ({})",
                    d.function.code_sha256
                ),
                theme.text,
            ),
        ]));
    } else {
        lines.push(field("code", &d.path, d.field == Field::Path));
        lines.push(Line::from(Span::styled(
            "        a zip file, or a directory (zipped the same way every time)",
            theme.muted,
        )));
    }
    lines.push(field("alias", &d.alias, d.field == Field::Alias));
    lines.push(Line::from(vec![
        Span::styled(format!("{:<8}", "now"), theme.muted),
        Span::styled(
            match d.current() {
                Some((version, sha)) => format!("{} runs version {version} (code {sha})", d.alias),
                None => format!("{} does not exist yet; it will be created", d.alias),
            },
            theme.text,
        ),
    ]));
    lines.push(Line::from(Span::styled(
        format!(
            "$LATEST has code {} ({} bytes)",
            d.function.code_sha256, d.function.code_size
        ),
        theme.muted,
    )));
    if let Some(p) = &d.package {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<8}", "new"), theme.muted),
            Span::styled(
                format!(
                    "code {} ({})",
                    p.code_sha256,
                    crate::units::bytes(p.bytes.len() as u64)
                ),
                theme.accent,
            ),
        ]));
        for left_out in p.left_out.iter().take(LEFT_OUT_SHOWN) {
            lines.push(Line::from(vec![
                Span::styled(format!("{:<8}", "omitted"), theme.muted),
                Span::styled(visible(&left_out.to_string()).into_owned(), theme.error),
            ]));
        }
        if p.left_out.len() > LEFT_OUT_SHOWN {
            lines.push(Line::from(Span::styled(
                format!(
                    "        and {} more omitted",
                    p.left_out.len() - LEFT_OUT_SHOWN
                ),
                theme.error,
            )));
        }
    } else if d.preparing {
        lines.push(Line::from(Span::styled(
            format!("reading {}…", d.path.trim()),
            theme.accent,
        )));
    }
    lines.push(Line::default());
    let hint = Line::from(Span::styled(
        match d.problem() {
            Some(p) => p,
            None => "tab switches fields · enter deploys · esc closes".to_owned(),
        },
        theme.muted,
    ));
    lines.extend(footer(theme, modal, "deploying", hint));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
