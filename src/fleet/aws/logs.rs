//! CloudWatch Logs: a function's REPORT records over a window, page by page.

use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;

use super::errors::classify;
use crate::analysis::latency::Window;
use crate::analysis::report;
use crate::fleet::reports::{LogGroupSize, ReportBatch, ReportSink, TimedReport};
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
