//! The pure heart of the TUI: `update(state, msg) -> effects`. No I/O, no clock, no SDK.

mod canary;
mod commands;
mod deploy;
mod details;
mod fleet;
mod input;
mod invoke;
mod logs;
mod modal;
mod rollback;

use crossterm::event::{KeyEventKind, KeyModifiers};

use crate::fleet::reports::ScanEstimate;
use crate::fleet::sources::{FigureSource, ReportPlan};
use crate::units::bytes;

use super::keymap::{Action, Scope};
use super::msg::{Effect, Msg};
use super::state::{Flash, FunctionPane, Input, Overlay, State, View};
use commands::{ask_to_read, discover_all, read_insights, read_latency};

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
            logs::on_tick(state);
            Vec::new()
        }
        Msg::Signal => {
            state.quit = true;
            Vec::new()
        }
        Msg::Discovery(event) if !state.expects(&event) => Vec::new(),
        Msg::Discovery(event) => {
            let finished = matches!(event, crate::fleet::DiscoveryEvent::Finished(_));
            state.inventory.apply(event);
            state.fleet.dirty = true;
            let mut effects = details::wanted(state);
            if !state.discovering() {
                // The fleet is known again: the cache's is no longer what is shown, and what
                // is shown becomes the next start's cache.
                if finished {
                    state.cached_age_ms = None;
                    effects.push(Effect::SaveCache);
                }
                // The window's figures are read once the fleet is known.
                if !state.figures.requested {
                    effects.extend(ask_to_read(state));
                }
            }
            effects
        }
        // An estimate or a read nobody waits for any more (the fleet or the window changed).
        Msg::ScanEstimated(_) | Msg::LatencyRead(_) | Msg::InsightsRead { .. }
            if state.figures.loading.is_none() || state.discovering() =>
        {
            Vec::new()
        }
        Msg::ScanEstimated(estimate) => {
            // The same rule as `stats --source auto`: page the logs only where it is cheap.
            let known = estimate.is_some();
            let e = estimate.unwrap_or(ScanEstimate {
                bytes: 0,
                groups: state.inventory.log_group_count(),
            });
            let plan = FigureSource::Auto.report_plan(
                &e,
                known,
                &state.figures.rules,
                state.figures.confirm_scan_bytes,
            );
            match plan {
                ReportPlan::Logs => return read_latency(state),
                ReportPlan::Insights => return read_insights(state, e),
                ReportPlan::Skip(_) => {}
            }
            state.figures.loading = None;
            let why = format!(
                "the {} window's REPORT records are not read: {} log groups, about {} to scan; :read pages through them anyway, :since a shorter window reads less",
                state.figures.since,
                e.groups,
                bytes(e.bytes)
            );
            state.figures.blocked = Some((e, why.clone()));
            flash(state, &why, false);
            Vec::new()
        }
        Msg::MetricsRead { read, metrics } => {
            if read == state.figures.metrics_read {
                state.figures.metrics_loading = false;
                // A fleet without metrics (the local one) shows its REPORT figures alone.
                state.figures.metrics = Some(*metrics).filter(|m| !m.unsupported());
                state.fleet.dirty = true;
            }
            Vec::new()
        }
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
        Msg::InsightsRead { read, window } => {
            state
                .figures
                .absorb_insights(*read, window, &state.inventory);
            state.fleet.dirty = true;
            Vec::new()
        }
        Msg::RefreshFigures => {
            if state.figures.loading.is_none() && !state.discovering() {
                return read_latency(state);
            }
            Vec::new()
        }
        Msg::AliasFigures { read, figures } => {
            canary::figures_read(state, read, figures);
            Vec::new()
        }
        Msg::Invoked(result) => {
            invoke::invoked(state, result);
            Vec::new()
        }
        Msg::SavedEvents { function, events } => {
            invoke::saved_events(state, &function, events);
            Vec::new()
        }
        Msg::EventSaved(Ok(path)) => {
            flash(state, &format!("event saved to {path}"), false);
            Vec::new()
        }
        Msg::EventSaved(Err(e)) => {
            flash(state, &format!("event not saved: {e}"), true);
            Vec::new()
        }
        Msg::Applied { outcome, refreshed } => {
            modal::applied(state, *outcome, refreshed);
            Vec::new()
        }
        Msg::PackageRead { path, package } => {
            deploy::package_read(state, path, package);
            Vec::new()
        }
        Msg::ChangeStep(step) => {
            modal::step(state, step);
            Vec::new()
        }
        Msg::LogRecords { .. }
        | Msg::LogMode { .. }
        | Msg::LogFailures { .. }
        | Msg::LogsSaved(_) => logs::on_msg(state, msg),
        Msg::Key(key) if key.kind == KeyEventKind::Release => Vec::new(),
        Msg::Key(key) => {
            state.flash = None;
            // The rows must be current before a key acts on the selection.
            state.prepare_frame();
            // A quit key with ctrl (ctrl-c) quits from anywhere, a dialog or a prompt included:
            // it is never text being typed.
            if key.modifiers.contains(KeyModifiers::CONTROL)
                && state.keymap.action(&key, Scope::Global) == Some(Action::Quit)
            {
                state.quit = true;
                return Vec::new();
            }
            if state.input.is_some() {
                return input::on_input_key(state, key);
            }
            if state.modal.is_some() {
                return modal::on_key(state, key);
            }
            let mut effects = match state.keymap.action(&key, state.scope()) {
                Some(action) => on_action(state, action),
                None => Vec::new(),
            };
            // What the key brought on screen may want its versions and aliases.
            effects.extend(details::wanted(state));
            effects
        }
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
        Action::Cost if state.view != View::Logs => {
            state.view = View::Cost;
            state.function = FunctionPane::default();
        }
        Action::Logs if state.view != View::Logs => return logs::open(state),
        Action::Rollback => rollback::open(state),
        Action::Invoke => return invoke::open(state),
        Action::Deploy => deploy::open(state),
        Action::Canary => return canary::open(state),
        _ => match state.view.clone() {
            View::Fleet => fleet::on_fleet_action(state, action),
            View::Function { .. } | View::Cost => fleet::on_function_action(state, action),
            View::Logs => return logs::on_action(state, action),
        },
    }
    Vec::new()
}

pub(super) fn open_overlay(state: &mut State, overlay: Overlay) {
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

pub(super) fn flash(state: &mut State, text: &str, is_error: bool) {
    state.flash = Some(Flash {
        text: text.to_owned(),
        is_error,
    });
}
