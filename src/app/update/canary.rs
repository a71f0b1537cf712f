//! The canary dialog's keys, and the figures of the alias's versions.

use crossterm::event::{KeyCode, KeyEvent};

use crate::analysis::by_version::VersionFigures;

use super::super::canary_dialog::{CanaryDialog, CanaryStep};
use super::super::msg::Effect;
use super::super::state::{State, View};
use super::dialog::answered;
use super::flash;

/// Opens the dialog on the function shown, and reads its alias's figures.
pub(super) fn open(state: &mut State) -> Vec<Effect> {
    let View::Function { arn } = &state.view else {
        return Vec::new();
    };
    let Some(f) = state.inventory.function(arn).cloned() else {
        return Vec::new();
    };
    let protected = state.protected(&f);
    match CanaryDialog::open(f, protected) {
        Ok(d) => {
            state.canary = Some(d);
            figures(state)
        }
        Err(e) => {
            flash(state, &e, true);
            Vec::new()
        }
    }
}

fn figures(state: &mut State) -> Vec<Effect> {
    state.dialog_reads += 1;
    let read = state.dialog_reads;
    let Some(d) = state.canary.as_mut() else {
        return Vec::new();
    };
    d.figures = None;
    d.reading = read;
    vec![Effect::AliasFigures {
        read,
        function: Box::new(d.function.clone()),
        weights: d.alias().weights.clone(),
        since_ms: state.figures.since_ms,
    }]
}

pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(d) = state.canary.as_mut() else {
        return Vec::new();
    };
    if d.running {
        return Vec::new();
    }
    if d.confirm.asking() {
        let name = d.function.name.clone();
        let answer = d.confirm.key(key, &name);
        return answered(state, answer, &name, "change it", start);
    }
    let ask = |d: &mut CanaryDialog, step| match d.route(step) {
        Ok(_) => {
            d.step = step;
            d.confirm.ask();
            None
        }
        Err(e) => Some(e),
    };
    let problem = match key.code {
        KeyCode::Esc => {
            state.canary = None;
            None
        }
        KeyCode::Up => {
            d.move_selection(-1);
            None
        }
        KeyCode::Down => {
            d.move_selection(1);
            None
        }
        KeyCode::Tab => {
            d.next_alias();
            return figures(state);
        }
        KeyCode::Char('r') => return figures(state),
        KeyCode::Backspace => {
            d.weight.pop();
            None
        }
        KeyCode::Char(c) if c.is_ascii_digit() || c == '.' || c == '%' => {
            d.weight.push(c);
            None
        }
        KeyCode::Enter => ask(d, CanaryStep::Start),
        KeyCode::Char('p') => ask(d, CanaryStep::Promote),
        KeyCode::Char('a') => ask(d, CanaryStep::Abort),
        _ => None,
    };
    if let Some(p) = problem {
        flash(state, &p, true);
    }
    Vec::new()
}

/// Asks for the step being confirmed.
fn start(state: &mut State) -> Vec<Effect> {
    let Some(d) = state.canary.as_mut() else {
        return Vec::new();
    };
    let (version, additional) = match d.route(d.step) {
        Ok(r) => r,
        Err(e) => {
            flash(state, &e, true);
            return Vec::new();
        }
    };
    d.running = true;
    vec![Effect::RouteAlias {
        function: Box::new(d.function.clone()),
        alias: d.alias().name.clone(),
        version,
        additional,
    }]
}

pub(super) fn figures_read(
    state: &mut State,
    read: u64,
    result: Result<Vec<VersionFigures>, String>,
) {
    if let Some(d) = state.canary.as_mut()
        && d.reading == read
    {
        d.figures = Some(result);
    }
}
