//! CloudWatch Logs Live Tail: one `StartLiveTail` session over up to ten log groups, its events
//! handed on as they stream in.

use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;

use super::errors::classify;
use super::logs::StreamFilter;
use crate::fleet::{FleetError, Function};
use crate::fleet::{LogRecord, LogSink};

/// Streams what `functions`' log groups receive until the session ends (`Ok`) or fails.
pub async fn live_tail(
    logs: &aws_sdk_cloudwatchlogs::Client,
    functions: &[Function],
    pattern: Option<String>,
    sink: LogSink,
) -> Result<(), FleetError> {
    let mut arns: Vec<String> = functions.iter().map(group_arn).collect();
    arns.sort();
    arns.dedup();
    let mut session = logs
        .start_live_tail()
        .set_log_group_identifiers(Some(arns))
        .set_log_event_filter_pattern(pattern)
        .send()
        .await
        .map_err(|e| classify("logs", "StartLiveTail", &e))?;
    let owners: Vec<(&Function, StreamFilter)> = functions
        .iter()
        .map(|f| (f, StreamFilter::for_function(f)))
        .collect();
    loop {
        let update = match session.response_stream.recv().await {
            Ok(Some(StartLiveTailResponseStream::SessionUpdate(update))) => update,
            Ok(Some(_)) => continue,
            Ok(None) => return Ok(()),
            // A session lasts at most three hours; the caller opens the next one.
            Err(e) if is_timeout(&e) => return Ok(()),
            Err(e) => return Err(classify("logs", "StartLiveTail", &e)),
        };
        let mut records = Vec::with_capacity(update.session_results().len());
        for event in update.session_results() {
            let group = group_name(event.log_group_identifier().unwrap_or_default());
            let stream = event.log_stream_name().unwrap_or_default();
            let owner = owners
                .iter()
                .find(|(f, filter)| f.log_group == group && filter.keeps(stream));
            let Some((function, _)) = owner else { continue };
            records.push(LogRecord {
                timestamp_ms: event.timestamp().unwrap_or_default(),
                function: function.name.clone(),
                log_stream: stream.to_owned(),
                // Live Tail events carry no event id.
                event_id: String::new(),
                message: event.message().unwrap_or_default().to_owned(),
            });
        }
        if !records.is_empty() && sink.send(records).is_err() {
            return Ok(());
        }
    }
}

fn is_timeout<R>(
    e: &aws_sdk_cloudwatchlogs::error::SdkError<
        aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError,
        R,
    >,
) -> bool {
    matches!(
        e.as_service_error(),
        Some(aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError::SessionTimeoutException(_))
    )
}

/// Live Tail names log groups by ARN.
fn group_arn(f: &Function) -> String {
    format!(
        "arn:aws:logs:{}:{}:log-group:{}",
        f.region, f.account, f.log_group
    )
}

/// A log group's name from the identifier an event carries (a name or an ARN).
fn group_name(identifier: &str) -> &str {
    let identifier = identifier.strip_suffix(":*").unwrap_or(identifier);
    identifier
        .split_once(":log-group:")
        .map_or(identifier, |(_, name)| name)
}

/// The SDK sends Live Tail to `stream-HOST`; with an IP address for a host there is no such
/// name, so such an endpoint (an emulator on loopback) cannot stream.
pub fn endpoint_can_stream(endpoint_url: Option<&str>) -> bool {
    let Some(url) = endpoint_url else { return true };
    let host = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?'])
        .next()
        .unwrap_or_default();
    let host = if host.starts_with('[') {
        host.split(']')
            .next()
            .unwrap_or_default()
            .trim_start_matches('[')
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    host.parse::<std::net::IpAddr>().is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_name_their_group_by_name_or_arn() {
        assert_eq!(group_name("/aws/lambda/f"), "/aws/lambda/f");
        assert_eq!(
            group_name("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f:*"),
            "/aws/lambda/f"
        );
        assert_eq!(
            group_name("arn:aws:logs:eu-west-1:123456789012:log-group:/shared/orders"),
            "/shared/orders"
        );
    }

    #[test]
    fn an_ip_endpoint_cannot_take_the_stream_prefix() {
        assert!(endpoint_can_stream(None));
        assert!(endpoint_can_stream(Some("https://logs.example.com")));
        assert!(endpoint_can_stream(Some("http://localhost:4566")));
        assert!(!endpoint_can_stream(Some("http://127.0.0.1:5000")));
        assert!(!endpoint_can_stream(Some("http://[::1]:5000/")));
    }
}
