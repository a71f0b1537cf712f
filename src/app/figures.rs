//! Latency and cost over the current window (`:since`), as the views read them: REPORT figures
//! (cold and warm latency, exact cost) and CloudWatch metrics figures (errors and throttles the
//! REPORT lines never show), each where it was read.

use std::collections::BTreeMap;

use crate::analysis::cost::Cost;
use crate::analysis::histogram::Percentiles;
use crate::analysis::insights::InsightsFigures;
use crate::analysis::latency::{LatencyStats, Window};
use crate::analysis::metrics::MetricFigures;
use crate::analysis::pricing::PricingTable;
use crate::fleet::cost_report::{CostReport, cost_report};
use crate::fleet::insights_read::InsightsLatency;
use crate::fleet::inventory::service_key;
use crate::fleet::metrics::FleetMetrics;
use crate::fleet::reports::{FleetLatency, ReadProgress, ScanEstimate};
use crate::fleet::sources::AutoRules;
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
    /// Set when the window's REPORT records were not read: what reading them would scan, and
    /// why they were not.
    pub blocked: Option<(ScanEstimate, String)>,
    /// When the REPORT records are paged through and when not.
    pub rules: AutoRules,
    /// CloudWatch's figures of the window, once read (`None` too for a fleet without them).
    pub metrics: Option<FleetMetrics>,
    /// Numbers the metrics reads: an answer for an older window is dropped.
    pub metrics_read: u64,
    /// A metrics read is under way.
    pub metrics_loading: bool,
    /// How the window's REPORT records are read (or were).
    pub via: Option<ReportVia>,
    /// Logs Insights' percentiles by function ARN and by service, where it aggregated (its
    /// counts and billing are in `by_function` and `by_service` like a paged read's).
    pub insights: BTreeMap<String, InsightsFigures>,
    pub insights_by_service: BTreeMap<ServiceKey, InsightsFigures>,
}

/// Where the REPORT figures come from: paging the logs, or Logs Insights over what the estimate
/// says it scans.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportVia {
    Logs,
    Insights(ScanEstimate),
}

/// What one row shows in the latency and cost columns.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RowFigures {
    pub invocations: u64,
    pub cold_pct: f64,
    pub warm: Option<Percentiles>,
    /// Logs Insights gives a cold p50 and p99 only; the fleet shows the p99.
    pub cold_p99_ms: Option<f64>,
    pub cost: Option<Cost>,
    /// From CloudWatch metrics.
    pub error_pct: Option<f64>,
    pub throttles: Option<f64>,
    pub metrics: Option<MetricFigures>,
}

impl Figures {
    pub fn new(pricing: PricingTable, confirm_scan_bytes: u64, rules: AutoRules) -> Self {
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
            rules,
            metrics: None,
            metrics_read: 0,
            metrics_loading: false,
            via: None,
            insights: BTreeMap::new(),
            insights_by_service: BTreeMap::new(),
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
        self.metrics = None;
        self.metrics_loading = false;
        self.via = None;
        self.insights.clear();
        self.insights_by_service.clear();
    }

    /// Takes in a finished read: per function, rolled up per service, and priced.
    pub fn absorb(&mut self, read: FleetLatency, inventory: &Inventory) {
        self.loading = None;
        self.insights.clear();
        self.insights_by_service.clear();
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

    /// Takes in what Logs Insights aggregated: counts and billing priced like a paged read's,
    /// its percentiles kept beside them (a service's cannot be made of its functions').
    pub fn absorb_insights(
        &mut self,
        read: InsightsLatency,
        window: Window,
        inventory: &Inventory,
    ) {
        let by_function = read
            .by_function
            .iter()
            .map(|(arn, f)| (arn.clone(), f.as_latency_stats(window)))
            .collect();
        self.absorb(
            FleetLatency {
                by_function,
                failures: read.failures,
                progress: ReadProgress::default(),
            },
            inventory,
        );
        self.insights = read.by_function;
        self.insights_by_service = read.by_service;
    }

    pub fn of_function(&self, arn: &str) -> Option<RowFigures> {
        row(
            self.by_function.get(arn),
            self.insights.get(arn),
            self.cost
                .as_ref()
                .and_then(|c| c.by_function.get(arn))
                .copied(),
            self.metrics.as_ref().and_then(|m| m.by_function.get(arn)),
        )
    }

    pub fn of_service(&self, key: &ServiceKey) -> Option<RowFigures> {
        row(
            self.by_service.get(key),
            self.insights_by_service.get(key),
            self.cost
                .as_ref()
                .and_then(|c| c.by_service.get(key))
                .copied(),
            self.metrics.as_ref().and_then(|m| m.by_service.get(key)),
        )
    }
}

fn row(
    stats: Option<&LatencyStats>,
    insights: Option<&InsightsFigures>,
    cost: Option<Cost>,
    metrics: Option<&MetricFigures>,
) -> Option<RowFigures> {
    if stats.is_none() && metrics.is_none() {
        return None;
    }
    Some(RowFigures {
        invocations: stats.map_or(0, |s| s.invocations),
        cold_pct: stats.map_or(0.0, |s| s.cold_start_pct()),
        warm: stats
            .and_then(|s| s.warm_percentiles())
            .or_else(|| insights.and_then(|i| i.warm)),
        cold_p99_ms: stats
            .and_then(|s| s.cold_percentiles())
            .map(|p| p.p99_ms)
            .or_else(|| insights.and_then(|i| i.cold_p99_ms)),
        cost,
        error_pct: metrics.and_then(MetricFigures::error_pct),
        throttles: metrics.and_then(|m| m.throttles),
        metrics: metrics.copied(),
    })
}
