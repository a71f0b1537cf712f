//! `mfn-tui stats`: cold and warm latency per function and service over a window, from the
//! platform's REPORT records.

use std::process::ExitCode;
use std::sync::Arc;

use serde::Serialize;

use crate::analysis::histogram::Percentiles;
use crate::analysis::insights::InsightsFigures;
use crate::analysis::latency::{LatencyStats, SERIES_BUCKETS as BUCKETS, Window};
use crate::config::Config;
use crate::fleet::inventory::service_key;
use crate::fleet::reports::{FleetLatency, InsightsLatency};
use crate::fleet::{Fleet, Function};

use super::args::WindowArgs;
use super::read::{Read, gather};
use super::{fail, finish};

#[derive(Debug, Serialize)]
pub struct StatsDocument {
    pub window: Window,
    pub functions: Vec<StatsEntry>,
    pub services: Vec<StatsEntry>,
    pub errors: Vec<String>,
}

/// One function's (or service's) figures. Field names are stable: scripts rely on them.
#[derive(Debug, Serialize)]
pub struct StatsEntry {
    pub name: String,
    pub region: String,
    pub service: String,
    pub stage: Option<String>,
    pub invocations: u64,
    pub cold_starts: u64,
    pub cold_start_pct: f64,
    pub warm: Option<Percentiles>,
    pub cold: Option<ColdPercentiles>,
    pub init: Option<ColdPercentiles>,
    pub timeouts: u64,
    pub errors: u64,
    pub max_memory_used_mb: u32,
    pub memory_mb: u32,
}

#[derive(Debug, Serialize)]
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

pub async fn run(
    fleet: Arc<dyn Fleet>,
    config: &Config,
    names: &[String],
    window_args: &WindowArgs,
    json: bool,
) -> ExitCode {
    let (_, functions, window, latency) = match gather(fleet, config, names, window_args).await {
        Ok(g) => g,
        Err(e) => return fail(&e),
    };
    let doc = match &latency {
        Read::Records(l) => document(&functions, window, l),
        Read::Insights(i) => insights_document(&functions, window, i),
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("stats serialize")
        );
    } else {
        print!("{}", table(&doc));
    }
    finish(&doc.errors)
}

/// Per-function entries (by service, then name) and their service roll-ups.
pub fn document(functions: &[Function], window: Window, latency: &FleetLatency) -> StatsDocument {
    let mut sorted: Vec<&Function> = functions.iter().collect();
    sorted.sort_by(|a, b| (service_key(a), &a.name).cmp(&(service_key(b), &b.name)));
    let mut entries = Vec::new();
    let mut services: Vec<(crate::fleet::ServiceKey, LatencyStats, u32)> = Vec::new();
    for f in sorted {
        let Some(stats) = latency.by_function.get(&f.arn) else {
            continue;
        };
        entries.push(entry(&f.name, f, stats, f.memory_mb));
        let key = service_key(f);
        match services.iter_mut().find(|(k, ..)| *k == key) {
            Some((_, s, memory)) => {
                s.merge(stats);
                *memory = (*memory).max(f.memory_mb);
            }
            None => {
                let mut s = LatencyStats::new(window, BUCKETS);
                s.merge(stats);
                services.push((key, s, f.memory_mb));
            }
        }
    }
    let service_entries = services
        .iter()
        .map(|(key, s, memory)| StatsEntry {
            name: key.name.clone(),
            region: key.region.clone(),
            service: key.name.clone(),
            stage: key.stage.clone(),
            ..figures(s, *memory)
        })
        .collect();
    StatsDocument {
        window,
        functions: entries,
        services: service_entries,
        errors: Read::Records(latency.clone()).errors(),
    }
}

/// Per-function and per-service entries from Logs Insights' figures.
pub fn insights_document(
    functions: &[Function],
    window: Window,
    read: &InsightsLatency,
) -> StatsDocument {
    let mut sorted: Vec<&Function> = functions.iter().collect();
    sorted.sort_by(|a, b| (service_key(a), &a.name).cmp(&(service_key(b), &b.name)));
    let entries = sorted
        .iter()
        .filter_map(|f| {
            let figures = read.by_function.get(&f.arn)?;
            Some(StatsEntry {
                name: f.name.clone(),
                region: f.region.clone(),
                service: f.placement.service.clone(),
                stage: f.placement.stage.clone(),
                ..insights_figures(figures, f.memory_mb)
            })
        })
        .collect();
    let services = read
        .by_service
        .iter()
        .map(|(key, figures)| StatsEntry {
            name: key.name.clone(),
            region: key.region.clone(),
            service: key.name.clone(),
            stage: key.stage.clone(),
            ..insights_figures(figures, figures.memory_mb)
        })
        .collect();
    StatsDocument {
        window,
        functions: entries,
        services,
        errors: Read::Insights(read.clone()).errors(),
    }
}

fn insights_figures(f: &InsightsFigures, memory_mb: u32) -> StatsEntry {
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
    StatsEntry {
        name: String::new(),
        region: String::new(),
        service: String::new(),
        stage: None,
        invocations: f.invocations,
        cold_starts: f.cold_starts,
        cold_start_pct: pct,
        warm: f.warm,
        cold: pair(f.cold_p50_ms, f.cold_p99_ms),
        init: pair(f.init_p50_ms, f.init_p99_ms),
        timeouts: f.timeouts,
        errors: f.errors,
        max_memory_used_mb: f.max_memory_used_mb,
        memory_mb,
    }
}

fn entry(name: &str, f: &Function, stats: &LatencyStats, memory_mb: u32) -> StatsEntry {
    StatsEntry {
        name: name.to_owned(),
        region: f.region.clone(),
        service: f.placement.service.clone(),
        stage: f.placement.stage.clone(),
        ..figures(stats, memory_mb)
    }
}

fn figures(s: &LatencyStats, memory_mb: u32) -> StatsEntry {
    StatsEntry {
        name: String::new(),
        region: String::new(),
        service: String::new(),
        stage: None,
        invocations: s.invocations,
        cold_starts: s.cold_starts,
        cold_start_pct: (s.cold_start_pct() * 100.0).round() / 100.0,
        warm: s.warm_percentiles(),
        cold: s.cold_percentiles().map(Into::into),
        init: s.init_percentiles().map(Into::into),
        timeouts: s.timeouts,
        errors: s.errors,
        max_memory_used_mb: s.max_memory_used_mb,
        memory_mb,
    }
}

fn table(doc: &StatsDocument) -> String {
    let ms = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into());
    let mut out = format!(
        "{:<36} {:<12} {:>8} {:>6} {:>9} {:>9} {:>9} {:>9} {:>5} {:>9}\n",
        "FUNCTION",
        "SERVICE",
        "INVOKES",
        "COLD%",
        "WARM P50",
        "WARM P99",
        "COLD P50",
        "COLD P99",
        "ERR",
        "MEM USED"
    );
    for e in &doc.functions {
        out.push_str(&format!(
            "{:<36} {:<12} {:>8} {:>6.1} {:>9} {:>9} {:>9} {:>9} {:>5} {:>9}\n",
            e.name,
            e.service,
            e.invocations,
            e.cold_start_pct,
            ms(e.warm.map(|p| p.p50_ms)),
            ms(e.warm.map(|p| p.p99_ms)),
            ms(e.cold.as_ref().map(|p| p.p50_ms)),
            ms(e.cold.as_ref().map(|p| p.p99_ms)),
            e.errors + e.timeouts,
            format!("{}/{}", e.max_memory_used_mb, e.memory_mb),
        ));
    }
    out
}
