//! CloudWatch Logs Live Tail: one `StartLiveTail` session over up to ten log groups, its events
//! handed on as they stream in with whether the service sampled them. Groups that do not exist
//! yet (a function never invoked) are left out of the session instead of failing it, and the
//! session is renewed now and then to take them in once they exist; group ARNs carry the
//! partition of the function's own ARN (`aws-cn`, `aws-us-gov`).

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;

use super::errors::classify;
use super::logs::StreamFilter;
use crate::fleet::{FleetError, Function};
use crate::fleet::{LogRecord, TailSink, TailUpdate};

/// How long a session that left groups out runs before it is renewed, to take in the groups
/// created meanwhile (what they received in between is read back by the caller).
const RENEW_WITH_MISSING: Duration = Duration::from_secs(120);

/// Streams what `functions`' log groups receive until the session ends (`Ok`) or fails.
pub async fn live_tail(
    logs: &aws_sdk_cloudwatchlogs::Client,
    functions: &[Function],
    pattern: Option<String>,
    sink: TailSink,
) -> Result<(), FleetError> {
    let groups: BTreeSet<&str> = functions.iter().map(|f| f.log_group.as_str()).collect();
    let existing = existing_groups(logs, &groups).await;
    let (followed, missing): (Vec<&Function>, Vec<&Function>) = functions
        .iter()
        .partition(|f| existing.as_ref().is_none_or(|e| e.contains(&f.log_group)));
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|f| f.name.as_str()).collect();
        tracing::info!(
            ?names,
            "no log group yet (never invoked): left out of live tail"
        );
    }
    if followed.is_empty() {
        // Nothing to stream yet: the caller opens the next session, which looks again.
        tokio::time::sleep(RENEW_WITH_MISSING).await;
        return Ok(());
    }
    let mut arns: Vec<String> = followed.iter().map(|f| group_arn(f)).collect();
    arns.sort();
    arns.dedup();
    let mut session = logs
        .start_live_tail()
        .set_log_group_identifiers(Some(arns))
        .set_log_event_filter_pattern(pattern)
        .send()
        .await
        .map_err(|e| classify("logs", "StartLiveTail", &e))?;
    let owners: Vec<(&Function, StreamFilter)> = followed
        .iter()
        .map(|f| (*f, StreamFilter::for_function(f)))
        .collect();
    let renew = async {
        if missing.is_empty() {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(RENEW_WITH_MISSING).await;
    };
    tokio::pin!(renew);
    loop {
        let received = tokio::select! {
            r = session.response_stream.recv() => r,
            () = &mut renew => return Ok(()),
        };
        let update = match received {
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
        let sampled = update.session_metadata().is_some_and(|m| m.sampled());
        if (sampled || !records.is_empty()) && sink.send(TailUpdate { records, sampled }).is_err() {
            return Ok(());
        }
    }
}

/// Which of `groups` exist; `None` when that cannot be told (then every group is tried).
async fn existing_groups(
    logs: &aws_sdk_cloudwatchlogs::Client,
    groups: &BTreeSet<&str>,
) -> Option<BTreeSet<String>> {
    let asked = logs
        .describe_log_groups()
        .set_log_group_identifiers(Some(groups.iter().map(|g| (*g).to_owned()).collect()))
        .send()
        .await;
    match asked {
        Ok(out) => Some(
            out.log_groups()
                .iter()
                .filter_map(|g| g.log_group_name().map(str::to_owned))
                .collect(),
        ),
        Err(e) => {
            let e = classify("logs", "DescribeLogGroups", &e);
            tracing::info!(error = %e, "cannot tell which log groups exist; live tail tries all");
            None
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

/// Live Tail names log groups by ARN, in the partition of the function's own ARN.
fn group_arn(f: &Function) -> String {
    let partition = f
        .arn
        .strip_prefix("arn:")
        .and_then(|rest| rest.split(':').next())
        .filter(|p| !p.is_empty())
        .unwrap_or("aws");
    format!(
        "arn:{partition}:logs:{}:{}:log-group:{}",
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
    fn a_groups_arn_is_in_the_partition_of_its_functions() {
        let mut f = Function::new(
            "orders",
            "arn:aws-cn:lambda:cn-north-1:123456789012:function:orders",
            "cn-north-1",
        );
        f.account = "123456789012".into();
        assert_eq!(
            group_arn(&f),
            "arn:aws-cn:logs:cn-north-1:123456789012:log-group:/aws/lambda/orders"
        );
        f.arn = "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:orders".into();
        assert!(group_arn(&f).starts_with("arn:aws-us-gov:logs:"));
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
