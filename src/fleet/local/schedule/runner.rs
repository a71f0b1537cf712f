//! Runs a fleet's schedules: each enabled schedule invokes its function asynchronously at each
//! firing with the event EventBridge sends, while the fleet's schedules are not paused (a flag
//! in the state, so `mfn-tui --local DIR schedules pause` reaches a running `serve`).

use std::sync::{Arc, Weak};
use std::time::Duration;

use hyper::body::Bytes;
use serde_json::json;

use super::Schedule;
use crate::fleet::local::fleet::{LOCAL_ACCOUNT, LocalFleet};

/// One schedule of one function, and when it fires next.
struct Due {
    function: String,
    region: String,
    rule: String,
    schedule: Schedule,
    next_ms: Option<i64>,
}

/// Starts firing `fleet`'s schedules; the task ends with the fleet.
pub fn start(fleet: &Arc<LocalFleet>) {
    let origin = crate::clock::now_ms();
    let mut due: Vec<Due> = Vec::new();
    for f in fleet.functions.values() {
        let schedules = f.def.triggers.iter().filter_map(|t| t.schedule.as_ref());
        for (i, schedule) in schedules.enumerate() {
            if schedule.enabled {
                due.push(Due {
                    function: f.def.name.clone(),
                    region: f.region.clone(),
                    rule: format!("{}-schedule-{}", f.def.name, i + 1),
                    next_ms: schedule.next_after(origin, origin),
                    schedule: schedule.clone(),
                });
            }
        }
    }
    if due.is_empty() {
        return;
    }
    let weak = Arc::downgrade(fleet);
    tokio::spawn(run(weak, due, origin));
}

async fn run(fleet: Weak<LocalFleet>, mut due: Vec<Due>, origin: i64) {
    loop {
        let now = crate::clock::now_ms();
        let Some(soonest) = due.iter().filter_map(|d| d.next_ms).min() else {
            return;
        };
        // Wakes at least every second, so the task ends soon after the fleet.
        let wait = (soonest - now).clamp(0, 1_000) as u64;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        let Some(fleet) = fleet.upgrade() else { return };
        let now = crate::clock::now_ms();
        for d in due
            .iter_mut()
            .filter(|d| d.next_ms.is_some_and(|t| t <= now))
        {
            let fired = d.next_ms.unwrap_or(now);
            d.next_ms = d.schedule.next_after(now, origin);
            if fleet.schedules_paused() {
                continue;
            }
            let payload = event(d, fired);
            let (fleet, name) = (fleet.clone(), d.function.clone());
            tokio::spawn(async move {
                if let Err(e) = fleet.call(&name, None, payload).await {
                    tracing::warn!(function = %name, error = %e, "a scheduled invocation did not run");
                }
            });
        }
    }
}

/// What EventBridge sends for a firing at `fired_ms`: the schedule's `input`, else its
/// scheduled event.
fn event(d: &Due, fired_ms: i64) -> Bytes {
    if let Some(input) = &d.schedule.input {
        return Bytes::from(input.to_string());
    }
    let time = crate::units::iso_time(fired_ms);
    let time = format!("{}Z", &time[..19]);
    Bytes::from(
        json!({
            "version": "0",
            "id": uuid::Uuid::new_v4().to_string(),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": LOCAL_ACCOUNT,
            "time": time,
            "region": d.region,
            "resources": [format!("arn:aws:events:{}:{LOCAL_ACCOUNT}:rule/{}", d.region, d.rule)],
            "detail": {},
        })
        .to_string(),
    )
}
