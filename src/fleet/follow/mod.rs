//! Following new log records: Live Tail sessions where the provider can stream (see [`live`]),
//! polling `FilterLogEvents` where it cannot (or when a session fails, or when asked), each
//! record handed on once. Every read reaches back [`OVERLAP`] behind the newest record seen:
//! CloudWatch ingests streams out of order, so an older event may arrive after a newer one was
//! read; event ids keep the overlap from repeating anything.

mod live;
mod seen;

use std::sync::Arc;
use std::time::Duration;

use crate::analysis::latency::Window;

use super::logs::read_logs;
use super::{Fleet, FleetError, Function, LogRecord};
use seen::{Origin, Seen};

pub use live::sessions;

/// How far behind the newest record seen each read reaches, for events ingested late.
pub const OVERLAP: Duration = Duration::from_secs(60);

const OVERLAP_MS: i64 = OVERLAP.as_millis() as i64;

/// The clock following reads "now" from (tests give a fixed one).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// What to follow: the server-side pattern, where to start, how often to poll, and whether
/// to try Live Tail first.
#[derive(Debug, Clone)]
pub struct FollowSettings {
    pub pattern: Option<String>,
    pub since_ms: i64,
    pub poll: Duration,
    pub live_tail: bool,
}

/// How new records arrive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowMode {
    /// Live Tail sessions; `sampled` while the service sends only a sample of the matching
    /// events (more matched than an update holds): some lines are not shown, polling reads all.
    LiveTail { sessions: usize, sampled: bool },
    Polling {
        every: Duration,
        why: Option<String>,
    },
}

/// What following reports.
#[derive(Debug, Clone, PartialEq)]
pub enum FollowEvent {
    Records(Vec<LogRecord>),
    Failures(Vec<(String, FleetError)>),
    Mode(FollowMode),
}

/// Hands each new record of `functions` to `on_event` once, until it returns false.
///
/// `shown` are the records already shown (at least those of the last [`OVERLAP`] up to
/// `settings.since_ms`): reading from there on returns some of them again, and they are not
/// handed over twice.
pub async fn follow_logs(
    fleet: Arc<dyn Fleet>,
    functions: Vec<Function>,
    settings: FollowSettings,
    shown: &[LogRecord],
    now_ms: impl Fn() -> i64 + Send + Sync + 'static,
    mut on_event: impl FnMut(FollowEvent) -> bool,
) {
    let now_ms: Clock = Arc::new(now_ms);
    let mut seen = Seen::default();
    for r in shown
        .iter()
        .filter(|r| r.timestamp_ms >= settings.since_ms - OVERLAP_MS)
    {
        seen.fresh(r, Origin::Polled);
    }
    let mut newest = settings.since_ms;
    let mut why = None;
    if settings.live_tail {
        let live = live::follow(
            &fleet,
            &functions,
            &settings,
            &mut seen,
            &now_ms,
            &mut on_event,
        )
        .await;
        match live {
            live::Live::Stopped => return,
            live::Live::Failed(reason, n) => {
                newest = newest.max(n);
                why = Some(reason);
            }
        }
    }
    if !on_event(FollowEvent::Mode(FollowMode::Polling {
        every: settings.poll,
        why,
    })) {
        return;
    }
    let mut wait = settings.poll;
    loop {
        let from = newest - OVERLAP_MS;
        let (fresh, failures) = poll_once(&fleet, &functions, &settings, from, &now_ms).await;
        let fresh: Vec<LogRecord> = fresh
            .into_iter()
            .filter(|r| seen.fresh(r, Origin::Polled))
            .collect();
        if let Some(n) = seen.newest() {
            newest = newest.max(n);
            seen.forget_before(newest - OVERLAP_MS);
        }
        let throttled = failures
            .iter()
            .any(|(_, e)| matches!(e, FleetError::Throttled { .. }));
        wait = if throttled {
            (wait * 2).min(Duration::from_secs(60))
        } else {
            settings.poll
        };
        if !fresh.is_empty() && !on_event(FollowEvent::Records(fresh)) {
            return;
        }
        if !failures.is_empty() && !on_event(FollowEvent::Failures(failures)) {
            return;
        }
        tokio::time::sleep(wait).await;
    }
}

/// One read of `functions` from `since_ms` to now.
async fn poll_once(
    fleet: &Arc<dyn Fleet>,
    functions: &[Function],
    settings: &FollowSettings,
    since_ms: i64,
    now_ms: &Clock,
) -> (Vec<LogRecord>, Vec<(String, FleetError)>) {
    let window = Window {
        start_ms: since_ms,
        end_ms: now_ms() + 1,
    };
    let pattern = settings.pattern.as_deref();
    read_logs(fleet.clone(), functions, window, pattern, 8, usize::MAX).await
}
