//! The rollback dialog's keys.

use crossterm::event::{KeyCode, KeyEvent};

use super::super::modal::Dialog;
use super::super::msg::Effect;
use super::super::rollback_dialog::RollbackDialog;
use super::super::state::State;
use super::flash;
use super::modal::{open as open_modal, propose, shown};

/// Opens the dialog on the function shown, or says why there is nothing to roll back.
pub(super) fn open(state: &mut State) {
    let Some(f) = shown(state) else {
        return;
    };
    match RollbackDialog::open(f) {
        Ok(d) => open_modal(state, Dialog::Rollback(d)),
        Err(e) => flash(state, &e, true),
    }
}

/// A key while the dialog is open (and nothing is being confirmed).
pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(Dialog::Rollback(dialog)) = state.modal.as_mut().map(|m| &mut m.dialog) else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => state.modal = None,
        KeyCode::Up | KeyCode::Char('k') => dialog.move_selection(-1),
        KeyCode::Down | KeyCode::Char('j') => dialog.move_selection(1),
        KeyCode::Tab | KeyCode::Right | KeyCode::Left => dialog.next_alias(),
        KeyCode::Enter => {
            if let Some(change) = dialog.change() {
                propose(state, change);
            }
        }
        _ => {}
    }
    Vec::new()
}
