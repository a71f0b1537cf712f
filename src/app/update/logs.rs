//! The logs view: opening it on a function or a service, its keys, its commands, and the
//! records and news the tail sends back.

use regex::Regex;

use crate::fleet::Function;
use crate::fleet::inventory::service_key;

use super::super::fleet_table::Row as FleetRow;
use super::super::keymap::Action;
use super::super::logs::text::plain_lines;
use super::super::logs::{LogsPane, TailStatus};
use super::super::msg::{Effect, Msg};
use super::super::state::{Input, State, View};
use super::flash;

/// Opens the logs of what is selected: a function (fleet or function view) or every function
/// of a service (fleet view).
pub(super) fn open(state: &mut State) -> Vec<Effect> {
    let (title, functions): (String, Vec<Function>) = match &state.view {
        View::Function { arn } => match state.inventory.function(arn) {
            Some(f) => (f.name.clone(), vec![f.clone()]),
            None => return Vec::new(),
        },
        View::Fleet => match state.fleet.selected_row() {
            Some(FleetRow::Function { arn, .. }) => match state.inventory.function(arn) {
                Some(f) => (f.name.clone(), vec![f.clone()]),
                None => return Vec::new(),
            },
            Some(FleetRow::Service { key, .. }) => {
                let functions: Vec<Function> = state
                    .inventory
                    .functions()
                    .filter(|f| service_key(f) == *key)
                    .cloned()
                    .collect();
                let stage = key
                    .stage
                    .as_deref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default();
                (format!("service {}{stage}", key.name), functions)
            }
            None => {
                flash(state, "select a function or a service first", true);
                return Vec::new();
            }
        },
        View::Cost | View::Logs => {
            flash(state, "open logs from the fleet view or a function", true);
            return Vec::new();
        }
    };
    if functions.is_empty() {
        flash(state, "that service has no functions to read", true);
        return Vec::new();
    }
    state.log_sessions += 1;
    let session = state.log_sessions;
    let pane = LogsPane::new(
        session,
        title,
        functions.clone(),
        (state.figures.since.clone(), state.figures.since_ms),
        state.log_settings.buffer_records,
        state.view.clone(),
    );
    let since_ms = pane.since_ms;
    state.logs = Some(pane);
    state.view = View::Logs;
    vec![Effect::TailLogs {
        session,
        functions,
        since_ms,
        pattern: None,
    }]
}

/// Leaves the view and stops its tail.
pub(super) fn close(state: &mut State) -> Vec<Effect> {
    if let Some(pane) = state.logs.take() {
        state.view = pane.return_to;
    }
    vec![Effect::StopLogs]
}

pub(super) fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    if action == Action::Back && state.logs.as_ref().is_some_and(|l| l.pretty) {
        if let Some(l) = state.logs.as_mut() {
            l.pretty = false;
        }
        return Vec::new();
    }
    if action == Action::Back {
        return close(state);
    }
    let page = state.logs_page() as isize;
    let pricing = &state.figures.pricing;
    let Some(pane) = state.logs.as_mut() else {
        return Vec::new();
    };
    match action {
        Action::Up => pane.move_by(-1),
        Action::Down => pane.move_by(1),
        Action::PageUp => pane.move_by(-page),
        Action::PageDown => pane.move_by(page),
        Action::Top => pane.to_top(),
        Action::Bottom => pane.to_bottom(),
        Action::Pause => pane.toggle_pause(pricing),
        Action::GroupRequests => {
            pane.grouped = !pane.grouped;
            pane.regroup();
        }
        Action::Pretty | Action::Open => pane.pretty = !pane.pretty,
        Action::Filter => {
            let text = pane
                .search
                .as_ref()
                .map(|s| s.text.clone())
                .unwrap_or_default();
            state.input = Some(Input::Search(text));
        }
        Action::SearchNext | Action::SearchPrev => {
            let forward = action == Action::SearchNext;
            if pane.search.is_none() {
                flash(state, "no search yet: / to search", true);
            } else if !pane.jump(forward) {
                let text = if pane.searching() {
                    "no match yet (still searching)"
                } else {
                    "no match"
                };
                flash(state, text, true);
            }
        }
        Action::Save => return save(state, None),
        _ => {}
    }
    Vec::new()
}

/// `/` in the logs view: highlight what matches and jump to the first hit after the selection.
pub(super) fn search(state: &mut State, text: &str) {
    let Some(pane) = state.logs.as_mut() else {
        return;
    };
    pane.set_search(text);
    pane.jump_pending = pane.search.is_some() && !pane.jump(true);
    if pane.jump_pending && !pane.searching() {
        pane.jump_pending = false;
        flash(state, &format!("`{text}` matches nothing shown"), true);
    }
}

/// A step of a pending search, and the jump to its first hit once there is one.
pub(super) fn on_tick(state: &mut State) {
    let Some(pane) = state.logs.as_mut() else {
        return;
    };
    if !pane.searching() {
        return;
    }
    pane.search_step();
    if pane.jump_pending && pane.jump(true) {
        pane.jump_pending = false;
    } else if pane.jump_pending && !pane.searching() {
        pane.jump_pending = false;
        let text = pane
            .search
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default();
        flash(state, &format!("`{text}` matches nothing shown"), true);
    }
}

/// `:grep REGEX`: only records matching it are shown (an empty one shows all).
pub(super) fn set_grep(state: &mut State, text: &str) {
    let grep = if text.is_empty() {
        None
    } else {
        match Regex::new(text) {
            Ok(r) => Some(r),
            Err(e) => {
                let first = e.to_string().lines().last().unwrap_or_default().to_owned();
                flash(
                    state,
                    &format!("`{text}` is not a regular expression: {first}"),
                    true,
                );
                return;
            }
        }
    };
    if let Some(pane) = state.logs.as_mut() {
        pane.grep = grep;
        pane.regroup();
    }
}

/// `:filter PATTERN` in the logs view: read again with a server-side filter pattern.
pub(super) fn set_pattern(state: &mut State, pattern: String) -> Vec<Effect> {
    let Some(pane) = state.logs.as_ref() else {
        return Vec::new();
    };
    let pattern = (!pattern.is_empty()).then_some(pattern);
    let since = (pane.since.clone(), pane.since_ms);
    reopen(state, since, pattern)
}

/// `:since` in the logs view: read again over another window.
pub(super) fn set_since(state: &mut State, since: String, since_ms: i64) -> Vec<Effect> {
    let pattern = state.logs.as_ref().and_then(|p| p.pattern.clone());
    reopen(state, (since, since_ms), pattern)
}

/// `:poll` in the logs view: follow by polling from now on (Live Tail sends a sample of a busy
/// group's lines; polling reads them all), reading the window again.
pub(super) fn poll(state: &mut State) -> Vec<Effect> {
    let Some(pane) = state.logs.as_ref() else {
        return Vec::new();
    };
    let (since, pattern) = ((pane.since.clone(), pane.since_ms), pane.pattern.clone());
    state.log_settings.live_tail = false;
    flash(
        state,
        "following by polling from now on: every line is read",
        false,
    );
    reopen(state, since, pattern)
}

/// A new session over the same functions, keeping how they are shown.
fn reopen(state: &mut State, since: (String, i64), pattern: Option<String>) -> Vec<Effect> {
    let Some(old) = state.logs.take() else {
        return Vec::new();
    };
    state.log_sessions += 1;
    let session = state.log_sessions;
    let mut pane = LogsPane::new(
        session,
        old.title,
        old.functions,
        since,
        old.buffer.cap(),
        old.return_to,
    );
    pane.pattern = pattern.clone();
    pane.grep = old.grep;
    pane.grouped = old.grouped;
    let effect = Effect::TailLogs {
        session,
        functions: pane.functions.clone(),
        since_ms: pane.since_ms,
        pattern,
    };
    state.logs = Some(pane);
    vec![effect]
}

/// Writes the records shown (as shown: filtered, grouped) to `path` or a new file.
pub(super) fn save(state: &mut State, path: Option<String>) -> Vec<Effect> {
    let Some(pane) = state.logs.as_ref() else {
        return Vec::new();
    };
    let lines = plain_lines(pane);
    if lines.is_empty() {
        flash(state, "nothing to save: no records shown", true);
        return Vec::new();
    }
    let name = pane
        .title
        .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "-");
    vec![Effect::SaveLogs { path, name, lines }]
}

pub(super) fn on_msg(state: &mut State, msg: Msg) -> Vec<Effect> {
    let current = state.logs.as_ref().map(|l| l.session);
    match msg {
        Msg::LogRecords { session, records } if Some(session) == current => {
            let pricing = &state.figures.pricing;
            if let Some(pane) = state.logs.as_mut() {
                pane.receive(records, pricing);
            }
        }
        Msg::LogMode { session, mode } if Some(session) == current => {
            if let Some(pane) = state.logs.as_mut() {
                pane.status = TailStatus::Following(mode);
                pane.failure = None;
            }
        }
        Msg::LogFailures { session, failures } if Some(session) == current => {
            if let (Some(pane), Some((function, why))) = (state.logs.as_mut(), failures.first()) {
                let more = failures.len().saturating_sub(1);
                let more = if more > 0 {
                    format!(" (and {more} more)")
                } else {
                    String::new()
                };
                pane.failure = Some(format!("{function}: {why}{more}"));
            }
        }
        Msg::LogsSaved(Ok((path, lines))) => {
            flash(state, &format!("saved {lines} lines to {path}"), false);
        }
        Msg::LogsSaved(Err(why)) => flash(state, &format!("could not save: {why}"), true),
        _ => {}
    }
    Vec::new()
}
