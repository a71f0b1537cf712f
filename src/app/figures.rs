//! Latency and cost over the current window (`:since`), as the views read them.

use std::collections::BTreeMap;

use crate::analysis::cost::Cost;
use crate::analysis::histogram::Percentiles;
use crate::analysis::latency::LatencyStats;
use crate::analysis::pricing::PricingTable;
use crate::fleet::cost_report::{CostReport, cost_report};
use crate::fleet::inventory::service_key;
use crate::fleet::reports::{FleetLatency, ReadProgress, ScanEstimate};
use crate::fleet::{Inventory, ServiceKey};

/// The window asked for, how reading it goes, and what it found.
#[derive(Debug, Clone)]
pub struct Figures {
    /// As typed: `1h`, `24h`, `7d`.
    pub since: String,
    pub since_ms: i64,
    /// Set while records are read.
    pub loading: Option<ReadProgress>,
    /// Whether a read was asked for the fleet now shown.
    pub requested: bool,
    pub by_function: BTreeMap<String, LatencyStats>,
    pub by_service: BTreeMap<ServiceKey, LatencyStats>,
    pub cost: Option<CostReport>,
    /// Functions whose logs could not be read.
    pub failures: usize,
    pub pricing: PricingTable,
    /// A window estimated to scan more than this waits for `:read`.
    pub confirm_scan_bytes: u64,
    /// Set when the window was not read because it would scan too much.
    pub blocked: Option<ScanEstimate>,
}

/// What one row shows in the latency and cost columns.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RowFigures {
    pub invocations: u64,
    pub cold_pct: f64,
    pub warm: Option<Percentiles>,
    pub cold: Option<Percentiles>,
    pub cost: Option<Cost>,
}

impl Figures {
    pub fn new(pricing: PricingTable, confirm_scan_bytes: u64) -> Self {
        Figures {
            since: "1h".into(),
            since_ms: 3_600_000,
            loading: None,
            requested: false,
            by_function: BTreeMap::new(),
            by_service: BTreeMap::new(),
            cost: None,
            failures: 0,
            pricing,
            confirm_scan_bytes,
            blocked: None,
        }
    }

    /// Forgets what was read (a new fleet, a new window).
    pub fn clear(&mut self) {
        self.requested = false;
        self.loading = None;
        self.by_function.clear();
        self.by_service.clear();
        self.cost = None;
        self.failures = 0;
        self.blocked = None;
    }

    /// Takes in a finished read: per function, rolled up per service, and priced.
    pub fn absorb(&mut self, read: FleetLatency, inventory: &Inventory) {
        self.loading = None;
        self.failures = read.failures.len();
        self.by_service.clear();
        for f in inventory.functions() {
            if let Some(stats) = read.by_function.get(&f.arn) {
                self.by_service
                    .entry(service_key(f))
                    .or_insert_with(|| LatencyStats::new(stats.window, stats.series.len()))
                    .merge(stats);
            }
        }
        let functions: Vec<_> = inventory.functions().cloned().collect();
        self.cost = Some(cost_report(&functions, &read.by_function, &self.pricing));
        self.by_function = read.by_function;
    }

    pub fn of_function(&self, arn: &str) -> Option<RowFigures> {
        let stats = self.by_function.get(arn)?;
        Some(row(
            stats,
            self.cost
                .as_ref()
                .and_then(|c| c.by_function.get(arn))
                .copied(),
        ))
    }

    pub fn of_service(&self, key: &ServiceKey) -> Option<RowFigures> {
        let stats = self.by_service.get(key)?;
        Some(row(
            stats,
            self.cost
                .as_ref()
                .and_then(|c| c.by_service.get(key))
                .copied(),
        ))
    }
}

fn row(stats: &LatencyStats, cost: Option<Cost>) -> RowFigures {
    RowFigures {
        invocations: stats.invocations,
        cold_pct: stats.cold_start_pct(),
        warm: stats.warm_percentiles(),
        cold: stats.cold_percentiles(),
        cost,
    }
}
