//! The question a dialog asks before it changes anything: `y`, or the function's name in a
//! protected stage.

use ratatui::text::{Line, Span};

use crate::app::confirmation::Confirmation;

use super::Theme;

/// The line asking whether to `what` (e.g. "deploy it"), while asking.
pub fn question(theme: &Theme, c: &Confirmation, name: &str, what: &str) -> Option<Line<'static>> {
    let typed = c.typed.as_ref()?;
    Some(if c.protected {
        Line::from(vec![
            Span::styled(
                format!("{name} is in a protected stage: type its name to {what}: "),
                theme.error,
            ),
            Span::styled(format!("{typed}█"), theme.text),
        ])
    } else {
        Line::from(Span::styled(
            format!("{what}? y to confirm, any other key cancels"),
            theme.accent,
        ))
    })
}
