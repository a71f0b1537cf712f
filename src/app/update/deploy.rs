//! The deploy dialog's keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::fleet::Provider;

use super::super::confirmation::Answer;
use super::super::deploy_dialog::DeployDialog;
use super::super::msg::Effect;
use super::super::state::{State, View};
use super::dialog::mistyped;
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
        return match d.confirm.key(key, &name) {
            Answer::Confirmed => start(state),
            Answer::Mistyped => {
                mistyped(state, &name, "deploy it");
                Vec::new()
            }
            Answer::Pending | Answer::Cancelled => Vec::new(),
        };
    }
    match key.code {
        KeyCode::Esc => state.deploy = None,
        KeyCode::Tab | KeyCode::Up | KeyCode::Down => d.next_field(),
        KeyCode::Backspace => {
            d.field_mut().pop();
        }
        KeyCode::Enter => match d.problem() {
            Some(p) => flash(state, &p, true),
            None => d.confirm.ask(),
        },
        KeyCode::Char(c) if !ctrl => d.field_mut().push(c),
        _ => {}
    }
    Vec::new()
}

/// Asks for the deploy the dialog shows.
fn start(state: &mut State) -> Vec<Effect> {
    let Some(d) = state.deploy.as_mut() else {
        return Vec::new();
    };
    d.running = true;
    vec![Effect::Deploy {
        function: Box::new(d.function.clone()),
        path: (!d.local).then(|| d.path.trim().to_owned()),
        alias: d.alias.trim().to_owned(),
    }]
}
