//! Drawing: a pure function of the state, one file per view or widget.

mod bottom_line;
mod canary_dialog;
mod cost_view;
mod deploy_dialog;
pub mod fleet_view;
mod function_view;
mod header;
mod invoke_dialog;
mod latency_panel;
mod logs_view;
mod metrics_panel;
mod overlay;
pub mod pictures;
mod question;
mod rollback_dialog;
mod steps;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

use crate::app::modal::Dialog;
use crate::app::state::{State, View};

pub use crate::app::theme::Theme;

/// Lines the header takes.
pub const HEADER_HEIGHT: u16 = 3;

/// Draws one frame.
pub fn draw(frame: &mut Frame, state: &State) {
    let [header, body, bottom] = Layout::vertical([
        Constraint::Length(HEADER_HEIGHT),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    header::draw(frame, header, state);
    match &state.view {
        View::Fleet => fleet_view::draw(frame, body, state),
        View::Function { arn } => function_view::draw(frame, body, state, arn),
        View::Cost => cost_view::draw(frame, body, state),
        View::Logs => logs_view::draw(frame, body, state),
    }
    if let Some(modal) = &state.modal {
        match &modal.dialog {
            Dialog::Rollback(d) => rollback_dialog::draw(frame, body, state, modal, d),
            Dialog::Invoke(d) => invoke_dialog::draw(frame, body, state, modal, d),
            Dialog::Deploy(d) => deploy_dialog::draw(frame, body, state, modal, d),
            Dialog::Canary(d) => canary_dialog::draw(frame, body, state, modal, d),
        }
    }
    if let Some(overlay) = state.overlay {
        overlay::draw(frame, body, state, overlay);
    }
    bottom_line::draw(frame, bottom, state);
}

/// The spinner frame for a tick count.
pub fn spinner(tick: usize) -> char {
    const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    FRAMES[tick % FRAMES.len()]
}
