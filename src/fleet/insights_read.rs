//! Reading a fleet's REPORT figures through Logs Insights: for each target, the log groups that
//! exist (a function never invoked has none, and naming it would fail a whole query), in
//! batches of up to 50 a query, a warm and a cold query per batch, several batches at once
//! (within the 30 concurrent queries a region allows; `StartQuery`'s own rate comes from the
//! budget), each answer row taken back to its function.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::analysis::insights::{self, GROUPS_PER_QUERY, InsightsFigures, Kind};
use crate::analysis::latency::Window;

use super::inventory::service_key;
use super::{Fleet, FleetError, Function, ServiceKey, Target};

/// Queries one target runs at once (Logs Insights allows 30 per account and region).
const QUERIES_AT_ONCE: usize = 10;

/// Figures computed by Logs Insights, per function and rolled up per service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InsightsLatency {
    pub by_function: BTreeMap<String, InsightsFigures>,
    pub by_service: BTreeMap<ServiceKey, InsightsFigures>,
    pub failures: Vec<(String, FleetError)>,
    pub bytes_scanned: f64,
    /// Queries run.
    pub queries: usize,
}

/// One batch's answers, by group and function: warm rows, cold rows.
type Rows = BTreeMap<(String, Option<String>), BTreeMap<String, String>>;

/// Asks Logs Insights for the warm and cold figures of `functions` over `window`.
pub async fn insights_latency(
    fleet: Arc<dyn Fleet>,
    functions: &[Function],
    window: Window,
) -> InsightsLatency {
    let mut out = InsightsLatency::default();
    let mut by_target: BTreeMap<Target, Vec<&Function>> = BTreeMap::new();
    for f in functions {
        by_target.entry(f.target.clone()).or_default().push(f);
    }
    let mut batches = JoinSet::new();
    let mut members: BTreeMap<Target, Vec<Function>> = BTreeMap::new();
    for (target, fs) in by_target {
        let mut groups: Vec<String> = fs.iter().map(|f| f.log_group.clone()).collect();
        groups.sort();
        groups.dedup();
        let existing = match fleet.log_group_sizes(&target, &groups).await {
            Ok(sizes) => sizes,
            Err(e) => {
                out.failures.push((format!("{target} log groups"), e));
                continue;
            }
        };
        groups.retain(|g| existing.contains_key(g));
        let permits = Arc::new(Semaphore::new(QUERIES_AT_ONCE));
        for batch in groups.chunks(GROUPS_PER_QUERY) {
            let (fleet, target, batch, permits) = (
                fleet.clone(),
                target.clone(),
                batch.to_vec(),
                permits.clone(),
            );
            batches.spawn(async move {
                let _permit = permits.acquire_owned().await.ok();
                let answer = read_batch(fleet.as_ref(), &target, &batch, window).await;
                (target, batch, answer)
            });
        }
        members.insert(target, fs.into_iter().cloned().collect());
    }
    while let Some(Ok((target, batch, answer))) = batches.join_next().await {
        let (warm, cold, bytes) = match answer {
            Ok(a) => a,
            Err(e) => {
                out.failures
                    .push((format!("{target} ({} log groups)", batch.len()), e));
                continue;
            }
        };
        out.queries += 2;
        out.bytes_scanned += bytes;
        for f in members.get(&target).into_iter().flatten() {
            let key = subject(f);
            if !batch.contains(&f.log_group) {
                continue;
            }
            let empty = BTreeMap::new();
            let figures = insights::figures(
                warm.get(&key).unwrap_or(&empty),
                cold.get(&key).unwrap_or(&empty),
            );
            out.by_function.insert(f.arn.clone(), figures);
        }
    }
    for f in functions {
        if let Some(figures) = out.by_function.get(&f.arn) {
            out.by_service
                .entry(service_key(f))
                .or_insert_with(|| InsightsFigures {
                    warm: None,
                    ..InsightsFigures::default()
                })
                .merge(figures);
        }
    }
    out
}

/// How a function's rows are named in an answer: its group, and its name if the group is
/// shared (its own group's streams do not name it).
fn subject(f: &Function) -> (String, Option<String>) {
    let own = f.log_group == format!("/aws/lambda/{}", f.name);
    (f.log_group.clone(), (!own).then(|| f.name.clone()))
}

/// The warm and cold answers of one batch of groups, and the bytes they scanned.
async fn read_batch(
    fleet: &dyn Fleet,
    target: &Target,
    groups: &[String],
    window: Window,
) -> Result<(Rows, Rows, f64), FleetError> {
    let (warm_query, cold_query) = (insights::query(Kind::Warm), insights::query(Kind::Cold));
    let (warm, cold) = tokio::join!(
        fleet.insights_query(target, groups, &warm_query, window),
        fleet.insights_query(target, groups, &cold_query, window),
    );
    let (warm, cold) = (warm?, cold?);
    let rows = |answer: &super::QueryAnswer| -> Rows {
        answer
            .rows
            .iter()
            .filter_map(|row| Some((insights::row_subject(row)?, row.clone())))
            .collect()
    };
    Ok((
        rows(&warm),
        rows(&cold),
        warm.bytes_scanned + cold.bytes_scanned,
    ))
}
