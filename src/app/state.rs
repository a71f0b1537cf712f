//! The TUI's state: one value, owned by the loop, changed only by [`crate::app::update`].

use crate::config::LogsSettings;
use crate::fleet::change::Safety;
use crate::fleet::{DiscoveryEvent, FleetContext, Inventory};

use super::figures::Figures;
use super::fleet_table::FleetTable;
use super::keymap::{Keymap, Scope};
use super::logs::LogsPane;
use super::modal::Modal;
use super::theme::Theme;

/// The screen under the overlays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    Fleet,
    /// One function, by ARN.
    Function {
        arn: String,
    },
    /// Services and functions ranked by projected cost.
    Cost,
    /// The records of one function or a service (the pane is in [`State::logs`]).
    Logs,
}

/// A pane drawn over the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
    Errors,
}

/// A line being typed at the bottom of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Filter(String),
    Command(String),
    /// A search in the logs view.
    Search(String),
}

/// A one-line message at the bottom until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub is_error: bool,
}

/// The function view's scroll and reveal state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunctionPane {
    pub scroll: u16,
    pub reveal_environment: bool,
}

#[derive(Debug, Clone)]
pub struct State {
    pub context: FleetContext,
    pub inventory: Inventory,
    pub keymap: Keymap,
    pub theme: Theme,
    /// Read-only mode and the protected stages: the rules every change is planned under.
    pub safety: Safety,
    pub view: View,
    pub overlay: Option<Overlay>,
    pub overlay_scroll: u16,
    pub input: Option<Input>,
    pub fleet: FleetTable,
    pub function: FunctionPane,
    pub figures: Figures,
    pub log_settings: LogsSettings,
    /// Re-read the figures this often (a local fleet); `None` reads them on request only.
    pub refresh_figures: Option<std::time::Duration>,
    pub logs: Option<LogsPane>,
    /// The dialog open over the view, if any.
    pub modal: Option<Modal>,
    /// How old the fleet shown is, while it is the cache's being revalidated.
    pub cached_age_ms: Option<i64>,
    /// Functions whose versions and aliases were asked for ahead of the background walk.
    pub details_asked: std::collections::BTreeSet<String>,
    /// Numbers log sessions, so records of a closed one are dropped.
    pub log_sessions: u64,
    /// Numbers reads of a dialog's figures, so an answer for a closed one is dropped.
    pub dialog_reads: u64,
    pub flash: Option<Flash>,
    /// Advanced by ticks while discovery runs.
    pub spinner: usize,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    pub quit: bool,
}

impl State {
    pub fn new(
        context: FleetContext,
        inventory: Inventory,
        keymap: Keymap,
        theme: Theme,
        figures: Figures,
        log_settings: LogsSettings,
        safety: Safety,
    ) -> Self {
        // Read-only mode has no key that changes anything.
        let keymap = if safety.read_only {
            keymap.read_only()
        } else {
            keymap
        };
        State {
            context,
            inventory,
            keymap,
            theme,
            safety,
            view: View::Fleet,
            overlay: None,
            overlay_scroll: 0,
            input: None,
            fleet: FleetTable::default(),
            function: FunctionPane::default(),
            figures,
            log_settings,
            refresh_figures: None,
            logs: None,
            modal: None,
            details_asked: Default::default(),
            cached_age_ms: None,
            log_sessions: 0,
            dialog_reads: 0,
            flash: None,
            spinner: 0,
            size: (80, 24),
            quit: false,
        }
    }

    /// Opens on the last known fleet (`cached`, read at `now_ms`), stale until discovery has
    /// revalidated it.
    pub fn open_cached(&mut self, cached: Vec<crate::fleet::cache::CachedTarget>, now_ms: i64) {
        let oldest = cached.iter().map(|c| c.saved_ms).min();
        for c in cached {
            for event in crate::fleet::cache::findings(c) {
                self.inventory.apply(event);
            }
        }
        self.cached_age_ms = oldest.map(|saved| now_ms - saved);
        self.fleet.dirty = true;
    }

    /// Whether discovery is still running (the loop ticks only then, so an idle UI sleeps).
    pub fn discovering(&self) -> bool {
        self.inventory.pending_targets() > 0
    }

    /// Whether a finding belongs to what is shown (findings of a replaced discovery do not).
    pub fn expects(&self, event: &DiscoveryEvent) -> bool {
        event
            .target()
            .is_none_or(|t| self.context.targets.contains(t))
    }

    /// Rows of the fleet table that fit on screen: the header (3 lines), the table's border
    /// and column header (3), and the bottom line (1) are taken.
    pub fn fleet_page(&self) -> usize {
        usize::from(self.size.1.saturating_sub(7)).max(1)
    }

    /// Rows of the logs view that fit: the header (3 lines) and the bottom line (1) are taken,
    /// the pane's border (2), and the record pane's half when it is open.
    pub fn logs_page(&self) -> usize {
        let body = self.size.1.saturating_sub(4);
        let list = if self.logs.as_ref().is_some_and(|l| l.pretty) {
            body - body / 2
        } else {
            body
        };
        usize::from(list.saturating_sub(2)).max(1)
    }

    /// Which keys apply: the view's, then the global ones.
    pub fn scope(&self) -> Scope {
        match self.view {
            View::Fleet => Scope::Fleet,
            View::Function { .. } | View::Cost => Scope::Function,
            View::Logs => Scope::Logs,
        }
    }

    /// Services in the fleet (all of them, whatever the filter).
    pub fn fleet_services(&self) -> usize {
        self.fleet.total_services
    }

    /// Brings derived data up to date before a frame is drawn.
    pub fn prepare_frame(&mut self) {
        if self.fleet.dirty {
            self.fleet.rebuild(&self.inventory, &self.figures);
            let page = self.fleet_page();
            self.fleet.scroll_into_view(page);
        }
        let page = self.logs_page();
        if let Some(logs) = self.logs.as_mut() {
            logs.prepare(page);
        }
    }
}
