//! The `:` commands, and the effects that discovering and reading the fleet start with.

use crate::fleet::Target;
use crate::fleet::reports::ScanEstimate;

use super::super::command::{self, Command};
use super::super::figures::ReportVia;
use super::super::msg::Effect;
use super::super::state::{FunctionPane, Overlay, State, View};
use super::input::set_filter;
use super::{flash, logs, open_overlay};

pub(super) fn run_command(state: &mut State, line: &str) -> Vec<Effect> {
    let command = match command::parse(line) {
        Ok(c) => c,
        Err(message) => {
            flash(state, &message, true);
            return Vec::new();
        }
    };
    if state.view == View::Logs {
        match command {
            Command::Filter(pattern) => return logs::set_pattern(state, pattern),
            Command::Since(since, since_ms) => return logs::set_since(state, since, since_ms),
            Command::Grep(text) => {
                logs::set_grep(state, &text);
                return Vec::new();
            }
            Command::Save(path) => return logs::save(state, path),
            Command::Poll => return logs::poll(state),
            _ => {}
        }
    }
    match command {
        Command::Quit => state.quit = true,
        Command::Help => open_overlay(state, Overlay::Help),
        Command::Errors => open_overlay(state, Overlay::Errors),
        Command::Refresh => return discover_all(state),
        Command::Regions(regions) => {
            let profiles = profiles_of(&state.context.targets);
            return retarget(state, &profiles, &regions);
        }
        Command::Profiles(profiles) => {
            let regions = state.context.regions();
            let profiles: Vec<Option<String>> = profiles.into_iter().map(Some).collect();
            return retarget(state, &profiles, &regions);
        }
        Command::Sort(column, descending) => {
            state.fleet.sort = column;
            state.fleet.descending = descending.unwrap_or(column.starts_descending());
            state.fleet.dirty = true;
        }
        Command::Since(since, since_ms) => {
            state.figures.since = since;
            state.figures.since_ms = since_ms;
            state.figures.clear();
            if !state.discovering() {
                return ask_to_read(state);
            }
        }
        Command::Read => {
            state.figures.blocked = None;
            return read_latency(state);
        }
        Command::Cost => {
            let stop = if state.view == View::Logs {
                logs::close(state)
            } else {
                Vec::new()
            };
            state.view = View::Cost;
            state.function = FunctionPane::default();
            return stop;
        }
        Command::Filter(text) => set_filter(state, text),
        Command::Logs => return logs::open(state),
        Command::Grep(_) | Command::Save(_) | Command::Poll => {
            flash(state, "that command works in the logs view (l)", true);
        }
    }
    Vec::new()
}

fn profiles_of(targets: &[Target]) -> Vec<Option<String>> {
    let mut profiles: Vec<Option<String>> = targets.iter().map(|t| t.profile.clone()).collect();
    profiles.sort();
    profiles.dedup();
    if profiles.is_empty() {
        profiles.push(None);
    }
    profiles
}

/// Points the dashboard at other targets: what was shown is dropped and discovered anew.
fn retarget(state: &mut State, profiles: &[Option<String>], regions: &[String]) -> Vec<Effect> {
    let targets: Vec<Target> = profiles
        .iter()
        .flat_map(|p| regions.iter().map(move |r| Target::new(p.as_deref(), r)))
        .collect();
    state.context.targets = targets;
    state.inventory = state.inventory.emptied();
    state.figures.clear();
    state.view = View::Fleet;
    state.fleet.selected = 0;
    state.fleet.offset = 0;
    state.fleet.dirty = true;
    let shown: Vec<String> = state
        .context
        .targets
        .iter()
        .map(Target::to_string)
        .collect();
    flash(state, &format!("showing {}", shown.join(", ")), false);
    discover_all(state)
}

/// Asks for discovery of every target; they count as under way from now, so the very next
/// frame shows progress rather than an empty fleet.
pub(super) fn discover_all(state: &mut State) -> Vec<Effect> {
    state.figures.clear();
    state.details_asked.clear();
    state.inventory.expect(&state.context.targets);
    vec![Effect::Discover(state.context.targets.clone())]
}

/// Reading a window: CloudWatch's metrics for the whole fleet at once, and first what reading
/// the REPORT records would scan (too much waits for `:read`).
pub(super) fn ask_to_read(state: &mut State) -> Vec<Effect> {
    state.figures.requested = true;
    state.figures.loading = Some(Default::default());
    state.figures.metrics_read += 1;
    state.figures.metrics_loading = true;
    let functions: Vec<_> = state.inventory.functions().cloned().collect();
    vec![
        Effect::ReadMetrics {
            read: state.figures.metrics_read,
            functions: functions.clone(),
            since_ms: state.figures.since_ms,
        },
        Effect::EstimateScan {
            functions,
            since_ms: state.figures.since_ms,
        },
    ]
}

/// Asks for the REPORT records of every function over the window, paged from the logs.
pub(super) fn read_latency(state: &mut State) -> Vec<Effect> {
    state.figures.requested = true;
    state.figures.loading = Some(Default::default());
    state.figures.via = Some(ReportVia::Logs);
    vec![Effect::ReadLatency {
        functions: state.inventory.functions().cloned().collect(),
        since_ms: state.figures.since_ms,
    }]
}

/// Asks Logs Insights for the REPORT figures of every function over the window: the same rule
/// as `stats --source auto`, for a fleet with too many log groups to page through.
pub(super) fn read_insights(state: &mut State, estimate: ScanEstimate) -> Vec<Effect> {
    state.figures.requested = true;
    state.figures.loading = Some(Default::default());
    state.figures.via = Some(ReportVia::Insights(estimate));
    vec![Effect::ReadInsights {
        functions: state.inventory.functions().cloned().collect(),
        since_ms: state.figures.since_ms,
    }]
}
