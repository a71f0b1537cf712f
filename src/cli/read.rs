//! Reading a window for a subcommand: discover (no deeper than the figures need), pick the
//! functions, check what the read will scan, then read the records (or let Logs Insights
//! aggregate) with progress on stderr. What discovery missed is said, never dropped.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::sync::Arc;

use crate::analysis::insights::USD_PER_GB_SCANNED;
use crate::analysis::latency::{LatencyStats, SERIES_BUCKETS as BUCKETS, Window};
use crate::analysis::window;
use crate::config::Config;
use crate::fleet::insights_read::{InsightsLatency, insights_latency};
use crate::fleet::reports::{FleetLatency, ReadProgress, estimate_scan, read_latency};
use crate::fleet::sources::ReportPlan;
use crate::fleet::{Depth, Fleet, Function, Inventory, discover_to_end};
use crate::units::bytes;

use super::args::WindowArgs;

/// The functions named by `names` (function or service names); all of them when empty.
pub fn select(inventory: &Inventory, names: &[String]) -> Result<Vec<Function>, String> {
    if names.is_empty() {
        return Ok(inventory.functions().cloned().collect());
    }
    let mut chosen: Vec<Function> = Vec::new();
    for name in names {
        let matched: Vec<&Function> = inventory
            .functions()
            .filter(|f| f.name == *name || f.placement.service == *name)
            .collect();
        if matched.is_empty() {
            return Err(format!(
                "no function or service named `{name}` in these regions; `mfn-tui ls` lists them"
            ));
        }
        for f in matched {
            if !chosen.iter().any(|c| c.arn == f.arn) {
                chosen.push(f.clone());
            }
        }
    }
    Ok(chosen)
}

/// The functions a subcommand reads over its window, and what discovery could not see (a
/// region denied, say): the figures of what it misses are missing, and the report says so.
pub struct Selection {
    pub functions: Vec<Function>,
    pub window: Window,
    /// One line per discovery failure, naming what it leaves out.
    pub errors: Vec<String>,
}

/// Discovers the fleet (functions only: no versions or aliases) and picks the functions.
pub async fn select_window(
    fleet: &dyn Fleet,
    config: &Config,
    names: &[String],
    window_args: &WindowArgs,
) -> Result<Selection, String> {
    let window = window::window(
        window_args.since(),
        window_args.start.as_deref(),
        window_args.end.as_deref(),
        crate::clock::now_ms(),
    )?;
    let mut inventory = Inventory::new(config.grouping.clone());
    discover_to_end(fleet, Depth::Functions, &mut inventory).await;
    if inventory.function_count() == 0 && !inventory.failures().is_empty() {
        let reasons: Vec<String> = inventory
            .failures()
            .iter()
            .map(|f| f.error.to_string())
            .collect();
        return Err(reasons.join("; "));
    }
    let functions = select(&inventory, names)?;
    let errors = inventory
        .real_failures()
        .map(|f| {
            let missing = if f.scope == crate::fleet::inventory::LIST_FUNCTIONS {
                "its functions are missing from the figures"
            } else {
                "what it reads is missing"
            };
            format!("{} ({}): {}; {missing}", f.target, f.scope, f.error)
        })
        .collect();
    Ok(Selection {
        functions,
        window,
        errors,
    })
}

/// Reads the REPORT records of the selection the way `plan` says (refusing, without
/// `--yes`, a window that would scan more than `[logs] confirm_scan_bytes`), with progress
/// on stderr; `None` when the plan reads none.
pub async fn read_reports(
    fleet: Arc<dyn Fleet>,
    config: &Config,
    selection: &Selection,
    plan: &ReportPlan,
    window_args: &WindowArgs,
) -> Result<Option<Read>, String> {
    let (functions, window) = (&selection.functions, selection.window);
    let insights = match plan {
        ReportPlan::Skip(_) => return Ok(None),
        ReportPlan::Logs => false,
        ReportPlan::Insights => true,
    };
    if !window_args.yes {
        check_scan(
            fleet.as_ref(),
            functions,
            window,
            config.logs.confirm_scan_bytes,
            window_args.since(),
            insights,
        )
        .await?;
    }
    if insights {
        let read = insights_latency(fleet, functions, window).await;
        return Ok(Some(Read::Insights(read)));
    }
    let show = std::io::stderr().is_terminal();
    let latency = read_latency(
        fleet,
        functions.clone(),
        window,
        BUCKETS,
        config.discovery.concurrency.min(16),
        |p: ReadProgress| {
            if show {
                eprint!(
                    "\rreading logs: {}/{} functions · {} records · {}   ",
                    p.functions_done,
                    p.functions_total,
                    p.reports,
                    bytes(p.bytes_scanned)
                );
                let _ = std::io::stderr().flush();
            }
        },
    )
    .await;
    if show {
        eprintln!();
    }
    Ok(Some(Read::Records(latency)))
}

/// What a read brought: statistics folded from the records, or figures Logs Insights computed.
pub enum Read {
    Records(FleetLatency),
    Insights(InsightsLatency),
}

impl Read {
    /// Statistics by function ARN (from Insights: counts and billing, no histograms).
    pub fn by_function(&self, window: Window) -> BTreeMap<String, LatencyStats> {
        match self {
            Read::Records(l) => l.by_function.clone(),
            Read::Insights(i) => i
                .by_function
                .iter()
                .map(|(arn, f)| (arn.clone(), f.as_latency_stats(window)))
                .collect(),
        }
    }

    pub fn errors(&self) -> Vec<String> {
        let failures = match self {
            Read::Records(l) => &l.failures,
            Read::Insights(i) => &i.failures,
        };
        failures
            .iter()
            .map(|(arn, e)| format!("{}: {e}", arn.rsplit(':').next().unwrap_or(arn)))
            .collect()
    }
}

/// Refuses a window that would scan more than `limit` log bytes, saying how much and what to do.
async fn check_scan(
    fleet: &dyn Fleet,
    functions: &[Function],
    window: Window,
    limit: u64,
    since: &str,
    insights: bool,
) -> Result<(), String> {
    match estimate_scan(fleet, functions, window).await {
        Ok(e) if e.bytes > limit => Err(format!(
            "reading {since} of logs would scan about {} in {} log groups{}, more than [logs] confirm_scan_bytes ({}): \
             narrow --since, name functions or services, or pass --yes",
            bytes(e.bytes),
            e.groups,
            if insights {
                // Twice: a warm and a cold query, per function and per service.
                format!(
                    " (Logs Insights bills about ${:.2} per pass)",
                    e.bytes as f64 / 1e9 * USD_PER_GB_SCANNED
                )
            } else {
                String::new()
            },
            bytes(limit)
        )),
        Ok(_) => Ok(()),
        // Not knowing the size is no reason not to read; the read itself reports failures.
        Err(e) => {
            tracing::warn!(error = %e, "could not estimate the log scan");
            Ok(())
        }
    }
}
