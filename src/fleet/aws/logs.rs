//! CloudWatch Logs: a function's REPORT records over a window, page by page.

use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;

use super::errors::classify;
use crate::analysis::latency::Window;
use crate::analysis::report;
use crate::fleet::reports::{LogGroupSize, QueryAnswer, ReportBatch, ReportSink, TimedReport};
use crate::fleet::{FleetError, Function};

/// Both formats' REPORT records; events matching neither are never sent by the service.
const REPORT_PATTERN: &str = "?\"REPORT RequestId\" ?\"platform.report\"";

/// Streams `function`'s REPORT records in `window` to `sink`. A log group that does not exist
/// (a function never invoked) has no records; that is not an error.
pub async fn reports(
    logs: &aws_sdk_cloudwatchlogs::Client,
    function: &Function,
    window: Window,
    sink: ReportSink,
) -> Result<(), FleetError> {
    let own_stream = StreamFilter::for_function(function);
    let mut pages = logs
        .filter_log_events()
        .log_group_name(&function.log_group)
        .start_time(window.start_ms)
        .end_time(window.end_ms)
        .filter_pattern(REPORT_PATTERN)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(e) if e.code() == Some("ResourceNotFoundException") => return Ok(()),
            Err(e) => return Err(classify("logs", "FilterLogEvents", &e)),
        };
        let mut batch = ReportBatch {
            function_arn: function.arn.clone(),
            reports: Vec::new(),
            bytes_scanned: 0,
        };
        for event in page.events() {
            let message = event.message().unwrap_or_default();
            batch.bytes_scanned += message.len() as u64;
            if !own_stream.keeps(event.log_stream_name().unwrap_or_default()) {
                continue;
            }
            if let Some(report) = report::parse(message) {
                batch.reports.push(TimedReport {
                    timestamp_ms: event.timestamp().unwrap_or(window.start_ms),
                    report,
                });
            }
        }
        if sink.send(batch).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

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
        }))
}

/// In a custom log group several functions may share, a function's streams are named
/// `YYYY/MM/DD/FUNCTION[VERSION]GUID`; in its own group every stream is its.
struct StreamFilter {
    marker: Option<String>,
}

impl StreamFilter {
    fn for_function(f: &Function) -> StreamFilter {
        let own_group = f.log_group == format!("/aws/lambda/{}", f.name);
        StreamFilter {
            marker: (!own_group).then(|| format!("/{}[", f.name)),
        }
    }

    fn keeps(&self, stream: &str) -> bool {
        self.marker
            .as_ref()
            .is_none_or(|m| stream.contains(m.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_a_shared_group_only_the_functions_own_streams_are_kept() {
        let mut f = Function::new(
            "orders-prod-create",
            "arn:aws:lambda:r:1:function:orders-prod-create",
            "r",
        );
        assert!(StreamFilter::for_function(&f).keeps("2026/11/28/[$LATEST]abcdef"));
        f.log_group = "/shared/orders".into();
        let filter = StreamFilter::for_function(&f);
        assert!(filter.keeps("2026/11/28/orders-prod-create[$LATEST]abcdef"));
        assert!(filter.keeps("2026/11/28/orders-prod-create[3]abcdef"));
        assert!(!filter.keeps("2026/11/28/orders-prod-create-v2[$LATEST]abcdef"));
        assert!(!filter.keeps("2026/11/28/orders-prod-list[$LATEST]abcdef"));
    }
}
