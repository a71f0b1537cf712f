//! The deploy dialog's keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use std::sync::Arc;

use crate::fleet::Provider;
use crate::fleet::operations::CodeSource;

use super::super::deploy_dialog::{DeployDialog, Package};
use super::super::msg::Effect;
use super::super::state::{State, View};
use super::dialog::answered;
use super::flash;

/// Opens the dialog on the function shown.
pub(super) fn open(state: &mut State) {
    let View::Function { arn } = &state.view else {
        return;
    };
    let Some(f) = state.inventory.function(arn).cloned() else {
        return;
    };
    let protected = state.protected(&f);
    let local = state.context.provider == Provider::Local;
    state.deploy = Some(DeployDialog::open(f, local, protected));
}

pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(d) = state.deploy.as_mut() else {
        return Vec::new();
    };
    if d.running {
        return Vec::new();
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if d.confirm.asking() {
        let name = d.function.name.clone();
        let answer = d.confirm.key(key, &name);
        return answered(state, answer, &name, "deploy it", start);
    }
    match key.code {
        KeyCode::Esc => state.deploy = None,
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
            None => d.confirm.ask(),
        },
        KeyCode::Char(c) if !ctrl => d.field_mut().push(c),
        _ => {}
    }
    Vec::new()
}

/// The package read for the dialog: shown, then the question asked; or why it cannot ship,
/// the path kept to fix.
pub(super) fn package_read(state: &mut State, path: String, package: Result<Arc<Vec<u8>>, String>) {
    let Some(d) = state.deploy.as_mut() else {
        return;
    };
    if !d.preparing || d.path.trim() != path {
        return;
    }
    d.preparing = false;
    match package {
        Ok(bytes) => {
            d.package = Some(Package::new(path, bytes));
            d.confirm.ask();
        }
        Err(e) => flash(state, &e, true),
    }
}

/// Asks for the deploy the dialog shows: the package it showed, or the working directory.
fn start(state: &mut State) -> Vec<Effect> {
    let Some(d) = state.deploy.as_mut() else {
        return Vec::new();
    };
    let source = match (&d.package, d.local) {
        (_, true) => CodeSource::WorkingDirectory,
        (Some(p), false) => CodeSource::Zip(p.bytes.as_ref().clone()),
        (None, false) => return Vec::new(),
    };
    d.running = true;
    vec![Effect::Deploy {
        function: Box::new(d.function.clone()),
        source,
        alias: d.alias.trim().to_owned(),
    }]
}
