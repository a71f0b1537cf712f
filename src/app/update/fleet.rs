//! Keys of the fleet view and of the function and cost views.

use crate::fleet::inventory::service_key;

use super::super::fleet_table::{Row, SortColumn};
use super::super::keymap::Action;
use super::super::state::{FunctionPane, Input, State, View};
use super::flash;
use super::input::set_filter;

pub(super) fn on_fleet_action(state: &mut State, action: Action) {
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
        Action::SortErrors => table.sort_by(SortColumn::ErrorPct),
        Action::SortThrottles => table.sort_by(SortColumn::Throttles),
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

pub(super) fn on_function_action(state: &mut State, action: Action) {
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
