//! The foot of a dialog that changes the fleet: the steps of the change while it runs, or the
//! plan being confirmed and its question (`y`, or the function's name in a protected stage),
//! or else the dialog's own hint.

use ratatui::text::{Line, Span};

use crate::app::confirmation::Confirmation;
use crate::app::modal::Modal;

use super::Theme;
use super::steps::steps;

/// The lines under a dialog's body; `running` says what runs ("deploying").
pub fn footer(
    theme: &Theme,
    modal: &Modal,
    running: &str,
    hint: Line<'static>,
) -> Vec<Line<'static>> {
    if modal.running {
        return steps(theme, running, &modal.progress);
    }
    match &modal.confirm {
        Some(c) => question(theme, c),
        None => vec![hint],
    }
}

/// The plan, line by line, and the question about it.
fn question(theme: &Theme, c: &Confirmation) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = c
        .plan
        .lines()
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            Line::from(Span::styled(
                l,
                if i == 0 { theme.title } else { theme.text },
            ))
        })
        .collect();
    let name = &c.plan.function.name;
    let verb = c.plan.kind.verb();
    lines.push(if c.protected() {
        Line::from(vec![
            Span::styled(
                format!("{name} is in a protected stage: type its name to {verb} it: "),
                theme.error,
            ),
            Span::styled(format!("{}█", c.typed), theme.text),
        ])
    } else {
        Line::from(Span::styled(
            format!("{verb} {name}? y to confirm, any other key cancels"),
            theme.accent,
        ))
    });
    lines
}
