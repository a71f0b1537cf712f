//! Following logs through Live Tail, with `aws-smithy-mocks` answering `StartLiveTail` with a
//! recorded event stream: the emulator's Live Tail cannot be reached on loopback (the SDK sends
//! it to `stream-127.0.0.1`) and picks the wrong group when there are several, so the emulator
//! tests cover the polling path and these cover the stream.

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput;
use aws_sdk_cloudwatchlogs::types::FilteredLogEvent;
use aws_smithy_mocks::{MockResponse, mock};
use mfn_tui::fleet::aws::AwsFleet;
use mfn_tui::fleet::follow::FollowMode;
use mfn_tui::fleet::{Function, Target};
use support::live_tail::{
    ACCOUNT, REGION, T0, every_group_exists, follow, frame, function, stream_response, update,
    update_sampled,
};
use support::mocks::clients;

#[tokio::test]
async fn a_service_of_twelve_log_groups_streams_through_two_sessions_each_record_once() {
    // Eleven functions with their own groups, and two sharing a custom group with a third
    // function that is not followed: twelve groups, so two sessions.
    let mut functions: Vec<Function> = (0..11)
        .map(|i| function(&format!("orders-prod-f{i:02}"), None))
        .collect();
    functions.push(function("orders-prod-create", Some("/shared/orders")));
    functions.push(function("orders-prod-list", Some("/shared/orders")));
    let sessions_seen: Arc<Mutex<Vec<Vec<String>>>> = Arc::default();
    let seen = sessions_seen.clone();
    let start = mock!(aws_sdk_cloudwatchlogs::Client::start_live_tail).then_compute_response(
        move |input| {
            let groups = input.log_group_identifiers().to_vec();
            let mut opened = seen.lock().unwrap();
            opened.push(groups.clone());
            let mut frames = vec![frame("event", "sessionStart", serde_json::json!({}))];
            if opened.len() <= 2 {
                // The first session of each set streams one record per function.
                let mut events = Vec::new();
                for (i, group) in groups.iter().enumerate() {
                    let name = group.rsplit('/').next().unwrap().to_owned();
                    let t = T0 + 1_000 + i as i64;
                    if group.ends_with("/shared/orders") {
                        for f in [
                            "orders-prod-create",
                            "orders-prod-list",
                            "orders-prod-other",
                        ] {
                            let stream = format!("2026/11/28/{f}[$LATEST]abc");
                            events.push((group.clone(), stream, format!("hello from {f}"), t));
                        }
                    } else {
                        let stream = "2026/11/28/[$LATEST]abc".to_owned();
                        events.push((group.clone(), stream, format!("hello from {name}"), t));
                    }
                }
                frames.push(update(&events));
            } else {
                // Later sessions: the three-hour cap reached at once, so the next one opens.
                frames.push(frame(
                    "exception",
                    "SessionTimeoutException",
                    serde_json::json!({"message": "session timed out"}),
                ));
            }
            MockResponse::Http(stream_response(frames))
        },
    );
    let filter = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
        .then_output(|| FilterLogEventsOutput::builder().build());
    let clients = clients(&[], &[&start, &filter, &every_group_exists()]);
    let fleet = Arc::new(AwsFleet::with_clients(
        vec![(Target::new(None, REGION), clients)],
        4,
    ));

    let (opened, polls, n) = (sessions_seen.clone(), filter.clone(), functions.len());
    let (records, modes) = follow(fleet, functions.clone(), move |_, _| {
        // Both sessions reopened at least once, and the catch-up read done: anything repeated
        // by then would be in `records`.
        opened.lock().unwrap().len() >= 4 && polls.num_calls() >= n
    })
    .await;

    assert_eq!(
        modes,
        vec![FollowMode::LiveTail {
            sessions: 2,
            sampled: false
        }]
    );
    let opened = sessions_seen.lock().unwrap().clone();
    let mut firsts: Vec<usize> = opened[..2].iter().map(Vec::len).collect();
    firsts.sort();
    assert_eq!(
        firsts,
        vec![2, 10],
        "twelve groups in sessions of at most ten"
    );
    assert!(
        opened
            .iter()
            .flatten()
            .all(|g| g.starts_with(&format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:"))),
        "groups are named by ARN: {opened:?}"
    );
    let mut per_function: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &records {
        *per_function.entry(r.function.as_str()).or_default() += 1;
        assert_eq!(r.message, format!("hello from {}", r.function));
    }
    let expected: BTreeMap<&str, usize> = functions.iter().map(|f| (f.name.as_str(), 1)).collect();
    assert_eq!(
        per_function, expected,
        "every followed function once, the unfollowed one in the shared group left out"
    );
    assert!(
        filter.num_calls() >= functions.len(),
        "a catch-up read of each function after the sessions started (and read-backs after \
         each reopening): {}",
        filter.num_calls()
    );
}

#[tokio::test]
async fn a_broken_session_falls_back_to_polling_and_repeats_nothing() {
    let f = function("users-dev-login", None);
    let group = format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/users-dev-login");
    let stream = "2026/11/28/[$LATEST]abc".to_owned();
    let (g, s) = (group.clone(), stream.clone());
    let start =
        mock!(aws_sdk_cloudwatchlogs::Client::start_live_tail).then_http_response(move || {
            stream_response(vec![
                frame("event", "sessionStart", serde_json::json!({})),
                update(&[
                    (g.clone(), s.clone(), "one".into(), T0 + 10),
                    (g.clone(), s.clone(), "two".into(), T0 + 20),
                ]),
                frame(
                    "exception",
                    "SessionStreamingException",
                    serde_json::json!({"message": "the stream broke"}),
                ),
            ])
        });
    // Polling reads the two streamed records again (with event ids) and one new record.
    let event = |id: &str, message: &str, t: i64| {
        FilteredLogEvent::builder()
            .event_id(id)
            .log_stream_name(&stream)
            .message(message)
            .timestamp(t)
            .build()
    };
    let page = [
        event("e1", "one", T0 + 10),
        event("e2", "two", T0 + 20),
        event("e3", "three", T0 + 30),
    ];
    let filter = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events).then_compute_output(
        move |input| {
            let from = input.start_time().unwrap_or_default();
            let events = page
                .iter()
                .filter(|e| e.timestamp().unwrap_or_default() >= from);
            FilterLogEventsOutput::builder()
                .set_events(Some(events.cloned().collect()))
                .build()
        },
    );
    let clients = clients(&[], &[&start, &filter, &every_group_exists()]);
    let fleet = Arc::new(AwsFleet::with_clients(
        vec![(Target::new(None, REGION), clients)],
        4,
    ));

    let polls = filter.clone();
    let (records, modes) = follow(fleet, vec![f], move |_, modes| {
        modes.len() == 2 && polls.num_calls() >= 3
    })
    .await;

    let messages: Vec<&str> = records.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(messages, vec!["one", "two", "three"]);
    assert_eq!(
        modes[0],
        FollowMode::LiveTail {
            sessions: 1,
            sampled: false
        }
    );
    match &modes[1] {
        FollowMode::Polling { why: Some(why), .. } => {
            assert!(why.contains("StartLiveTail"), "{why}")
        }
        other => panic!("expected polling with a reason, got {other:?}"),
    }
}

#[tokio::test]
async fn a_sampled_update_is_announced_and_so_is_the_end_of_sampling() {
    let f = function("orders-prod-busy", None);
    let group = format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/orders-prod-busy");
    let stream = "2026/11/28/[$LATEST]abc".to_owned();
    let event = |message: &str, t: i64| (group.clone(), stream.clone(), message.to_owned(), t);
    let frames = vec![
        frame("event", "sessionStart", serde_json::json!({})),
        update_sampled(&[event("one of many", T0 + 10)], true),
        update_sampled(&[event("quiet again", T0 + 20)], false),
    ];
    let start = mock!(aws_sdk_cloudwatchlogs::Client::start_live_tail)
        .then_http_response(move || stream_response(frames.clone()));
    let filter = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
        .then_output(|| FilterLogEventsOutput::builder().build());
    let clients = clients(&[], &[&start, &filter, &every_group_exists()]);
    let fleet = Arc::new(AwsFleet::with_clients(
        vec![(Target::new(None, REGION), clients)],
        4,
    ));

    let (records, modes) = follow(fleet, vec![f], |records, _| records.len() >= 2).await;

    assert_eq!(records[0].message, "one of many");
    let sampled: Vec<bool> = modes
        .iter()
        .map(|m| match m {
            FollowMode::LiveTail { sampled, .. } => *sampled,
            other => panic!("live tail expected, got {other:?}"),
        })
        .collect();
    assert_eq!(sampled[..2], [true, false], "{modes:?}");
}
