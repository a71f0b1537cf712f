//! `mfn-tui bench`: N invocations at concurrency C, and the latency they show: cold and warm
//! from the REPORT lines of their log tails, next to what the client saw.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::analysis::histogram::{Histogram, Percentiles};
use crate::analysis::latency::{LatencyStats, Window};
use crate::analysis::report;
use crate::fleet::{Fleet, FleetError};
use crate::fleet::{InvocationType, InvokeRequest};
use crate::units::millis;

use super::args::InvocationArgs;
use super::invoke::load_payload;
use super::{exit, fail};
use crate::fleet::change::limits::SYNC_LIMIT;
use crate::fleet::change::{Operation, Safety};
use crate::fleet::locate::locate;
use crate::text::visible;

/// What `--json` prints. Field names are stable; latency fields are null without samples.
#[derive(Serialize)]
struct JsonBench {
    function: String,
    invocations: usize,
    concurrency: usize,
    cold_starts: u64,
    function_errors: u64,
    failed: usize,
    round_trip: Option<Percentiles>,
    warm: Option<Percentiles>,
    cold: Option<Percentiles>,
    init: Option<Percentiles>,
}

/// Runs `name` `count` times, `concurrency` at once (`load`); read-only mode refuses it, as it
/// refuses `invoke`.
pub async fn run(
    fleet: Arc<dyn Fleet>,
    safety: &Safety,
    name: &str,
    args: &InvocationArgs,
    (count, concurrency): (usize, usize),
    json: bool,
) -> ExitCode {
    if let Err(refusal) = safety.permit(Operation::Invoke, name) {
        return fail(&refusal.to_string());
    }
    if count == 0 || concurrency == 0 {
        eprintln!("mfn-tui: -n and -c must be at least 1");
        return ExitCode::from(2);
    }
    let payload = match load_payload(&args.payload, SYNC_LIMIT) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("mfn-tui: {e}");
            return ExitCode::from(2);
        }
    };
    let function = match locate(fleet.clone(), name).await {
        Ok(f) => Arc::new(f),
        Err(e) => return fail(&e),
    };
    let permits = Arc::new(Semaphore::new(concurrency));
    let mut calls = JoinSet::new();
    for _ in 0..count {
        let (fleet, function, permits) = (fleet.clone(), function.clone(), permits.clone());
        let request = InvokeRequest {
            qualifier: args.qualifier.clone(),
            payload: payload.clone(),
            kind: InvocationType::RequestResponse,
        };
        calls.spawn(async move {
            let _permit = permits.acquire_owned().await.ok();
            let start = Instant::now();
            let result = fleet.invoke(&function, request).await;
            (start.elapsed(), result)
        });
    }
    let mut round_trip = Histogram::default();
    let mut stats = LatencyStats::new(
        Window {
            start_ms: 0,
            end_ms: 1,
        },
        1,
    );
    let mut failures: Vec<FleetError> = Vec::new();
    while let Some(done) = calls.join_next().await {
        let Ok((elapsed, result)) = done else {
            continue;
        };
        match result {
            Ok(r) => {
                round_trip.record(elapsed.as_secs_f64() * 1000.0);
                if let Some(rep) = r.log_tail.iter().rev().find_map(|l| report::parse(l)) {
                    stats.record(&rep, 0);
                }
            }
            Err(e) => failures.push(e),
        }
    }
    let doc = JsonBench {
        function: function.name.clone(),
        invocations: count,
        concurrency,
        cold_starts: stats.cold_starts,
        function_errors: stats.errors + stats.timeouts,
        failed: failures.len(),
        round_trip: round_trip.percentiles(),
        warm: stats.warm.percentiles(),
        cold: stats.cold.percentiles(),
        init: stats.init.percentiles(),
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("serializable")
        );
    } else {
        print_text(&doc, &round_trip, &stats);
    }
    for e in failures.iter().take(5) {
        eprintln!("mfn-tui: {}", visible(&e.to_string()));
    }
    if failures.is_empty() && doc.function_errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(exit::PARTIAL)
    }
}

fn print_text(doc: &JsonBench, round_trip: &Histogram, stats: &LatencyStats) {
    println!(
        "{}: {} invocations at concurrency {}: {} cold, {} function errors, {} failed",
        visible(&doc.function),
        doc.invocations,
        doc.concurrency,
        doc.cold_starts,
        doc.function_errors,
        doc.failed
    );
    println!(
        "{:<34} {:>6} {:>9} {:>9} {:>9} {:>9}",
        "", "n", "p50", "p90", "p99", "max"
    );
    for (label, h) in [
        ("client round trip", round_trip),
        ("warm duration (REPORT)", &stats.warm),
        ("cold: init + duration (REPORT)", &stats.cold),
        ("init duration (REPORT)", &stats.init),
    ] {
        match h.percentiles() {
            Some(p) => println!(
                "{label:<34} {:>6} {:>9} {:>9} {:>9} {:>9}",
                h.count(),
                millis(p.p50_ms),
                millis(p.p90_ms),
                millis(p.p99_ms),
                millis(p.max_ms)
            ),
            None => println!("{label:<34} {:>6} {:>9}", 0, "-"),
        }
    }
}
