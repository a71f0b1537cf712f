//! CloudWatch Logs: a function's REPORT records over a window, page by page.

use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;

use super::budget::{Api, more_pages};
use super::clients::Clients;
use super::errors::classify;
use crate::analysis::latency::Window;
use crate::fleet::{FleetError, Function};
use crate::fleet::{LogRecord, LogSink};
use crate::fleet::{ReportBatch, ReportSink};

/// Both formats' REPORT records; events matching neither are never sent by the service.
use crate::analysis::report::FILTER_PATTERN as REPORT_PATTERN;

/// One page of a function's own events (in a shared group, other functions' are left out), and
/// the message bytes the page held.
struct Page {
    events: Vec<LogRecord>,
    bytes: u64,
}

/// Pages `FilterLogEvents` over `function`'s log group, handing each page to `on_page` until it
/// returns false. A log group that does not exist (a function never invoked) has no events.
async fn pages(
    clients: &Clients,
    function: &Function,
    window: Window,
    pattern: Option<&str>,
    page_size: Option<i32>,
    mut on_page: impl FnMut(Page) -> bool,
) -> Result<(), FleetError> {
    let own_stream = StreamFilter::for_function(function);
    let mut pages = clients
        .logs
        .filter_log_events()
        .log_group_name(&function.log_group)
        .start_time(window.start_ms)
        .end_time(window.end_ms)
        .set_filter_pattern(pattern.map(str::to_owned))
        .set_limit(page_size)
        .into_paginator()
        .send();
    let mut more = true;
    while more
        && let Some(page) = {
            clients.turn(Api::FilterLogEvents).await;
            pages.next().await
        }
    {
        let page = match page {
            Ok(page) => page,
            Err(e) if e.code() == Some("ResourceNotFoundException") => return Ok(()),
            Err(e) => return Err(classify("logs", "FilterLogEvents", &e)),
        };
        more = more_pages(page.next_token());
        let mut out = Page {
            events: Vec::with_capacity(page.events().len()),
            bytes: 0,
        };
        for event in page.events() {
            let message = event.message().unwrap_or_default();
            out.bytes += message.len() as u64;
            let stream = event.log_stream_name().unwrap_or_default();
            if !own_stream.keeps(stream) {
                continue;
            }
            out.events.push(LogRecord {
                timestamp_ms: event.timestamp().unwrap_or(window.start_ms),
                function: function.name.clone(),
                log_stream: stream.to_owned(),
                event_id: event.event_id().unwrap_or_default().to_owned(),
                message: message.to_owned(),
            });
        }
        if !on_page(out) {
            return Ok(());
        }
    }
    Ok(())
}

/// Streams `function`'s REPORT records in `window` to `sink`.
pub async fn reports(
    clients: &Clients,
    function: &Function,
    window: Window,
    sink: ReportSink,
) -> Result<(), FleetError> {
    pages(
        clients,
        function,
        window,
        Some(REPORT_PATTERN),
        None,
        |page| {
            let lines = page
                .events
                .iter()
                .map(|e| (e.timestamp_ms, e.message.as_str()));
            sink.send(ReportBatch::from_lines(&function.arn, lines, page.bytes))
                .is_ok()
        },
    )
    .await
}

/// Streams `function`'s log events in `window` (matching `pattern`) to `sink`.
pub async fn events(
    clients: &Clients,
    function: &Function,
    window: Window,
    pattern: Option<&str>,
    page_size: Option<i32>,
    sink: LogSink,
) -> Result<(), FleetError> {
    pages(clients, function, window, pattern, page_size, |page| {
        sink.send(page.events).is_ok()
    })
    .await
}

/// In a custom log group several functions may share, a function's streams are named
/// `YYYY/MM/DD/FUNCTION[VERSION]GUID`; in its own group every stream is its.
pub(super) struct StreamFilter {
    marker: Option<String>,
}

impl StreamFilter {
    pub(super) fn for_function(f: &Function) -> StreamFilter {
        let own_group = f.log_group == format!("/aws/lambda/{}", f.name);
        StreamFilter {
            marker: (!own_group).then(|| format!("/{}[", f.name)),
        }
    }

    pub(super) fn keeps(&self, stream: &str) -> bool {
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
