//! The pure heart of the TUI: `update(state, msg) -> effects`. No I/O, no clock, no SDK.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::fleet::Target;
use crate::fleet::inventory::service_key;

use crate::units::bytes;

use super::command::{self, Command};
use super::fleet_table::{Row, SortColumn};
use super::keymap::Action;
use super::msg::{Effect, Msg};
use super::state::{Flash, FunctionPane, Input, Overlay, State, View};

/// Applies `msg` to `state` and returns the effects to run.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Start => discover_all(state),
        Msg::Resize(w, h) => {
            state.size = (w, h);
            let page = state.fleet_page();
            state.fleet.scroll_into_view(page);
            Vec::new()
        }
        Msg::Tick => {
            state.spinner = state.spinner.wrapping_add(1);
            Vec::new()
        }
        Msg::Signal => {
            state.quit = true;
            Vec::new()
        }
        Msg::Discovery(event) if !state.expects(&event) => Vec::new(),
        Msg::Discovery(event) => {
            state.inventory.apply(event);
            state.fleet.dirty = true;
            // The window's figures are read once the fleet is known.
            if !state.discovering() && !state.figures.requested {
                return ask_to_read(state);
            }
            Vec::new()
        }
        // An estimate or a read nobody waits for any more (the fleet or the window changed).
        Msg::ScanEstimated(_) | Msg::LatencyRead(_)
            if state.figures.loading.is_none() || state.discovering() =>
        {
            Vec::new()
        }
        Msg::ScanEstimated(estimate) => match estimate {
            Some(e) if e.bytes > state.figures.confirm_scan_bytes => {
                state.figures.loading = None;
                state.figures.blocked = Some(e);
                let text = format!(
                    "the {} window would scan about {} of logs in {} groups: :read reads it anyway, :since a shorter one",
                    state.figures.since,
                    bytes(e.bytes),
                    e.groups
                );
                flash(state, &text, true);
                Vec::new()
            }
            _ => read_latency(state),
        },
        Msg::LatencyProgress(progress) => {
            if state.figures.loading.is_some() {
                state.figures.loading = Some(progress);
            }
            Vec::new()
        }
        Msg::LatencyRead(read) => {
            state.figures.absorb(read, &state.inventory);
            state.fleet.dirty = true;
            Vec::new()
        }
        Msg::Key(key) if key.kind == KeyEventKind::Release => Vec::new(),
        Msg::Key(key) => {
            state.flash = None;
            // The rows must be current before a key acts on the selection.
            state.prepare_frame();
            if state.input.is_some() {
                return on_input_key(state, key);
            }
            match state.keymap.action(&key) {
                Some(action) => on_action(state, action),
                None => Vec::new(),
            }
        }
    }
}

fn on_input_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(input) = state.input.as_mut() else {
        return Vec::new();
    };
    let text = match input {
        Input::Filter(t) | Input::Command(t) => t,
    };
    match key.code {
        KeyCode::Esc => {
            if matches!(input, Input::Filter(_)) {
                set_filter(state, String::new());
            }
            state.input = None;
        }
        KeyCode::Enter => {
            let input = state.input.take().expect("input is open");
            if let Input::Command(line) = input {
                return run_command(state, &line);
            }
        }
        KeyCode::Backspace => {
            if text.pop().is_none() && matches!(input, Input::Command(_)) {
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

fn set_filter(state: &mut State, text: String) {
    if state.fleet.filter != text {
        state.fleet.filter = text;
        state.fleet.selected = 0;
        state.fleet.offset = 0;
        state.fleet.dirty = true;
    }
}

fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(overlay) = state.overlay {
        return on_overlay_action(state, overlay, action);
    }
    match action {
        Action::Quit => state.quit = true,
        Action::Help => open_overlay(state, Overlay::Help),
        Action::Errors => open_overlay(state, Overlay::Errors),
        Action::Command => state.input = Some(Input::Command(String::new())),
        Action::Refresh => return discover_all(state),
        Action::Cost => {
            state.view = View::Cost;
            state.function = FunctionPane::default();
        }
        _ => match state.view.clone() {
            View::Fleet => on_fleet_action(state, action),
            View::Function { .. } | View::Cost => on_function_action(state, action),
        },
    }
    Vec::new()
}

fn open_overlay(state: &mut State, overlay: Overlay) {
    state.overlay = Some(overlay);
    state.overlay_scroll = 0;
}

fn on_overlay_action(state: &mut State, overlay: Overlay, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => state.quit = true,
        Action::Back => state.overlay = None,
        Action::Help if overlay == Overlay::Help => state.overlay = None,
        Action::Errors if overlay == Overlay::Errors => state.overlay = None,
        Action::Help => open_overlay(state, Overlay::Help),
        Action::Errors => open_overlay(state, Overlay::Errors),
        Action::Down => state.overlay_scroll = state.overlay_scroll.saturating_add(1),
        Action::Up => state.overlay_scroll = state.overlay_scroll.saturating_sub(1),
        Action::PageDown => state.overlay_scroll = state.overlay_scroll.saturating_add(10),
        Action::PageUp => state.overlay_scroll = state.overlay_scroll.saturating_sub(10),
        Action::Top => state.overlay_scroll = 0,
        _ => {}
    }
    Vec::new()
}

fn on_fleet_action(state: &mut State, action: Action) {
    let page = state.fleet_page();
    let table = &mut state.fleet;
    match action {
        Action::Up => table.move_by(-1, page),
        Action::Down => table.move_by(1, page),
        Action::PageUp => table.move_by(-(page as isize), page),
        Action::PageDown => table.move_by(page as isize, page),
        Action::Top => table.move_by(isize::MIN / 2, page),
        Action::Bottom => table.move_by(isize::MAX / 2, page),
        Action::Open => match table.selected_row().cloned() {
            Some(Row::Function { arn, .. }) => {
                state.view = View::Function { arn };
                state.function = FunctionPane::default();
            }
            Some(Row::Service { .. }) => toggle_selected_service(state),
            None => {}
        },
        Action::Toggle => toggle_selected_service(state),
        Action::Collapse => {
            if let Some(key) = table.selected_service().cloned() {
                table.expanded.remove(&key);
                if let Some(i) = table
                    .rows
                    .iter()
                    .position(|r| matches!(r, Row::Service { key: k, .. } if *k == key))
                {
                    table.selected = i;
                }
                table.dirty = true;
            }
        }
        Action::ExpandAll => {
            table.expanded = state.inventory.functions().map(service_key).collect();
            table.dirty = true;
        }
        Action::CollapseAll => {
            table.expanded.clear();
            table.dirty = true;
        }
        Action::Filter => state.input = Some(Input::Filter(table.filter.clone())),
        Action::Back if !table.filter.is_empty() => set_filter(state, String::new()),
        Action::SortName => table.sort_by(SortColumn::Name),
        Action::SortFunctions => table.sort_by(SortColumn::Functions),
        Action::SortRegion => table.sort_by(SortColumn::Region),
        Action::SortRuntime => table.sort_by(SortColumn::Runtime),
        Action::SortMemory => table.sort_by(SortColumn::Memory),
        Action::SortModified => table.sort_by(SortColumn::Modified),
        Action::SortInvocations => table.sort_by(SortColumn::Invocations),
        Action::SortCold => table.sort_by(SortColumn::ColdPct),
        Action::SortWarmP99 => table.sort_by(SortColumn::WarmP99),
        Action::SortColdP99 => table.sort_by(SortColumn::ColdP99),
        Action::SortCost => table.sort_by(SortColumn::Cost),
        Action::Reveal => flash(
            state,
            "open a function (enter) to reveal its environment",
            false,
        ),
        _ => {}
    }
}

fn toggle_selected_service(state: &mut State) {
    let table = &mut state.fleet;
    if let Some(key) = table.selected_service().cloned() {
        if !table.expanded.remove(&key) {
            table.expanded.insert(key);
        }
        table.dirty = true;
    }
}

fn on_function_action(state: &mut State, action: Action) {
    let pane = &mut state.function;
    match action {
        Action::Back => {
            state.view = View::Fleet;
            // Environment values are masked again whenever the view is left.
            state.function = FunctionPane::default();
        }
        Action::Up => pane.scroll = pane.scroll.saturating_sub(1),
        Action::Down => pane.scroll = pane.scroll.saturating_add(1),
        Action::PageUp => pane.scroll = pane.scroll.saturating_sub(10),
        Action::PageDown => pane.scroll = pane.scroll.saturating_add(10),
        Action::Top => pane.scroll = 0,
        Action::Reveal => pane.reveal_environment = !pane.reveal_environment,
        _ => {}
    }
}

fn run_command(state: &mut State, line: &str) -> Vec<Effect> {
    let command = match command::parse(line) {
        Ok(c) => c,
        Err(message) => {
            flash(state, &message, true);
            return Vec::new();
        }
    };
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
            state.view = View::Cost;
            state.function = FunctionPane::default();
        }
        Command::Filter(text) => set_filter(state, text),
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
fn discover_all(state: &mut State) -> Vec<Effect> {
    state.figures.clear();
    state.inventory.expect(&state.context.targets);
    vec![Effect::Discover(state.context.targets.clone())]
}

/// Reading a window starts with what it would scan: a large one waits for `:read`.
fn ask_to_read(state: &mut State) -> Vec<Effect> {
    state.figures.requested = true;
    state.figures.loading = Some(Default::default());
    vec![Effect::EstimateScan {
        functions: state.inventory.functions().cloned().collect(),
        since_ms: state.figures.since_ms,
    }]
}

/// Asks for the REPORT records of every function over the window.
fn read_latency(state: &mut State) -> Vec<Effect> {
    state.figures.requested = true;
    state.figures.loading = Some(Default::default());
    vec![Effect::ReadLatency {
        functions: state.inventory.functions().cloned().collect(),
        since_ms: state.figures.since_ms,
    }]
}

fn flash(state: &mut State, text: &str, is_error: bool) {
    state.flash = Some(Flash {
        text: text.to_owned(),
        is_error,
    });
}
