//! Following through Live Tail sessions (ten log groups each, per region): what a session
//! sends is handed on with whether it was sampled; a session that ends (after at most three
//! hours, or to take in new groups) is followed by the next, and the seconds between the two
//! are read back by polling; records written between the history read and the sessions' start
//! are caught by one read once the sessions run.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::analysis::latency::Window;
use crate::fleet::logs::read_logs;
use crate::fleet::{Fleet, FleetError, Function, LIVE_TAIL_GROUPS, LogRecord, TailUpdate};

use super::seen::{Origin, Seen};
use super::{Clock, FollowEvent, FollowMode, FollowSettings, OVERLAP_MS, poll_once};

/// How long after sessions open the history's tail is read again, and after a session reopens
/// its gap is read back (by then the new session streams).
const SETTLE: Duration = Duration::from_secs(1);

pub(super) enum Live {
    /// `on_event` asked to stop.
    Stopped,
    /// A session could not start or broke: why, and the newest record's time.
    Failed(String, i64),
}

/// What the session tasks tell the loop.
enum Session {
    /// An update of session `usize`.
    Update(usize, TailUpdate),
    /// What was read back between two sessions, and the reads that failed.
    ReadBack(Vec<LogRecord>, Vec<(String, FleetError)>),
    Failed(FleetError),
}

/// Follows `functions` through Live Tail until `on_event` stops it or a session fails.
pub(super) async fn follow(
    fleet: &Arc<dyn Fleet>,
    functions: &[Function],
    settings: &FollowSettings,
    seen: &mut Seen,
    now_ms: &Clock,
    on_event: &mut impl FnMut(FollowEvent) -> bool,
) -> Live {
    let groups = sessions(functions);
    let (told, mut tellings) = mpsc::unbounded_channel::<Session>();
    let mut running = JoinSet::new();
    for (i, group) in groups.iter().enumerate() {
        running.spawn(session(
            i,
            fleet.clone(),
            group.clone(),
            settings.pattern.clone(),
            told.clone(),
            now_ms.clone(),
        ));
    }
    drop(told);
    let mut sampled_by = vec![false; groups.len()];
    let mut shown_mode: Option<FollowMode> = None;
    let mut newest = settings.since_ms;
    let mut caught_up = false;
    let catch_up = tokio::time::sleep(SETTLE);
    tokio::pin!(catch_up);
    let mut announce = |sampled: bool, on_event: &mut dyn FnMut(FollowEvent) -> bool| {
        let mode = FollowMode::LiveTail {
            sessions: groups.len(),
            sampled,
        };
        if shown_mode.as_ref() == Some(&mode) {
            return true;
        }
        shown_mode = Some(mode.clone());
        on_event(FollowEvent::Mode(mode))
    };
    loop {
        let (fresh, failures) = tokio::select! {
            // Records a session sent before it failed are handed on before the failure.
            biased;
            Some(telling) = tellings.recv() => match telling {
                Session::Update(i, update) => {
                    sampled_by[i] = update.sampled;
                    if !announce(sampled_by.contains(&true), on_event) {
                        return Live::Stopped;
                    }
                    (keep_fresh(seen, update.records, Origin::Live), Vec::new())
                }
                Session::ReadBack(records, failures) => {
                    (keep_fresh(seen, records, Origin::Polled), failures)
                }
                Session::Failed(e) => {
                    running.abort_all();
                    return Live::Failed(e.to_string(), newest.max(seen.newest().unwrap_or(newest)));
                }
            },
            () = &mut catch_up, if !caught_up => {
                caught_up = true;
                if !announce(sampled_by.contains(&true), on_event) {
                    return Live::Stopped;
                }
                let from = settings.since_ms - OVERLAP_MS;
                let (records, failures) = poll_once(fleet, functions, settings, from, now_ms).await;
                (keep_fresh(seen, records, Origin::Polled), failures)
            }
            else => return Live::Failed("every live tail session ended".into(), newest),
        };
        if let Some(n) = seen.newest() {
            newest = newest.max(n);
            seen.forget_before(newest - OVERLAP_MS);
        }
        if !fresh.is_empty() && !on_event(FollowEvent::Records(fresh)) {
            return Live::Stopped;
        }
        if !failures.is_empty() && !on_event(FollowEvent::Failures(failures)) {
            return Live::Stopped;
        }
    }
}

fn keep_fresh(seen: &mut Seen, records: Vec<LogRecord>, origin: Origin) -> Vec<LogRecord> {
    records
        .into_iter()
        .filter(|r| seen.fresh(r, origin))
        .collect()
}

/// Session `i` over `group`, opened again each time it ends; after a reopening, what the group
/// received from [`super::OVERLAP`] before the end until now is read back.
async fn session(
    i: usize,
    fleet: Arc<dyn Fleet>,
    group: Vec<Function>,
    pattern: Option<String>,
    told: mpsc::UnboundedSender<Session>,
    now_ms: Clock,
) {
    let mut gap_from: Option<i64> = None;
    loop {
        let (sink, mut updates) = mpsc::unbounded_channel::<TailUpdate>();
        let streaming = fleet.live_tail(&group, pattern.clone(), sink);
        let forward = async {
            while let Some(update) = updates.recv().await {
                if told.send(Session::Update(i, update)).is_err() {
                    return;
                }
            }
        };
        let read_back = async {
            let Some(from) = gap_from else { return };
            tokio::time::sleep(SETTLE).await;
            let window = Window {
                start_ms: from,
                end_ms: now_ms() + 1,
            };
            let (records, failures) = read_logs(
                fleet.clone(),
                &group,
                window,
                pattern.as_deref(),
                4,
                usize::MAX,
            )
            .await;
            let _ = told.send(Session::ReadBack(records, failures));
        };
        let (ended, (), ()) = tokio::join!(streaming, forward, read_back);
        if let Err(e) = ended {
            let _ = told.send(Session::Failed(e));
            return;
        }
        gap_from = Some(now_ms() - OVERLAP_MS);
        tokio::time::sleep(SETTLE).await;
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

#[cfg(test)]
mod tests {
    use super::*;

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
