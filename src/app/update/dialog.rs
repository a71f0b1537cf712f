//! The rollback dialog's keys, and the outcome of the change it asked for.

use crossterm::event::{KeyCode, KeyEvent};

use super::super::confirmation::Answer;
use super::super::dialog::RollbackDialog;
use super::super::msg::{ChangeOutcome, Effect};
use super::super::state::{State, View};
use super::flash;
use crate::fleet::operations::Step;

/// Opens the dialog on the function shown.
pub(super) fn open(state: &mut State) {
    let View::Function { arn } = &state.view else {
        return;
    };
    let Some(f) = state.inventory.function(arn).cloned() else {
        return;
    };
    let protected = state.protected(&f);
    match RollbackDialog::open(f, protected) {
        Ok(d) => state.dialog = Some(d),
        Err(e) => flash(state, &e, true),
    }
}

/// A key while the dialog is open.
pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(dialog) = state.dialog.as_mut() else {
        return Vec::new();
    };
    if dialog.running {
        return Vec::new();
    }
    if dialog.confirm.asking() {
        let name = dialog.function.name.clone();
        let answer = dialog.confirm.key(key, &name);
        return answered(state, answer, &name, "roll it back", start);
    }
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => state.dialog = None,
        KeyCode::Up | KeyCode::Char('k') => dialog.move_selection(-1),
        KeyCode::Down | KeyCode::Char('j') => dialog.move_selection(1),
        KeyCode::Tab | KeyCode::Right | KeyCode::Left => dialog.next_alias(),
        KeyCode::Enter => dialog.confirm.ask(),
        _ => {}
    }
    Vec::new()
}

/// Asks for the rollback the dialog shows.
fn start(state: &mut State) -> Vec<Effect> {
    let Some(dialog) = state.dialog.as_mut() else {
        return Vec::new();
    };
    let Some(target) = dialog.target().map(|v| v.version.clone()) else {
        return Vec::new();
    };
    dialog.running = true;
    vec![Effect::Rollback {
        function: Box::new(dialog.function.clone()),
        alias: dialog.alias().map(|a| a.name.clone()),
        to: target,
    }]
}

/// What a key answered to a dialog's question: `start` the change once confirmed; a mistyped
/// name (a protected stage) says what to type.
pub(super) fn answered(
    state: &mut State,
    answer: Answer,
    name: &str,
    what: &str,
    start: impl FnOnce(&mut State) -> Vec<Effect>,
) -> Vec<Effect> {
    match answer {
        Answer::Confirmed => start(state),
        Answer::Mistyped => {
            mistyped(state, name, what);
            Vec::new()
        }
        Answer::Pending | Answer::Cancelled => Vec::new(),
    }
}

/// The name typed to confirm a change in a protected stage was not the function's.
fn mistyped(state: &mut State, name: &str, what: &str) {
    flash(
        state,
        &format!("type {name} exactly to {what}; esc cancels"),
        true,
    );
}

/// A step of the running change started: the dialog that asked for it lists it.
pub(super) fn step(state: &mut State, step: Step) {
    if let Some(d) = state.deploy.as_mut().filter(|d| d.running) {
        d.progress.push(step);
    } else if let Some(d) = state.dialog.as_mut().filter(|d| d.running) {
        d.progress.push(step);
    }
}

/// The outcome of a change: the dialog closes, the function's versions and aliases are shown
/// as they are now.
pub(super) fn changed(state: &mut State, outcome: ChangeOutcome) {
    state.dialog = None;
    state.deploy = None;
    state.canary = None;
    match outcome {
        Ok((summary, refreshed)) => {
            if let Some(f) = refreshed {
                state.inventory.refresh(*f);
                state.fleet.dirty = true;
            }
            flash(state, &summary, false);
        }
        Err(e) => flash(state, &e, true),
    }
}
