//! Following logs through Live Tail, with `aws-smithy-mocks` answering `StartLiveTail` with a
//! recorded event stream: the emulator's Live Tail cannot be reached on loopback (the SDK sends
//! it to `stream-127.0.0.1`) and picks the wrong group when there are several, so the emulator
//! tests cover the polling path and these cover the stream.

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput;
use aws_sdk_cloudwatchlogs::types::FilteredLogEvent;
use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_mocks::{MockResponse, mock};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use mfn_tui::fleet::LogRecord;
use mfn_tui::fleet::aws::AwsFleet;
use mfn_tui::fleet::follow::{FollowEvent, FollowMode, FollowSettings, follow_logs};
use mfn_tui::fleet::{Fleet, Function, Target};
use support::mocks::clients;

const REGION: &str = "eu-west-1";
const ACCOUNT: &str = "123456789012";
const T0: i64 = 1_795_860_000_000;

fn function(name: &str, group: Option<&str>) -> Function {
    let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}");
    let mut f = Function::new(name, &arn, REGION);
    f.account = ACCOUNT.into();
    if let Some(g) = group {
        f.log_group = g.into();
    }
    f
}

/// One event-stream frame of the kind `kind` (`sessionStart`, `sessionUpdate`, or an exception).
fn frame(message_type: &str, kind: &str, payload: serde_json::Value) -> Vec<u8> {
    let type_header = if message_type == "event" {
        ":event-type"
    } else {
        ":exception-type"
    };
    let message = Message::new(payload.to_string().into_bytes())
        .add_header(Header::new(
            ":message-type",
            HeaderValue::String(message_type.to_owned().into()),
        ))
        .add_header(Header::new(
            type_header,
            HeaderValue::String(kind.to_owned().into()),
        ))
        .add_header(Header::new(
            ":content-type",
            HeaderValue::String("application/json".into()),
        ));
    let mut out = Vec::new();
    write_message_to(&message, &mut out).expect("a frame encodes");
    out
}

fn stream_response(frames: Vec<Vec<u8>>) -> HttpResponse {
    let mut response = HttpResponse::new(
        StatusCode::try_from(200).unwrap(),
        SdkBody::from(frames.concat()),
    );
    response
        .headers_mut()
        .insert("content-type", "application/vnd.amazon.eventstream");
    response
}

/// A session update with one event a stream: `(group ARN, stream, message, timestamp)`.
fn update(events: &[(String, String, String, i64)]) -> Vec<u8> {
    let results: Vec<serde_json::Value> = events
        .iter()
        .map(|(group, stream, message, t)| {
            serde_json::json!({
                "logGroupIdentifier": group,
                "logStreamName": stream,
                "message": message,
                "timestamp": t,
                "ingestionTime": t + 5,
            })
        })
        .collect();
    frame(
        "event",
        "sessionUpdate",
        serde_json::json!({"sessionMetadata": {"sampled": false}, "sessionResults": results}),
    )
}

/// What following handed over so far.
type Got = Arc<Mutex<(Vec<LogRecord>, Vec<FollowMode>)>>;

/// Runs `follow_logs` until `enough` says so (or 20 s pass), collecting what it hands over.
async fn follow(
    fleet: Arc<dyn Fleet>,
    functions: Vec<Function>,
    enough: impl Fn(&[LogRecord], &[FollowMode]) -> bool,
) -> (Vec<LogRecord>, Vec<FollowMode>) {
    let got: Got = Arc::default();
    let settings = FollowSettings {
        pattern: None,
        since_ms: T0,
        poll: Duration::from_millis(50),
        live_tail: true,
    };
    let sink = got.clone();
    let run = follow_logs(
        fleet,
        functions,
        settings,
        &[],
        || T0 + 60_000,
        move |event| {
            let mut got = sink.lock().unwrap();
            match event {
                FollowEvent::Records(r) => got.0.extend(r),
                FollowEvent::Mode(m) => got.1.push(m),
                FollowEvent::Failures(f) => panic!("unexpected failures: {f:?}"),
            }
            true
        },
    );
    let watch = async {
        loop {
            {
                let got = got.lock().unwrap();
                if enough(&got.0, &got.1) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let both = async {
        tokio::select! {
            () = run => panic!("following ended by itself"),
            () = watch => {}
        }
    };
    tokio::time::timeout(Duration::from_secs(20), both)
        .await
        .expect("follow handed over what was expected");
    let got = got.lock().unwrap();
    (got.0.clone(), got.1.clone())
}

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
    let clients = clients(&[], &[&start, &filter]);
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

    assert_eq!(modes, vec![FollowMode::LiveTail { sessions: 2 }]);
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
    assert_eq!(
        filter.num_calls(),
        functions.len(),
        "one catch-up read of each function after the sessions started"
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
    let clients = clients(&[], &[&start, &filter]);
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
    assert_eq!(modes[0], FollowMode::LiveTail { sessions: 1 });
    match &modes[1] {
        FollowMode::Polling { why: Some(why), .. } => {
            assert!(why.contains("StartLiveTail"), "{why}")
        }
        other => panic!("expected polling with a reason, got {other:?}"),
    }
}
