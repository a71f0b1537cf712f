//! The log path against CloudWatch Logs' documented behaviour (issue 14, findings 12, 13, 14
//! and 16), with `aws-smithy-mocks`: an older event ingested after a newer one was polled is
//! still read; the seconds between two Live Tail sessions are read back; a function never
//! invoked (no log group) is left out of a session instead of failing it; Live Tail group ARNs
//! take the partition of the function's ARN; the scan estimate spreads stored bytes over the
//! group's retention, not its whole life.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_cloudwatchlogs::operation::describe_log_groups::DescribeLogGroupsOutput;
use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput;
use aws_sdk_cloudwatchlogs::operation::start_live_tail::StartLiveTailError;
use aws_sdk_cloudwatchlogs::types::error::{InvalidParameterException, ResourceNotFoundException};
use aws_sdk_cloudwatchlogs::types::{FilteredLogEvent, LogGroup};
use aws_smithy_mocks::{MockResponse, Rule, mock};
use mfn_tui::analysis::latency::Window;
use mfn_tui::fleet::aws::AwsFleet;
use mfn_tui::fleet::follow::FollowMode;
use mfn_tui::fleet::reports::estimate_scan;
use mfn_tui::fleet::{Fleet, Function, Target};
use support::live_tail::{
    ACCOUNT, REGION, T0, every_group_exists, follow, follow_with, frame, function, stream_response,
    update,
};
use support::mocks::clients;

const STREAM: &str = "2026/11/28/[$LATEST]abc";

fn fleet_of(region: &str, logs: &[&Rule]) -> Arc<dyn Fleet> {
    Arc::new(AwsFleet::with_clients(
        vec![(Target::new(None, region), clients(&[], logs))],
        4,
    ))
}

fn event(id: &str, message: &str, t: i64) -> FilteredLogEvent {
    FilteredLogEvent::builder()
        .event_id(id)
        .log_stream_name(STREAM)
        .message(message)
        .timestamp(t)
        .build()
}

/// `FilterLogEvents` answering, on its `n`th call (from 1), `events(n)` from the asked start on.
fn filter_by_call(events: impl Fn(usize) -> Vec<FilteredLogEvent> + Send + Sync + 'static) -> Rule {
    let calls = AtomicUsize::new(0);
    mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events).then_compute_output(move |input| {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        let from = input.start_time().unwrap_or_default();
        let page = events(n)
            .into_iter()
            .filter(|e| e.timestamp().unwrap_or_default() >= from);
        FilterLogEventsOutput::builder()
            .set_events(Some(page.collect()))
            .build()
    })
}

fn messages(records: &[mfn_tui::fleet::LogRecord]) -> Vec<&str> {
    records.iter().map(|r| r.message.as_str()).collect()
}

#[tokio::test]
async fn polling_reads_an_older_event_ingested_after_a_newer_one_once() {
    let f = function("orders-prod-create", None);
    // The first poll sees the newer event; the older one is ingested after it.
    let filter = filter_by_call(|n| {
        let newer = event("e-newer", "newer", T0 + 10_000);
        if n == 1 {
            vec![newer]
        } else {
            vec![newer, event("e-late", "older, ingested late", T0 + 5_000)]
        }
    });
    let polls = filter.clone();
    let fleet = fleet_of(REGION, &[&filter]);

    let (records, _) = follow_with(fleet, vec![f], false, move |records, _| {
        records.len() >= 2 && polls.num_calls() >= 5
    })
    .await;

    assert_eq!(messages(&records), ["newer", "older, ingested late"]);
}

#[tokio::test]
async fn a_reopened_session_reads_back_what_came_between_the_sessions_once() {
    let f = function("orders-prod-create", None);
    let group = format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/orders-prod-create");
    let opened = Arc::new(AtomicUsize::new(0));
    let count = opened.clone();
    // Each session ends at once (its three hours are up); only the first streams a line.
    let start =
        mock!(aws_sdk_cloudwatchlogs::Client::start_live_tail).then_compute_response(move |_| {
            let mut frames = vec![frame("event", "sessionStart", serde_json::json!({}))];
            if count.fetch_add(1, Ordering::SeqCst) == 0 {
                let streamed = "streamed".to_owned();
                frames.push(update(&[(group.clone(), STREAM.into(), streamed, T0 + 10)]));
            }
            MockResponse::Http(stream_response(frames))
        });
    // The catch-up read when the sessions start finds nothing; what was written while no
    // session ran is there for every later read.
    let filter = filter_by_call(|n| {
        if n == 1 {
            Vec::new()
        } else {
            vec![event("e-gap", "written between sessions", T0 + 30_000)]
        }
    });
    let reads = filter.clone();
    let fleet = fleet_of(REGION, &[&start, &filter, &every_group_exists()]);

    let (records, modes) = follow(fleet, vec![f], move |records, _| {
        records
            .iter()
            .any(|r| r.message == "written between sessions")
            && reads.num_calls() >= 3
    })
    .await;

    assert_eq!(messages(&records), ["streamed", "written between sessions"]);
    assert!(
        modes
            .iter()
            .all(|m| matches!(m, FollowMode::LiveTail { .. })),
        "{modes:?}"
    );
}

#[tokio::test]
async fn a_function_never_invoked_is_left_out_of_the_session_instead_of_failing_it() {
    let invoked = function("orders-prod-create", None);
    let never = function("orders-prod-refund", None);
    let group = |f: &Function| format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{}", f.log_group);
    let (used_arn, never_arn) = (group(&invoked), group(&never));
    let only_used = invoked.log_group.clone();
    let describe =
        mock!(aws_sdk_cloudwatchlogs::Client::describe_log_groups).then_output(move || {
            DescribeLogGroupsOutput::builder()
                .log_groups(LogGroup::builder().log_group_name(&only_used).build())
                .build()
        });
    let asked = Arc::new(std::sync::Mutex::new(Vec::<Vec<String>>::new()));
    let seen = asked.clone();
    let start = mock!(aws_sdk_cloudwatchlogs::Client::start_live_tail).then_compute_response(
        move |input| {
            let groups = input.log_group_identifiers().to_vec();
            seen.lock().unwrap().push(groups.clone());
            if groups.contains(&never_arn) {
                // As CloudWatch Logs answers for a group that does not exist.
                return MockResponse::Error(StartLiveTailError::ResourceNotFoundException(
                    ResourceNotFoundException::builder()
                        .message("The specified log group does not exist.")
                        .build(),
                ));
            }
            let line = (used_arn.clone(), STREAM.into(), "created".into(), T0 + 10);
            MockResponse::Http(stream_response(vec![
                frame("event", "sessionStart", serde_json::json!({})),
                update(&[line]),
            ]))
        },
    );
    let filter = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
        .then_output(|| FilterLogEventsOutput::builder().build());
    let fleet = fleet_of(REGION, &[&describe, &start, &filter]);

    let (records, modes) = follow(fleet, vec![invoked, never], |records, _| {
        !records.is_empty()
    })
    .await;

    assert_eq!(messages(&records), ["created"]);
    assert!(
        matches!(modes[0], FollowMode::LiveTail { sessions: 1, .. }),
        "live tail, not polling: {modes:?}"
    );
    assert!(
        asked
            .lock()
            .unwrap()
            .iter()
            .flatten()
            .all(|g| !g.ends_with("orders-prod-refund")),
        "the group that does not exist is never asked for"
    );
}

#[tokio::test]
async fn live_tail_names_groups_in_the_partition_of_the_functions_arn() {
    let region = "cn-north-1";
    let arn = format!("arn:aws-cn:lambda:{region}:{ACCOUNT}:function:orders-cn-create");
    let mut f = Function::new("orders-cn-create", &arn, region);
    f.account = ACCOUNT.into();
    let start =
        mock!(aws_sdk_cloudwatchlogs::Client::start_live_tail).then_compute_response(|input| {
            let groups = input.log_group_identifiers();
            if !groups
                .iter()
                .all(|g| g.starts_with("arn:aws-cn:logs:cn-north-1:"))
            {
                return MockResponse::Error(StartLiveTailError::InvalidParameterException(
                    InvalidParameterException::builder()
                        .message(format!("not log groups of this partition: {groups:?}"))
                        .build(),
                ));
            }
            let line = (
                groups[0].clone(),
                STREAM.into(),
                "from china".into(),
                T0 + 10,
            );
            MockResponse::Http(stream_response(vec![
                frame("event", "sessionStart", serde_json::json!({})),
                update(&[line]),
            ]))
        });
    let filter = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
        .then_output(|| FilterLogEventsOutput::builder().build());
    let fleet = fleet_of(region, &[&start, &filter, &every_group_exists()]);

    let (records, modes) = follow(fleet, vec![f], |records, _| !records.is_empty()).await;

    assert_eq!(messages(&records), ["from china"]);
    assert!(matches!(modes[0], FollowMode::LiveTail { .. }), "{modes:?}");
}

#[tokio::test]
async fn a_one_day_window_of_an_old_group_with_thirty_days_retention_is_a_thirtieth_of_it() {
    let day = 86_400_000;
    let now = T0;
    let f = function("orders-prod-create", None);
    let name = f.log_group.clone();
    // Two years old, keeping 30 days: its 60 GB were written over the last 30 days.
    let describe =
        mock!(aws_sdk_cloudwatchlogs::Client::describe_log_groups).then_output(move || {
            DescribeLogGroupsOutput::builder()
                .log_groups(
                    LogGroup::builder()
                        .log_group_name(&name)
                        .stored_bytes(60_000_000_000)
                        .creation_time(now - 730 * day)
                        .retention_in_days(30)
                        .build(),
                )
                .build()
        });
    let fleet = fleet_of(REGION, &[&describe]);
    let window = Window {
        start_ms: now - day,
        end_ms: now,
    };

    let estimate = estimate_scan(fleet.as_ref(), &[f], window).await.unwrap();

    assert_eq!(
        estimate.bytes, 2_000_000_000,
        "60 GB over 30 days, one day read"
    );
    assert!(
        estimate.bytes > mfn_tui::config::Config::defaults().logs.confirm_scan_bytes,
        "over the confirmation threshold: the read asks first"
    );
}
