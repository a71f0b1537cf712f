//! The versions and aliases of the functions the operator looks at — the rows on screen and the
//! function shown — asked for ahead of the background walk that reads everyone else's.

use std::collections::BTreeSet;

use super::super::fleet_table::Row;
use super::super::msg::Effect;
use super::super::state::{State, View};

/// The functions on screen whose versions and aliases are neither known nor asked for yet.
pub(super) fn wanted(state: &mut State) -> Vec<Effect> {
    state.prepare_frame();
    let page = state.fleet_page();
    let mut arns: BTreeSet<&str> = BTreeSet::new();
    match &state.view {
        View::Function { arn } => {
            arns.insert(arn);
        }
        View::Fleet => {
            let end = (state.fleet.offset + page).min(state.fleet.rows.len());
            for row in &state.fleet.rows[state.fleet.offset.min(end)..end] {
                if let Row::Function { arn, .. } = row {
                    arns.insert(arn);
                }
            }
        }
        View::Cost | View::Logs => {}
    }
    let missing: Vec<_> = arns
        .into_iter()
        .filter(|arn| !state.inventory.detailed(arn) && !state.details_asked.contains(*arn))
        .filter_map(|arn| state.inventory.function(arn).cloned())
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    state
        .details_asked
        .extend(missing.iter().map(|f| f.arn.clone()));
    vec![Effect::Details(missing)]
}
