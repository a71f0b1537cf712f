//! What `mfn-tui stats --json` prints: per function and per service, the REPORT figures (cold
//! and warm latency, init, memory; `null` where they were not read) and the CloudWatch metrics
//! figures (`null` where there was no datapoint), and which source gave which.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::histogram::Percentiles;
use crate::analysis::insights::InsightsFigures;
use crate::analysis::latency::{LatencyStats, SERIES_BUCKETS as BUCKETS, Window};
use crate::analysis::metrics::MetricFigures;
use crate::fleet::insights_read::InsightsLatency;
use crate::fleet::inventory::service_key;
use crate::fleet::metrics::FleetMetrics;
use crate::fleet::reports::FleetLatency;
use crate::fleet::{Function, ServiceKey};

#[derive(Debug, Serialize)]
pub struct StatsDocument {
    pub window: Window,
    /// Where the figures came from: `metrics` (CloudWatch) and `report` (`logs`,
    /// `insights`, or `null` when REPORT records were not read).
    pub sources: Sources,
    pub functions: Vec<StatsEntry>,
    pub services: Vec<StatsEntry>,
    pub errors: Vec<String>,
    /// What was chosen not to be read, and how to read it.
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Sources {
    pub metrics: bool,
    pub report: Option<&'static str>,
}

/// One function's (or service's) figures. Field names are stable: scripts rely on them.
#[derive(Debug, Serialize)]
pub struct StatsEntry {
    pub name: String,
    pub region: String,
    pub service: String,
    pub stage: Option<String>,
    pub invocations: Option<u64>,
    pub cold_starts: Option<u64>,
    pub cold_start_pct: Option<f64>,
    pub warm: Option<Percentiles>,
    pub cold: Option<ColdPercentiles>,
    pub init: Option<ColdPercentiles>,
    pub timeouts: Option<u64>,
    pub errors: Option<u64>,
    pub max_memory_used_mb: Option<u32>,
    pub memory_mb: u32,
    /// From CloudWatch's `AWS/Lambda` metrics: handled errors and throttles included.
    pub metrics: Option<MetricFigures>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ColdPercentiles {
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl From<Percentiles> for ColdPercentiles {
    fn from(p: Percentiles) -> Self {
        ColdPercentiles {
            p50_ms: p.p50_ms,
            p99_ms: p.p99_ms,
        }
    }
}

/// The REPORT side of the document, from either way of reading it.
pub enum Report<'a> {
    Records(&'a FleetLatency),
    Insights(&'a InsightsLatency),
}

/// The REPORT figures of one entry.
#[derive(Default)]
struct ReportFigures {
    invocations: u64,
    cold_starts: u64,
    cold_start_pct: f64,
    warm: Option<Percentiles>,
    cold: Option<ColdPercentiles>,
    init: Option<ColdPercentiles>,
    timeouts: u64,
    errors: u64,
    max_memory_used_mb: u32,
}

/// Per-function entries (by service, then name) and their service roll-ups.
pub fn document(
    functions: &[Function],
    window: Window,
    report: Option<Report<'_>>,
    metrics: Option<&FleetMetrics>,
) -> StatsDocument {
    let mut sorted: Vec<&Function> = functions.iter().collect();
    sorted.sort_by(|a, b| (service_key(a), &a.name).cmp(&(service_key(b), &b.name)));
    let mut services: BTreeMap<ServiceKey, (u32, Option<LatencyStats>)> = BTreeMap::new();
    let mut entries = Vec::new();
    for f in sorted {
        let key = service_key(f);
        let memory = &mut services.entry(key.clone()).or_insert((0, None)).0;
        *memory = (*memory).max(f.memory_mb);
        let figures = match &report {
            Some(Report::Records(l)) => l.by_function.get(&f.arn).map(|s| {
                let slot = &mut services.get_mut(&key).expect("just inserted").1;
                slot.get_or_insert_with(|| LatencyStats::new(window, BUCKETS))
                    .merge(s);
                from_stats(s)
            }),
            Some(Report::Insights(i)) => i.by_function.get(&f.arn).map(from_insights),
            None => None,
        };
        entries.push(entry(
            &f.name,
            &f.region,
            &f.placement.service,
            f.placement.stage.clone(),
            f.memory_mb,
            figures,
            metrics.and_then(|m| m.by_function.get(&f.arn).copied()),
        ));
    }
    let service_entries = services
        .iter()
        .map(|(key, (memory, stats))| {
            let figures = match &report {
                Some(Report::Records(_)) => stats.as_ref().map(from_stats),
                Some(Report::Insights(i)) => i.by_service.get(key).map(from_insights),
                None => None,
            };
            entry(
                &key.name,
                &key.region,
                &key.name,
                key.stage.clone(),
                *memory,
                figures,
                metrics.and_then(|m| m.by_service.get(key).copied()),
            )
        })
        .collect();
    StatsDocument {
        window,
        sources: Sources {
            metrics: metrics.is_some(),
            report: report.as_ref().map(|r| match r {
                Report::Records(_) => "logs",
                Report::Insights(_) => "insights",
            }),
        },
        functions: entries,
        services: service_entries,
        errors: Vec::new(),
        notes: Vec::new(),
    }
}

fn entry(
    name: &str,
    region: &str,
    service: &str,
    stage: Option<String>,
    memory_mb: u32,
    figures: Option<ReportFigures>,
    metrics: Option<MetricFigures>,
) -> StatsEntry {
    let read = figures.is_some();
    let f = figures.unwrap_or_default();
    StatsEntry {
        name: name.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        stage,
        invocations: read.then_some(f.invocations),
        cold_starts: read.then_some(f.cold_starts),
        cold_start_pct: read.then_some(f.cold_start_pct),
        warm: f.warm,
        cold: f.cold,
        init: f.init,
        timeouts: read.then_some(f.timeouts),
        errors: read.then_some(f.errors),
        max_memory_used_mb: read.then_some(f.max_memory_used_mb),
        memory_mb,
        metrics,
    }
}

fn from_stats(s: &LatencyStats) -> ReportFigures {
    ReportFigures {
        invocations: s.invocations,
        cold_starts: s.cold_starts,
        cold_start_pct: (s.cold_start_pct() * 100.0).round() / 100.0,
        warm: s.warm_percentiles(),
        cold: s.cold_percentiles().map(Into::into),
        init: s.init_percentiles().map(Into::into),
        timeouts: s.timeouts,
        errors: s.errors,
        max_memory_used_mb: s.max_memory_used_mb,
    }
}

fn from_insights(f: &InsightsFigures) -> ReportFigures {
    let pct = if f.invocations == 0 {
        0.0
    } else {
        (f.cold_starts as f64 * 10_000.0 / f.invocations as f64).round() / 100.0
    };
    let pair = |p50: Option<f64>, p99: Option<f64>| {
        Some(ColdPercentiles {
            p50_ms: p50?,
            p99_ms: p99?,
        })
    };
    ReportFigures {
        invocations: f.invocations,
        cold_starts: f.cold_starts,
        cold_start_pct: pct,
        warm: f.warm,
        cold: pair(f.cold_p50_ms, f.cold_p99_ms),
        init: pair(f.init_p50_ms, f.init_p99_ms),
        timeouts: f.timeouts,
        errors: f.errors,
        max_memory_used_mb: f.max_memory_used_mb,
    }
}
