//! Reading the platform's REPORT records of many functions and folding them into latency
//! statistics: the provider streams batches, this folds them, in bounded memory.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use crate::analysis::latency::{LatencyStats, Window};
use crate::analysis::window::estimated_scan_bytes;

use super::{Fleet, FleetError, Function, ReportBatch};

/// What reading a window will scan, before it is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanEstimate {
    pub bytes: u64,
    /// Distinct log groups (a shared group is scanned once).
    pub groups: usize,
}

/// Estimates the log bytes reading `functions` over `window` will scan.
pub async fn estimate_scan(
    fleet: &dyn Fleet,
    functions: &[Function],
    window: Window,
) -> Result<ScanEstimate, FleetError> {
    let mut groups: BTreeMap<&crate::fleet::Target, Vec<String>> = BTreeMap::new();
    for f in functions {
        groups
            .entry(&f.target)
            .or_default()
            .push(f.log_group.clone());
    }
    let mut estimate = ScanEstimate::default();
    for (target, mut names) in groups {
        names.sort();
        names.dedup();
        estimate.groups += names.len();
        for size in fleet.log_group_sizes(target, &names).await?.values() {
            let since_ms = size.stored_since_ms(window.end_ms);
            estimate.bytes += estimated_scan_bytes(size.stored_bytes, since_ms, &window);
        }
    }
    Ok(estimate)
}

/// How far reading has come, for progress displays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadProgress {
    pub functions_done: usize,
    pub functions_total: usize,
    pub bytes_scanned: u64,
    pub reports: u64,
}

/// The statistics of every function, by ARN, and the functions whose logs could not be read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FleetLatency {
    pub by_function: BTreeMap<String, LatencyStats>,
    pub failures: Vec<(String, FleetError)>,
    pub progress: ReadProgress,
}

/// Reads the REPORT records of `functions` over `window`, `concurrency` functions at a time,
/// calling `on_progress` as pages arrive.
pub async fn read_latency(
    fleet: Arc<dyn Fleet>,
    functions: Vec<Function>,
    window: Window,
    buckets: usize,
    concurrency: usize,
    mut on_progress: impl FnMut(ReadProgress),
) -> FleetLatency {
    let mut out = FleetLatency {
        progress: ReadProgress {
            functions_total: functions.len(),
            ..ReadProgress::default()
        },
        ..FleetLatency::default()
    };
    for f in &functions {
        out.by_function
            .insert(f.arn.clone(), LatencyStats::new(window, buckets));
    }
    let (sink, mut batches) = mpsc::unbounded_channel::<ReportBatch>();
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for function in functions {
        let (fleet, sink, permits) = (fleet.clone(), sink.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.ok();
            let result = fleet.reports(&function, window, sink).await;
            (function.arn, result)
        });
    }
    drop(sink);
    loop {
        tokio::select! {
            Some(batch) = batches.recv() => {
                out.progress.bytes_scanned += batch.bytes_scanned;
                out.progress.reports += batch.reports.len() as u64;
                if let Some(stats) = out.by_function.get_mut(&batch.function_arn) {
                    for r in &batch.reports {
                        stats.record(&r.report, r.timestamp_ms);
                    }
                }
                on_progress(out.progress);
            }
            Some(done) = tasks.join_next() => {
                if let Ok((arn, Err(e))) = done {
                    out.failures.push((arn, e));
                }
                out.progress.functions_done += 1;
                on_progress(out.progress);
            }
            else => break,
        }
    }
    out
}
