//! What every dialog shares: opening one on the function shown, a change proposed and planned
//! by the core, its confirmation, the steps of the running change, and its outcome.

use crossterm::event::KeyEvent;

use super::super::confirmation::{Answer, Confirmation};
use super::super::modal::{Dialog, Modal};
use super::super::msg::Effect;
use super::super::state::{State, View};
use super::{canary, deploy, flash, invoke, rollback};
use crate::fleet::change::{Change, Outcome, plan};
use crate::fleet::{Function, Step};

/// The function the view shows, to open a dialog on.
pub(super) fn shown(state: &State) -> Option<Function> {
    let View::Function { arn } = &state.view else {
        return None;
    };
    state.inventory.function(arn).cloned()
}

/// Opens `dialog` over the view.
pub(super) fn open(state: &mut State, dialog: Dialog) {
    state.modal = Some(Modal::new(dialog));
}

/// A key while a dialog is open: the confirmation's while one is asked, nothing while a change
/// runs, else the dialog's own.
pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(modal) = state.modal.as_mut() else {
        return Vec::new();
    };
    if let Some(confirmation) = modal.confirm.as_mut() {
        let answer = confirmation.key(key);
        return answered(state, answer);
    }
    match &modal.dialog {
        Dialog::Invoke(_) => invoke::on_key(state, key),
        _ if modal.running => Vec::new(),
        Dialog::Rollback(_) => rollback::on_key(state, key),
        Dialog::Deploy(_) => deploy::on_key(state, key),
        Dialog::Canary(_) => canary::on_key(state, key),
    }
}

/// Plans `change` to the dialog's function under the session's safety rules, and asks to
/// confirm the plan; a refusal says why, and the dialog stays as it was.
pub(super) fn propose(state: &mut State, change: Change) {
    let Some(modal) = state.modal.as_mut() else {
        return;
    };
    match plan(modal.function(), change, &state.safety) {
        Ok(p) => modal.confirm = Some(Confirmation::new(p)),
        Err(refusal) => flash(state, &refusal.to_string(), true),
    }
}

/// What a key answered: the confirmed plan is carried out; a mistyped name says what to type.
fn answered(state: &mut State, answer: Answer) -> Vec<Effect> {
    let Some(modal) = state.modal.as_mut() else {
        return Vec::new();
    };
    match answer {
        Answer::Confirmed => {
            let Some(confirmation) = modal.confirm.take() else {
                return Vec::new();
            };
            modal.running = true;
            modal.progress.clear();
            vec![Effect::Apply(Box::new(confirmation.plan))]
        }
        Answer::Cancelled => {
            modal.confirm = None;
            Vec::new()
        }
        Answer::Mistyped => {
            let name = modal.function().name.clone();
            flash(
                state,
                &format!("type {name} exactly to confirm; esc cancels"),
                true,
            );
            Vec::new()
        }
        Answer::Pending => Vec::new(),
    }
}

/// A step of the running change started: the dialog lists it.
pub(super) fn step(state: &mut State, step: Step) {
    if let Some(modal) = state.modal.as_mut().filter(|m| m.running) {
        modal.step(step);
    }
}

/// A change was carried out (or not): the dialog closes, the function is shown as it was read
/// again, and the outcome is said.
pub(super) fn applied(state: &mut State, outcome: Outcome, refreshed: Option<Box<Function>>) {
    state.modal = None;
    if let Some(f) = refreshed {
        state.inventory.refresh(*f);
        state.fleet.dirty = true;
    }
    let failed = outcome.result.is_err() || outcome.audit_error.is_some();
    flash(state, &outcome.summary(), failed);
}
