//! CloudWatch Logs Insights queries, and the stored size of log groups (for the scan estimate).

use std::collections::BTreeMap;

use super::budget::{Api, more_pages};
use super::clients::Clients;
use super::errors::classify;
use crate::analysis::latency::Window;
use crate::fleet::FleetError;
use crate::fleet::{LogGroupSize, QueryAnswer};

/// How long a Logs Insights query may run before it counts as failed.
const QUERY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(600);
const POLL: std::time::Duration = std::time::Duration::from_millis(500);

/// Starts a Logs Insights query and polls for its answer.
pub async fn insights_query(
    clients: &Clients,
    log_groups: &[String],
    query: &str,
    window: Window,
) -> Result<QueryAnswer, FleetError> {
    use aws_sdk_cloudwatchlogs::types::QueryStatus;
    if log_groups.len() > 50 {
        return Err(FleetError::Config(format!(
            "Logs Insights takes at most 50 log groups in a query, not {}: name fewer functions",
            log_groups.len()
        )));
    }
    clients.turn(Api::StartQuery).await;
    let started = clients
        .logs
        .start_query()
        .set_log_group_names(Some(log_groups.to_vec()))
        .start_time(window.start_ms / 1000)
        .end_time((window.end_ms + 999) / 1000)
        .query_string(query)
        .send()
        .await
        .map_err(|e| classify("logs", "StartQuery", &e))?;
    let id = started.query_id().unwrap_or_default().to_owned();
    // A query nobody reads any more (the reader gave up, the deadline passed) is stopped: it
    // would go on scanning, and billing, and hold one of the region's 30 query slots.
    let mut running = Running {
        clients: clients.clone(),
        id: id.clone(),
        finished: false,
    };
    let deadline = tokio::time::Instant::now() + QUERY_DEADLINE;
    loop {
        clients.turn(Api::QueryResults).await;
        let out = clients
            .logs
            .get_query_results()
            .query_id(&id)
            .send()
            .await
            .map_err(|e| classify("logs", "GetQueryResults", &e))?;
        if matches!(
            out.status(),
            Some(
                QueryStatus::Complete
                    | QueryStatus::Failed
                    | QueryStatus::Cancelled
                    | QueryStatus::Timeout
            )
        ) {
            running.finished = true;
        }
        match out.status() {
            Some(QueryStatus::Complete) => {
                return Ok(QueryAnswer {
                    rows: out
                        .results()
                        .iter()
                        .map(|row| {
                            row.iter()
                                .filter_map(|f| {
                                    Some((f.field()?.to_owned(), f.value()?.to_owned()))
                                })
                                .collect()
                        })
                        .collect(),
                    bytes_scanned: out.statistics().map_or(0.0, |s| s.bytes_scanned()),
                });
            }
            Some(QueryStatus::Failed | QueryStatus::Cancelled | QueryStatus::Timeout) => {
                return Err(FleetError::Service {
                    operation: "Logs Insights query".into(),
                    message: format!("it ended {:?}", out.status()),
                });
            }
            _ if tokio::time::Instant::now() > deadline => {
                return Err(FleetError::Service {
                    operation: "Logs Insights query".into(),
                    message: "no answer within 10 minutes".into(),
                });
            }
            _ => tokio::time::sleep(POLL).await,
        }
    }
}

/// A started query, stopped with `StopQuery` when dropped before it finished.
struct Running {
    clients: Clients,
    id: String,
    finished: bool,
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (clients, id) = (self.clients.clone(), std::mem::take(&mut self.id));
        runtime.spawn(async move {
            clients.turn(Api::QueryResults).await;
            if let Err(e) = clients.logs.stop_query().query_id(&id).send().await {
                tracing::warn!(query = %id, error = %classify("logs", "StopQuery", &e), "a Logs Insights query could not be stopped");
            }
        });
    }
}

/// Groups named one at a time below this many; from here on, every group under Lambda's
/// prefix is listed (50 a page) instead: far fewer calls for a fleet.
const LIST_FROM: usize = 8;

/// The stored bytes and creation time of each of `log_groups` that exists.
pub async fn group_sizes(
    clients: &Clients,
    log_groups: &[String],
) -> Result<BTreeMap<String, LogGroupSize>, FleetError> {
    let mut sizes = BTreeMap::new();
    let (standard, custom): (Vec<&String>, Vec<&String>) = log_groups
        .iter()
        .partition(|g| g.starts_with(LAMBDA_PREFIX) && log_groups.len() >= LIST_FROM);
    if !standard.is_empty() {
        let listed = describe(clients, LAMBDA_PREFIX).await?;
        let wanted: std::collections::BTreeSet<&str> =
            standard.iter().map(|g| g.as_str()).collect();
        sizes.extend(
            listed
                .into_iter()
                .filter(|(n, _)| wanted.contains(n.as_str())),
        );
    }
    for group in custom {
        if let Some(size) = describe(clients, group).await?.remove(group) {
            sizes.insert(group.clone(), size);
        }
    }
    Ok(sizes)
}

const LAMBDA_PREFIX: &str = "/aws/lambda/";

/// Every log group whose name starts with `prefix`, with its size.
async fn describe(
    clients: &Clients,
    prefix: &str,
) -> Result<BTreeMap<String, LogGroupSize>, FleetError> {
    let mut pages = clients
        .logs
        .describe_log_groups()
        .log_group_name_prefix(prefix)
        .into_paginator()
        .send();
    let mut sizes = BTreeMap::new();
    let mut more = true;
    while more
        && let Some(page) = {
            clients.turn(Api::DescribeLogs).await;
            pages.next().await
        }
    {
        let page = page.map_err(|e| classify("logs", "DescribeLogGroups", &e))?;
        more = more_pages(page.next_token());
        for g in page.log_groups() {
            let Some(name) = g.log_group_name() else {
                continue;
            };
            sizes.insert(
                name.to_owned(),
                LogGroupSize {
                    stored_bytes: g.stored_bytes().unwrap_or(0).max(0) as u64,
                    created_ms: g.creation_time().unwrap_or(0),
                    retention_days: g.retention_in_days(),
                },
            );
        }
    }
    Ok(sizes)
}
