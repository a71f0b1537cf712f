//! The steps of a running deploy or rollback, as they start: the ones done ticked, the last one
//! running.

use ratatui::text::{Line, Span};

use crate::fleet::Step;

use super::Theme;

/// One line a step, after a title line saying what runs.
pub fn steps(theme: &Theme, what: &str, progress: &[Step]) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(format!("{what}…"), theme.accent))];
    for (i, step) in progress.iter().enumerate() {
        let line = if i + 1 == progress.len() {
            Span::styled(format!("  ▸ {step}…"), theme.accent)
        } else {
            Span::styled(format!("  ✓ {step}"), theme.muted)
        };
        lines.push(Line::from(line));
    }
    lines
}
