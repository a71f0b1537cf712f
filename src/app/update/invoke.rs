//! The invoke dialog's keys, and what comes back: the outcome shown with its REPORT and cost,
//! saved events added to the templates.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::analysis::cost::invocation_cost;
use crate::analysis::fleet_cost::priced_as;
use crate::analysis::report;
use crate::fleet::operations::{InvokeRequest, InvokeResult};
use crate::units::{invocation_dollars, millis};

use super::super::invoke_dialog::{InvokeDialog, InvokeOutcome};
use super::super::msg::Effect;
use super::super::state::{State, View};
use super::flash;

/// Opens the dialog on the function shown, and asks for its saved events.
pub(super) fn open(state: &mut State) -> Vec<Effect> {
    let View::Function { arn } = &state.view else {
        return Vec::new();
    };
    let Some(f) = state.inventory.function(arn).cloned() else {
        return Vec::new();
    };
    let name = f.name.clone();
    state.invoke = Some(InvokeDialog::open(f));
    vec![Effect::LoadEvents { function: name }]
}

/// A key while the dialog is open: the editor's, or the dialog's with ctrl.
pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(d) = state.invoke.as_mut() else {
        return Vec::new();
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => state.invoke = None,
        KeyCode::Char('s') if ctrl => return send(state),
        KeyCode::Char('w') if ctrl => {
            if d.problem.is_none() {
                return vec![Effect::SaveEvent {
                    function: d.function.name.clone(),
                    body: d.text(),
                }];
            }
            let problem = d.problem.clone().unwrap_or_default();
            flash(state, &format!("not saved: {problem}"), true);
        }
        KeyCode::Char('t') if ctrl => d.load_template(d.template + 1),
        KeyCode::Char('q') if ctrl => d.next_qualifier(),
        KeyCode::Char('k') if ctrl => d.next_kind(),
        _ if d.running => {}
        KeyCode::Enter => d.newline(),
        KeyCode::Backspace => d.backspace(),
        KeyCode::Up => d.move_cursor(-1, 0),
        KeyCode::Down => d.move_cursor(1, 0),
        KeyCode::Left => d.move_cursor(0, -1),
        KeyCode::Right => d.move_cursor(0, 1),
        KeyCode::Tab => {
            d.insert(' ');
            d.insert(' ');
        }
        KeyCode::Char(c) if !ctrl => d.insert(c),
        _ => {}
    }
    Vec::new()
}

/// Sends the payload, unless it cannot be sent as it is (then what was typed stays).
fn send(state: &mut State) -> Vec<Effect> {
    let Some(d) = state.invoke.as_mut() else {
        return Vec::new();
    };
    if d.running {
        return Vec::new();
    }
    if let Some(problem) = d.problem.clone() {
        flash(state, &problem, true);
        return Vec::new();
    }
    d.running = true;
    d.outcome = None;
    vec![Effect::Invoke {
        function: Box::new(d.function.clone()),
        request: InvokeRequest {
            qualifier: d.qualifier(),
            payload: d.text().into_bytes(),
            kind: d.kind,
        },
    }]
}

/// An invocation came back.
pub(super) fn invoked(state: &mut State, result: Result<(InvokeResult, f64), String>) {
    let pricing = &state.figures.pricing;
    let Some(d) = state.invoke.as_mut() else {
        return;
    };
    d.running = false;
    d.outcome = Some(result.map(|(r, round_trip_ms)| {
        let report = r
            .log_tail
            .iter()
            .rev()
            .find_map(|l| report::parse(l))
            .map(|rep| {
                let cost = invocation_cost(&rep, priced_as(&d.function), pricing);
                let mut text = format!(
                    "{} · duration {} · billed {} · {}/{} MB · {}",
                    if rep.is_cold() { "cold" } else { "warm" },
                    millis(rep.duration_ms),
                    millis(rep.billed_duration_ms),
                    rep.max_memory_used_mb,
                    rep.memory_size_mb,
                    invocation_dollars(cost)
                );
                if let Some(init) = rep.init_duration_ms {
                    text.push_str(&format!(" · init {}", millis(init)));
                }
                text
            });
        let response = serde_json::from_slice::<serde_json::Value>(&r.payload)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| String::from_utf8_lossy(&r.payload).into_owned());
        InvokeOutcome {
            status: r.status,
            function_error: r.function_error,
            executed_version: r.executed_version,
            round_trip_ms,
            response,
            log_tail: r.log_tail,
            report,
        }
    }));
}

pub(super) fn saved_events(state: &mut State, function: &str, events: Vec<(String, String)>) {
    if let Some(d) = state.invoke.as_mut()
        && d.function.name == function
    {
        d.add_saved(events);
    }
}
