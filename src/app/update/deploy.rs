//! The deploy dialog's keys, and the package it reads before asking.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::fleet::Provider;
use crate::fleet::artifact::Package as ReadPackage;

use super::super::deploy_dialog::{DeployDialog, Package};
use super::super::modal::Dialog;
use super::super::msg::Effect;
use super::super::state::State;
use super::flash;
use super::modal::{open as open_modal, propose, shown};

/// Opens the dialog on the function shown.
pub(super) fn open(state: &mut State) {
    let Some(f) = shown(state) else {
        return;
    };
    let local = state.context.provider == Provider::Local;
    open_modal(state, Dialog::Deploy(DeployDialog::open(f, local)));
}

fn dialog(state: &mut State) -> Option<&mut DeployDialog> {
    match state.modal.as_mut().map(|m| &mut m.dialog) {
        Some(Dialog::Deploy(d)) => Some(d),
        _ => None,
    }
}

/// A key while the dialog is open (and nothing is being confirmed).
pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(d) = dialog(state) else {
        return Vec::new();
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => state.modal = None,
        KeyCode::Tab | KeyCode::Up | KeyCode::Down => d.next_field(),
        KeyCode::Backspace => {
            d.field_mut().pop();
        }
        KeyCode::Enter => match d.problem() {
            Some(p) => flash(state, &p, true),
            // Show what would ship before asking: the package is read (and zipped) first.
            None if !d.local && d.package.is_none() => {
                if !d.preparing {
                    d.preparing = true;
                    return vec![Effect::ReadPackage {
                        path: d.path.trim().to_owned(),
                    }];
                }
            }
            None => {
                if let Some(change) = d.change() {
                    propose(state, change);
                }
            }
        },
        KeyCode::Char(c) if !ctrl => d.field_mut().push(c),
        _ => {}
    }
    Vec::new()
}

/// The package read for the dialog: shown, and the deploy of exactly it planned and asked
/// about; or why it cannot ship, the path kept to fix.
pub(super) fn package_read(state: &mut State, path: String, package: Result<ReadPackage, String>) {
    let Some(d) = dialog(state) else {
        return;
    };
    if !d.preparing || d.path.trim() != path {
        return;
    }
    d.preparing = false;
    match package {
        Ok(read) => {
            d.package = Some(Package::new(path, read));
            if let Some(change) = d.change() {
                propose(state, change);
            }
        }
        Err(e) => flash(state, &e, true),
    }
}
