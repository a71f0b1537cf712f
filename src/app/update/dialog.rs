//! The rollback dialog's keys, and the outcome of the change it asked for.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::fleet::DiscoveryEvent;

use super::super::dialog::RollbackDialog;
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
    if let Some(typed) = dialog.confirming.as_mut() {
        match key.code {
            KeyCode::Esc => dialog.confirming = None,
            KeyCode::Backspace => {
                typed.pop();
            }
            KeyCode::Enter if dialog.protected => {
                let typed = typed.clone();
                return confirm(state, &typed);
            }
            KeyCode::Char(c) if !dialog.protected => {
                return if c == 'y' || c == 'Y' {
                    confirm(state, "")
                } else {
                    dialog.confirming = None;
                    Vec::new()
                };
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => typed.push(c),
            _ => {}
        }
        return Vec::new();
    }
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => state.dialog = None,
        KeyCode::Up | KeyCode::Char('k') => dialog.move_selection(-1),
        KeyCode::Down | KeyCode::Char('j') => dialog.move_selection(1),
        KeyCode::Tab | KeyCode::Right | KeyCode::Left => dialog.next_alias(),
        KeyCode::Enter => dialog.confirming = Some(String::new()),
        _ => {}
    }
    Vec::new()
}

fn confirm(state: &mut State, typed: &str) -> Vec<Effect> {
    let Some(dialog) = state.dialog.as_mut() else {
        return Vec::new();
    };
    if !dialog.confirmed_by(typed) {
        dialog.confirming = Some(String::new());
        let name = dialog.function.name.clone();
        flash(
            state,
            &format!("type {name} exactly to roll it back; esc cancels"),
            true,
        );
        return Vec::new();
    }
    let Some(target) = dialog.target().map(|v| v.version.clone()) else {
        return Vec::new();
    };
    dialog.running = true;
    dialog.confirming = None;
    vec![Effect::Rollback {
        function: Box::new(dialog.function.clone()),
        alias: dialog.alias().name.clone(),
        to: target,
    }]
}

/// The outcome of a change: the dialog closes, the function's versions and aliases are shown
/// as they are now.
pub(super) fn changed(
    state: &mut State,
    outcome: Result<(String, Option<Box<crate::fleet::Function>>), String>,
) {
    state.dialog = None;
    state.deploy = None;
    state.canary = None;
    match outcome {
        Ok((summary, refreshed)) => {
            if let Some(f) = refreshed.map(|f| *f) {
                state.inventory.apply(DiscoveryEvent::Versions {
                    function_arn: f.arn.clone(),
                    versions: f.versions,
                });
                state.inventory.apply(DiscoveryEvent::Aliases {
                    function_arn: f.arn,
                    aliases: f.aliases,
                });
                state.fleet.dirty = true;
            }
            flash(state, &summary, false);
        }
        Err(e) => flash(state, &e, true),
    }
}
