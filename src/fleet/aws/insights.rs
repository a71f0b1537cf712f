//! CloudWatch Logs Insights queries, and the stored size of log groups (for the scan estimate).

use super::errors::classify;
use crate::analysis::latency::Window;
use crate::fleet::FleetError;
use crate::fleet::{LogGroupSize, QueryAnswer};

/// How long a Logs Insights query may run before it counts as failed.
const QUERY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(600);
const POLL: std::time::Duration = std::time::Duration::from_millis(500);

/// Starts a Logs Insights query and polls for its answer.
pub async fn insights_query(
    logs: &aws_sdk_cloudwatchlogs::Client,
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
    let started = logs
        .start_query()
        .set_log_group_names(Some(log_groups.to_vec()))
        .start_time(window.start_ms / 1000)
        .end_time((window.end_ms + 999) / 1000)
        .query_string(query)
        .send()
        .await
        .map_err(|e| classify("logs", "StartQuery", &e))?;
    let id = started.query_id().unwrap_or_default().to_owned();
    let deadline = tokio::time::Instant::now() + QUERY_DEADLINE;
    loop {
        let out = logs
            .get_query_results()
            .query_id(&id)
            .send()
            .await
            .map_err(|e| classify("logs", "GetQueryResults", &e))?;
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

/// The stored bytes and creation time of `log_group`, `None` if it does not exist.
pub async fn group_size(
    logs: &aws_sdk_cloudwatchlogs::Client,
    log_group: &str,
) -> Result<Option<LogGroupSize>, FleetError> {
    let out = logs
        .describe_log_groups()
        .log_group_name_prefix(log_group)
        .send()
        .await
        .map_err(|e| classify("logs", "DescribeLogGroups", &e))?;
    Ok(out
        .log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(log_group))
        .map(|g| LogGroupSize {
            stored_bytes: g.stored_bytes().unwrap_or(0).max(0) as u64,
            created_ms: g.creation_time().unwrap_or(0),
            retention_days: g.retention_in_days(),
        }))
}
