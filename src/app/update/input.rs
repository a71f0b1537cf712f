//! Keys while a line is being typed: the `/` filter (live), a logs search, the `:` command.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::super::msg::Effect;
use super::super::state::{Input, State};
use super::{commands, logs};

pub(super) fn on_input_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(input) = state.input.as_mut() else {
        return Vec::new();
    };
    let text = match input {
        Input::Filter(t) | Input::Command(t) | Input::Search(t) => t,
    };
    match key.code {
        KeyCode::Esc => {
            if matches!(input, Input::Filter(_)) {
                set_filter(state, String::new());
            }
            state.input = None;
        }
        KeyCode::Enter => match state.input.take().expect("input is open") {
            Input::Command(line) => return commands::run_command(state, &line),
            Input::Search(text) => logs::search(state, &text),
            Input::Filter(_) => {}
        },
        KeyCode::Backspace => {
            if text.pop().is_none() && !matches!(input, Input::Filter(_)) {
                state.input = None;
            }
            live_filter(state);
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            text.clear();
            live_filter(state);
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            text.push(c);
            live_filter(state);
        }
        _ => {}
    }
    Vec::new()
}

/// The filter follows what is typed.
fn live_filter(state: &mut State) {
    if let Some(Input::Filter(text)) = &state.input {
        let text = text.clone();
        set_filter(state, text);
    }
}

pub(super) fn set_filter(state: &mut State, text: String) {
    if state.fleet.filter != text {
        state.fleet.filter = text;
        state.fleet.selected = 0;
        state.fleet.offset = 0;
        state.fleet.dirty = true;
    }
}
