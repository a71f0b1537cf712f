//! Log records of functions: a window's history in time order across functions and streams.

use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use crate::analysis::latency::Window;

use super::{Fleet, FleetError, Function, LogRecord};

/// The history of `functions` over `window` (server-side `pattern` if given), oldest first,
/// at most `cap` records (the newest), and the functions whose logs could not be read.
pub async fn read_logs(
    fleet: Arc<dyn Fleet>,
    functions: &[Function],
    window: Window,
    pattern: Option<&str>,
    concurrency: usize,
    cap: usize,
) -> (Vec<LogRecord>, Vec<(String, FleetError)>) {
    let (sink, mut pages) = mpsc::unbounded_channel::<Vec<LogRecord>>();
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for f in functions {
        let (fleet, sink, permits, f) = (fleet.clone(), sink.clone(), permits.clone(), f.clone());
        let pattern = pattern.map(str::to_owned);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.ok();
            let result = fleet.log_events(&f, window, pattern, sink).await;
            (f.name, result)
        });
    }
    drop(sink);
    let mut records = Vec::new();
    let mut failures = Vec::new();
    loop {
        tokio::select! {
            Some(page) = pages.recv() => records.extend(page),
            Some(done) = tasks.join_next() => {
                if let Ok((name, Err(e))) = done {
                    failures.push((name, e));
                }
            }
            else => break,
        }
    }
    sort_and_dedup(&mut records);
    if records.len() > cap {
        records.drain(..records.len() - cap);
    }
    (records, failures)
}

/// Oldest first; an event read twice (overlapping reads) kept once.
fn sort_and_dedup(records: &mut Vec<LogRecord>) {
    records.sort_by(|a, b| {
        (a.timestamp_ms, &a.function, &a.event_id).cmp(&(b.timestamp_ms, &b.function, &b.event_id))
    });
    records.dedup_by(|a, b| a.event_id == b.event_id && a.function == b.function);
}
