//! The canary dialog's keys, and the figures of the alias's versions.

use crossterm::event::{KeyCode, KeyEvent};

use crate::analysis::by_version::VersionFigures;
use crate::fleet::FleetError;

use super::super::canary_dialog::CanaryDialog;
use super::super::modal::Dialog;
use super::super::msg::Effect;
use super::super::state::State;
use super::flash;
use super::modal::{open as open_modal, propose, shown};

/// Opens the dialog on the function shown, and reads its alias's figures.
pub(super) fn open(state: &mut State) -> Vec<Effect> {
    let Some(f) = shown(state) else {
        return Vec::new();
    };
    match CanaryDialog::open(f) {
        Ok(d) => {
            open_modal(state, Dialog::Canary(d));
            figures(state)
        }
        Err(e) => {
            flash(state, &e, true);
            Vec::new()
        }
    }
}

fn dialog(state: &mut State) -> Option<&mut CanaryDialog> {
    match state.modal.as_mut().map(|m| &mut m.dialog) {
        Some(Dialog::Canary(d)) => Some(d),
        _ => None,
    }
}

fn figures(state: &mut State) -> Vec<Effect> {
    state.dialog_reads += 1;
    let read = state.dialog_reads;
    let since_ms = state.figures.since_ms;
    let Some(d) = dialog(state) else {
        return Vec::new();
    };
    d.figures = None;
    d.reading = read;
    vec![Effect::AliasFigures {
        read,
        function: Box::new(d.function.clone()),
        weights: d.alias().weights.clone(),
        since_ms,
    }]
}

/// A key while the dialog is open (and nothing is being confirmed).
pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(d) = dialog(state) else {
        return Vec::new();
    };
    let change = match key.code {
        KeyCode::Esc => {
            state.modal = None;
            return Vec::new();
        }
        KeyCode::Up => {
            d.move_selection(-1);
            return Vec::new();
        }
        KeyCode::Down => {
            d.move_selection(1);
            return Vec::new();
        }
        KeyCode::Tab => {
            d.next_alias();
            return figures(state);
        }
        KeyCode::Char('r') => return figures(state),
        KeyCode::Backspace => {
            d.weight.pop();
            return Vec::new();
        }
        KeyCode::Char(c) if c.is_ascii_digit() || c == '.' || c == '%' => {
            d.weight.push(c);
            return Vec::new();
        }
        KeyCode::Enter => d.start(),
        KeyCode::Char('p') => Ok(d.promote()),
        KeyCode::Char('a') => Ok(d.abort()),
        _ => return Vec::new(),
    };
    match change {
        Ok(change) => propose(state, change),
        Err(e) => flash(state, &e, true),
    }
    Vec::new()
}

pub(super) fn figures_read(
    state: &mut State,
    read: u64,
    result: Result<Vec<VersionFigures>, FleetError>,
) {
    if let Some(d) = dialog(state)
        && d.reading == read
    {
        d.figures = Some(result);
    }
}
