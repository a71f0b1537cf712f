//! Following new log records: Live Tail sessions where the provider can stream, polling
//! `FilterLogEvents` where it cannot (or when a session fails), each record handed on once.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::analysis::latency::Window;

use super::logs::read_logs;
use super::{Fleet, FleetError, Function, LIVE_TAIL_GROUPS, LogRecord};

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
    LiveTail {
        sessions: usize,
    },
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
/// `shown` are the records already shown (the history up to `settings.since_ms`): reading from
/// there on returns some of them again, and they are not handed over twice.
pub async fn follow_logs(
    fleet: Arc<dyn Fleet>,
    functions: Vec<Function>,
    settings: FollowSettings,
    shown: &[LogRecord],
    now_ms: impl Fn() -> i64,
    mut on_event: impl FnMut(FollowEvent) -> bool,
) {
    let mut seen = Seen::default();
    for r in shown.iter().filter(|r| r.timestamp_ms >= settings.since_ms) {
        seen.fresh(r, Origin::Polled);
    }
    let mut since_ms = settings.since_ms;
    let mut why = None;
    if settings.live_tail {
        match live(
            &fleet,
            &functions,
            &settings,
            &mut seen,
            &now_ms,
            &mut on_event,
        )
        .await
        {
            Live::Stopped => return,
            Live::Failed(reason, newest) => {
                since_ms = since_ms.max(newest);
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
        let (fresh, failures) = poll_once(&fleet, &functions, &settings, since_ms, &now_ms).await;
        // Older records than the window asked for were handed on already.
        let fresh: Vec<LogRecord> = fresh
            .into_iter()
            .filter(|r| r.timestamp_ms >= since_ms && seen.fresh(r, Origin::Polled))
            .collect();
        if let Some(newest) = seen.newest() {
            since_ms = since_ms.max(newest);
            seen.forget_before(since_ms);
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

async fn poll_once(
    fleet: &Arc<dyn Fleet>,
    functions: &[Function],
    settings: &FollowSettings,
    since_ms: i64,
    now_ms: &impl Fn() -> i64,
) -> (Vec<LogRecord>, Vec<(String, FleetError)>) {
    let window = Window {
        start_ms: since_ms,
        end_ms: now_ms() + 1,
    };
    let pattern = settings.pattern.as_deref();
    read_logs(fleet.clone(), functions, window, pattern, 8, usize::MAX).await
}

enum Live {
    /// `on_event` asked to stop.
    Stopped,
    /// A session could not start or broke: why, and the newest record's time.
    Failed(String, i64),
}

/// Live Tail sessions, ten log groups each, per region. Records written between the history
/// read and the sessions' start are caught by one read once the sessions run.
async fn live(
    fleet: &Arc<dyn Fleet>,
    functions: &[Function],
    settings: &FollowSettings,
    seen: &mut Seen,
    now_ms: &impl Fn() -> i64,
    on_event: &mut impl FnMut(FollowEvent) -> bool,
) -> Live {
    let sessions = sessions(functions);
    let (sink, mut pages) = mpsc::unbounded_channel::<Vec<LogRecord>>();
    let (failed, mut failure) = mpsc::unbounded_channel::<FleetError>();
    let mut running = JoinSet::new();
    for group in &sessions {
        let (fleet, sink, failed) = (fleet.clone(), sink.clone(), failed.clone());
        let (group, pattern) = (group.clone(), settings.pattern.clone());
        running.spawn(async move {
            // A session that ends (after at most three hours) is followed by the next.
            loop {
                if let Err(e) = fleet.live_tail(&group, pattern.clone(), sink.clone()).await {
                    let _ = failed.send(e);
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }
    drop((sink, failed));
    let mut newest = settings.since_ms;
    let mut caught_up = false;
    let catch_up = tokio::time::sleep(Duration::from_secs(1));
    tokio::pin!(catch_up);
    let mut announced = false;
    loop {
        tokio::select! {
            // Records a session sent before it failed are handed on before the failure.
            biased;
            Some(page) = pages.recv() => {
                if !announced {
                    announced = true;
                    if !on_event(FollowEvent::Mode(FollowMode::LiveTail { sessions: sessions.len() })) {
                        return Live::Stopped;
                    }
                }
                let fresh: Vec<LogRecord> = page.into_iter().filter(|r| seen.fresh(r, Origin::Live)).collect();
                newest = fresh.iter().map(|r| r.timestamp_ms).fold(newest, i64::max);
                if !fresh.is_empty() && !on_event(FollowEvent::Records(fresh)) {
                    return Live::Stopped;
                }
            }
            Some(e) = failure.recv() => {
                running.abort_all();
                if let Some(n) = seen.newest() {
                    newest = newest.max(n);
                }
                return Live::Failed(e.to_string(), newest);
            }
            () = &mut catch_up, if !caught_up => {
                caught_up = true;
                if !announced {
                    announced = true;
                    if !on_event(FollowEvent::Mode(FollowMode::LiveTail { sessions: sessions.len() })) {
                        return Live::Stopped;
                    }
                }
                let (fresh, failures) = poll_once(fleet, functions, settings, settings.since_ms, now_ms).await;
                let fresh: Vec<LogRecord> = fresh.into_iter().filter(|r| seen.fresh(r, Origin::Polled)).collect();
                if !fresh.is_empty() && !on_event(FollowEvent::Records(fresh)) {
                    return Live::Stopped;
                }
                if !failures.is_empty() && !on_event(FollowEvent::Failures(failures)) {
                    return Live::Stopped;
                }
            }
            else => return Live::Failed("every live tail session ended".into(), newest),
        }
    }
}

/// Functions split into sessions: per region, at most [`LIVE_TAIL_GROUPS`] log groups each
/// (functions sharing a group stay in one session).
pub fn sessions(functions: &[Function]) -> Vec<Vec<Function>> {
    let mut by_group: BTreeMap<(&str, &str, &str), Vec<Function>> = BTreeMap::new();
    for f in functions {
        by_group
            .entry((&f.region, &f.account, &f.log_group))
            .or_default()
            .push(f.clone());
    }
    let mut sessions: Vec<(String, String, usize, Vec<Function>)> = Vec::new();
    for ((region, account, _), fs) in by_group {
        match sessions.last_mut() {
            Some((r, a, groups, members))
                if r == region && a == account && *groups < LIVE_TAIL_GROUPS =>
            {
                *groups += 1;
                members.extend(fs);
            }
            _ => sessions.push((region.to_owned(), account.to_owned(), 1, fs)),
        }
    }
    sessions.into_iter().map(|s| s.3).collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    Polled,
    Live,
}

/// Records handed on, by time: polled ones by event id, and all by content (stream and
/// message), since Live Tail events carry no id. A polled record repeats a polled one with its
/// id, or a live one with its content; a live record repeats a polled one with its content.
#[derive(Default)]
struct Seen {
    by_time: BTreeMap<i64, HashSet<(u8, u64)>>,
}

const ID: u8 = 0;
const POLLED: u8 = 1;
const LIVE: u8 = 2;

impl Seen {
    /// Whether `r` is new; it counts as seen from now on.
    fn fresh(&mut self, r: &LogRecord, origin: Origin) -> bool {
        let content = hash(&(&r.log_stream, &r.message));
        let keys = self.by_time.entry(r.timestamp_ms).or_default();
        let repeat = match origin {
            Origin::Polled => {
                keys.contains(&(ID, hash(&r.event_id))) || keys.contains(&(LIVE, content))
            }
            Origin::Live => keys.contains(&(POLLED, content)),
        };
        if !repeat {
            match origin {
                Origin::Polled => {
                    keys.insert((ID, hash(&r.event_id)));
                    keys.insert((POLLED, content));
                }
                Origin::Live => {
                    keys.insert((LIVE, content));
                }
            }
        }
        !repeat
    }

    fn newest(&self) -> Option<i64> {
        self.by_time.keys().next_back().copied()
    }

    fn forget_before(&mut self, t: i64) {
        self.by_time = self.by_time.split_off(&t);
    }
}

fn hash(value: &impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(t: i64, id: &str, message: &str) -> LogRecord {
        LogRecord {
            timestamp_ms: t,
            function: "f".into(),
            log_stream: "s".into(),
            event_id: id.into(),
            message: message.into(),
        }
    }

    #[test]
    fn a_record_is_handed_on_once_whichever_way_it_came() {
        let mut seen = Seen::default();
        assert!(seen.fresh(&record(1, "a", "x"), Origin::Polled));
        assert!(!seen.fresh(&record(1, "a", "x"), Origin::Polled));
        assert!(!seen.fresh(&record(1, "", "x"), Origin::Live));
        assert!(seen.fresh(&record(2, "", "y"), Origin::Live));
        assert!(!seen.fresh(&record(2, "b", "y"), Origin::Polled));
        // Two polled records with the same text are two records.
        assert!(seen.fresh(&record(3, "c", "z"), Origin::Polled));
        assert!(seen.fresh(&record(3, "d", "z"), Origin::Polled));
        seen.forget_before(3);
        assert_eq!(seen.by_time.len(), 1);
    }

    #[test]
    fn sessions_hold_ten_groups_of_one_region_and_keep_shared_groups_together() {
        let mut functions = Vec::new();
        for i in 0..23 {
            let mut f = Function::new(&format!("f{i:02}"), "arn", "eu-west-1");
            if i >= 20 {
                f.log_group = "/shared".into();
            }
            functions.push(f);
        }
        functions.push(Function::new("g", "arn", "us-east-1"));
        let s = sessions(&functions);
        let groups = |fs: &Vec<Function>| {
            let mut g: Vec<&str> = fs.iter().map(|f| f.log_group.as_str()).collect();
            g.dedup();
            g.len()
        };
        assert_eq!(s.iter().map(groups).collect::<Vec<_>>(), vec![10, 10, 1, 1]);
        assert_eq!(
            s[2].len(),
            3,
            "the shared group's three functions in one session"
        );
        assert_eq!(s[3][0].region, "us-east-1");
    }
}
