//! The deploy dialog's keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::fleet::Provider;

use super::super::deploy_dialog::DeployDialog;
use super::super::msg::Effect;
use super::super::state::{State, View};
use super::flash;

/// Opens the dialog on the function shown.
pub(super) fn open(state: &mut State) {
    let View::Function { arn } = &state.view else {
        return;
    };
    let Some(f) = state.inventory.function(arn).cloned() else {
        return;
    };
    let protected = f
        .placement
        .stage
        .as_ref()
        .is_some_and(|s| state.protected_stages.contains(s));
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
    if let Some(typed) = d.confirming.as_mut() {
        match key.code {
            KeyCode::Esc => d.confirming = None,
            KeyCode::Backspace => {
                typed.pop();
            }
            KeyCode::Enter if d.protected => {
                let typed = typed.clone();
                return confirm(state, &typed);
            }
            KeyCode::Char(c) if !d.protected => {
                if c == 'y' || c == 'Y' {
                    return confirm(state, "");
                }
                d.confirming = None;
            }
            KeyCode::Char(c) if !ctrl => typed.push(c),
            _ => {}
        }
        return Vec::new();
    }
    match key.code {
        KeyCode::Esc => state.deploy = None,
        KeyCode::Tab | KeyCode::Up | KeyCode::Down => d.next_field(),
        KeyCode::Backspace => {
            d.field_mut().pop();
        }
        KeyCode::Enter => match d.problem() {
            Some(p) => flash(state, &p, true),
            None => d.confirming = Some(String::new()),
        },
        KeyCode::Char(c) if !ctrl => d.field_mut().push(c),
        _ => {}
    }
    Vec::new()
}

fn confirm(state: &mut State, typed: &str) -> Vec<Effect> {
    let Some(d) = state.deploy.as_mut() else {
        return Vec::new();
    };
    if !d.confirmed_by(typed) {
        d.confirming = Some(String::new());
        let name = d.function.name.clone();
        flash(
            state,
            &format!("type {name} exactly to deploy it; esc cancels"),
            true,
        );
        return Vec::new();
    }
    d.running = true;
    d.confirming = None;
    vec![Effect::Deploy {
        function: Box::new(d.function.clone()),
        path: (!d.local).then(|| d.path.trim().to_owned()),
        alias: d.alias.trim().to_owned(),
    }]
}
