//! The invoke dialog's keys, and what comes back: the outcome shown with its REPORT and cost,
//! saved events added to the templates.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::analysis::cost::invocation_cost;
use crate::analysis::report;
use crate::fleet::change::Operation;
use crate::fleet::cost_report::priced_as;
use crate::fleet::{FleetError, InvokeRequest, InvokeResult};
use crate::units::{invocation_dollars, millis};

use super::super::invoke_dialog::{InvokeDialog, InvokeOutcome};
use super::super::modal::Dialog;
use super::super::msg::Effect;
use super::super::state::State;
use super::flash;
use super::modal::{open as open_modal, shown};

/// Opens the dialog on the function shown, and asks for its saved events; read-only mode
/// refuses it, as the subcommands refuse `invoke`.
pub(super) fn open(state: &mut State) -> Vec<Effect> {
    let Some(f) = shown(state) else {
        return Vec::new();
    };
    if let Err(refusal) = state.safety.permit(Operation::Invoke, &f.name) {
        flash(state, &refusal.to_string(), true);
        return Vec::new();
    }
    let name = f.name.clone();
    open_modal(state, Dialog::Invoke(InvokeDialog::open(f)));
    vec![Effect::LoadEvents { function: name }]
}

/// The open dialog, and whether its invocation runs.
fn dialog(state: &mut State) -> Option<(&mut InvokeDialog, &mut bool)> {
    let modal = state.modal.as_mut()?;
    match &mut modal.dialog {
        Dialog::Invoke(d) => Some((d, &mut modal.running)),
        _ => None,
    }
}

/// A key while the dialog is open: the editor's, or the dialog's with ctrl.
pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some((d, running)) = dialog(state) else {
        return Vec::new();
    };
    let running = *running;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => state.modal = None,
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
        _ if running => {}
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
    let Some((d, running)) = dialog(state) else {
        return Vec::new();
    };
    if *running {
        return Vec::new();
    }
    if let Some(problem) = d.problem.clone() {
        flash(state, &problem, true);
        return Vec::new();
    }
    *running = true;
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
pub(super) fn invoked(state: &mut State, result: Result<(InvokeResult, f64), FleetError>) {
    let pricing = state.figures.pricing.clone();
    let Some((d, running)) = dialog(state) else {
        return;
    };
    *running = false;
    let pricing = &pricing;
    d.outcome = Some(result.map_err(|e| e.to_string()).map(|(r, round_trip_ms)| {
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
    if let Some((d, _)) = dialog(state)
        && d.function.name == function
    {
        d.add_saved(events);
    }
}
