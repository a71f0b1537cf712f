//! What the operator can ask for with a key, where it applies, and what it is called in the
//! config and the help.

use crate::fleet::change::{Operation, Safety};

/// Something the operator can ask for with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Quit,
    Back,
    Help,
    Filter,
    Command,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Toggle,
    Collapse,
    ExpandAll,
    CollapseAll,
    Reveal,
    Errors,
    Refresh,
    SortName,
    SortFunctions,
    SortRegion,
    SortRuntime,
    SortMemory,
    SortModified,
    SortInvocations,
    SortCold,
    SortWarmP99,
    SortColdP99,
    SortCost,
    SortErrors,
    SortThrottles,
    Cost,
    Logs,
    Pause,
    SearchNext,
    SearchPrev,
    GroupRequests,
    Pretty,
    Save,
    Rollback,
    Invoke,
    Deploy,
    Canary,
}

/// Where an action applies: everywhere, or in one view (a key may mean one thing in the fleet
/// view and another in the logs view, never two things in one place).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Global,
    Fleet,
    Function,
    Logs,
}

impl Action {
    pub const ALL: [(Action, &'static str, &'static str, Scope); 44] = [
        (Action::Quit, "quit", "quit", Scope::Global),
        (Action::Back, "back", "back / close", Scope::Global),
        (Action::Help, "help", "this help", Scope::Global),
        (
            Action::Filter,
            "filter",
            "filter by name; search in logs",
            Scope::Global,
        ),
        (Action::Command, "command", "command line", Scope::Global),
        (Action::Up, "up", "up", Scope::Global),
        (Action::Down, "down", "down", Scope::Global),
        (Action::PageUp, "page_up", "page up", Scope::Global),
        (Action::PageDown, "page_down", "page down", Scope::Global),
        (Action::Top, "top", "first row", Scope::Global),
        (
            Action::Bottom,
            "bottom",
            "last row (logs: follow again)",
            Scope::Global,
        ),
        (
            Action::Open,
            "open",
            "open function / expand service",
            Scope::Global,
        ),
        (Action::Errors, "errors", "errors pane", Scope::Global),
        (Action::Refresh, "refresh", "discover again", Scope::Global),
        (Action::Cost, "cost", "cost view", Scope::Global),
        (
            Action::Logs,
            "logs",
            "logs of the function or service",
            Scope::Global,
        ),
        (
            Action::Toggle,
            "toggle",
            "expand or collapse a service",
            Scope::Fleet,
        ),
        (
            Action::Collapse,
            "collapse",
            "collapse a service",
            Scope::Fleet,
        ),
        (
            Action::ExpandAll,
            "expand_all",
            "expand all services",
            Scope::Fleet,
        ),
        (
            Action::CollapseAll,
            "collapse_all",
            "collapse all services",
            Scope::Fleet,
        ),
        (Action::SortName, "sort_name", "sort by name", Scope::Fleet),
        (
            Action::SortFunctions,
            "sort_functions",
            "sort by function count",
            Scope::Fleet,
        ),
        (
            Action::SortRegion,
            "sort_region",
            "sort by region",
            Scope::Fleet,
        ),
        (
            Action::SortRuntime,
            "sort_runtime",
            "sort by runtime",
            Scope::Fleet,
        ),
        (
            Action::SortMemory,
            "sort_memory",
            "sort by memory",
            Scope::Fleet,
        ),
        (
            Action::SortModified,
            "sort_modified",
            "sort by last modified",
            Scope::Fleet,
        ),
        (
            Action::SortInvocations,
            "sort_invocations",
            "sort by invocations",
            Scope::Fleet,
        ),
        (
            Action::SortCold,
            "sort_cold",
            "sort by cold-start %",
            Scope::Fleet,
        ),
        (
            Action::SortWarmP99,
            "sort_warm_p99",
            "sort by warm p99",
            Scope::Fleet,
        ),
        (
            Action::SortColdP99,
            "sort_cold_p99",
            "sort by cold p99",
            Scope::Fleet,
        ),
        (
            Action::SortCost,
            "sort_cost",
            "sort by projected $/30d",
            Scope::Fleet,
        ),
        (
            Action::SortErrors,
            "sort_errors",
            "sort by error % (CloudWatch metrics)",
            Scope::Fleet,
        ),
        (
            Action::SortThrottles,
            "sort_throttles",
            "sort by throttles (CloudWatch metrics)",
            Scope::Fleet,
        ),
        (
            Action::Reveal,
            "reveal",
            "reveal / mask environment values",
            Scope::Function,
        ),
        (
            Action::Rollback,
            "rollback",
            "roll an alias back to a version",
            Scope::Function,
        ),
        (
            Action::Invoke,
            "invoke",
            "invoke the function with a payload",
            Scope::Function,
        ),
        (
            Action::Deploy,
            "deploy",
            "deploy new code and move an alias to it",
            Scope::Function,
        ),
        (
            Action::Canary,
            "canary",
            "canary: versions side by side, start, promote, abort",
            Scope::Function,
        ),
        (
            Action::Pause,
            "pause",
            "pause / resume following",
            Scope::Logs,
        ),
        (
            Action::SearchNext,
            "search_next",
            "next search match",
            Scope::Logs,
        ),
        (
            Action::SearchPrev,
            "search_prev",
            "previous search match",
            Scope::Logs,
        ),
        (
            Action::GroupRequests,
            "group_requests",
            "group records by invocation",
            Scope::Logs,
        ),
        (
            Action::Pretty,
            "pretty",
            "the selected record, JSON pretty-printed",
            Scope::Logs,
        ),
        (
            Action::Save,
            "save",
            "save the shown records to a file",
            Scope::Logs,
        ),
    ];

    pub fn name(self) -> &'static str {
        Action::ALL
            .iter()
            .find(|(a, ..)| *a == self)
            .map(|e| e.1)
            .unwrap_or("?")
    }

    pub fn scope(self) -> Scope {
        Action::ALL
            .iter()
            .find(|(a, ..)| *a == self)
            .map(|e| e.3)
            .unwrap_or(Scope::Global)
    }

    /// The operation on a function this action starts, if any.
    pub fn operation(self) -> Option<Operation> {
        match self {
            Action::Rollback => Some(Operation::Rollback),
            Action::Invoke => Some(Operation::Invoke),
            Action::Deploy => Some(Operation::Deploy),
            Action::Canary => Some(Operation::Canary),
            _ => None,
        }
    }

    /// Whether read-only mode removes the action: the core's one rule of what read-only
    /// refuses, which the subcommands follow too.
    pub fn mutating(self) -> bool {
        self.operation().is_some_and(Safety::refused_in_read_only)
    }

    pub fn description(self) -> &'static str {
        Action::ALL
            .iter()
            .find(|(a, ..)| *a == self)
            .map(|e| e.2)
            .unwrap_or("?")
    }

    pub(super) fn from_name(name: &str) -> Option<Action> {
        Action::ALL
            .iter()
            .find(|(_, n, ..)| *n == name)
            .map(|e| e.0)
    }
}
