//! Log records of functions: a window's history in time order across functions and streams, and
//! following new records by polling, each record once.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use crate::analysis::latency::Window;

use super::{Fleet, FleetError, Function};

/// One log event of one function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogRecord {
    pub timestamp_ms: i64,
    pub function: String,
    pub log_stream: String,
    pub event_id: String,
    pub message: String,
}

/// Where a provider sends a function's log events, a page at a time.
pub type LogSink = mpsc::UnboundedSender<Vec<LogRecord>>;

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

/// What to follow: the server-side pattern, where to start, how often to look.
#[derive(Debug, Clone)]
pub struct FollowSettings {
    pub pattern: Option<String>,
    pub since_ms: i64,
    pub poll: Duration,
}

/// Polls for records newer than what was seen, every `poll` (doubling up to a minute while
/// calls are throttled), handing each new record to `on_records` once, until it returns false.
/// `shown` are records already shown (the history): reading from the newest of them on returns
/// them again, and they are not handed over twice.
pub async fn follow_logs(
    fleet: Arc<dyn Fleet>,
    functions: Vec<Function>,
    settings: FollowSettings,
    shown: &[LogRecord],
    now_ms: impl Fn() -> i64,
    mut on_records: impl FnMut(Vec<LogRecord>, Vec<(String, FleetError)>) -> bool,
) {
    // Ids already shown whose timestamp is at or after `since_ms`: a read from `since_ms` on
    // returns them again, and they must not be shown twice.
    let FollowSettings {
        pattern,
        mut since_ms,
        poll,
    } = settings;
    let mut seen: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for r in shown.iter().filter(|r| r.timestamp_ms >= since_ms) {
        seen.entry(r.timestamp_ms)
            .or_default()
            .insert(r.event_id.clone());
    }
    let mut wait = poll;
    loop {
        let window = Window {
            start_ms: since_ms,
            end_ms: now_ms() + 1,
        };
        let (records, failures) = read_logs(
            fleet.clone(),
            &functions,
            window,
            pattern.as_deref(),
            8,
            usize::MAX,
        )
        .await;
        let fresh: Vec<LogRecord> = records
            .into_iter()
            .filter(|r| {
                !seen
                    .get(&r.timestamp_ms)
                    .is_some_and(|ids| ids.contains(&r.event_id))
            })
            .collect();
        for r in &fresh {
            seen.entry(r.timestamp_ms)
                .or_default()
                .insert(r.event_id.clone());
        }
        if let Some(&newest) = seen.keys().next_back() {
            since_ms = since_ms.max(newest);
            seen.retain(|&t, _| t >= since_ms);
        }
        let throttled = failures
            .iter()
            .any(|(_, e)| matches!(e, FleetError::Throttled { .. }));
        wait = if throttled {
            (wait * 2).min(Duration::from_secs(60))
        } else {
            poll
        };
        if !on_records(fresh, failures) {
            return;
        }
        tokio::time::sleep(wait).await;
    }
}
