//! Live Tail answered by `aws-smithy-mocks`: recorded event-stream frames (session start,
//! updates, exceptions), functions of one region and account, `DescribeLogGroups` saying which
//! groups exist, and a run of `follow_logs` that collects what it hands over.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_cloudwatchlogs::operation::describe_log_groups::DescribeLogGroupsOutput;
use aws_sdk_cloudwatchlogs::types::LogGroup;
use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_mocks::mock;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use mfn_tui::fleet::LogRecord;
use mfn_tui::fleet::follow::{FollowEvent, FollowMode, FollowSettings, follow_logs};
use mfn_tui::fleet::{Fleet, Function};

pub const REGION: &str = "eu-west-1";
pub const ACCOUNT: &str = "123456789012";
pub const T0: i64 = 1_795_860_000_000;

pub fn function(name: &str, group: Option<&str>) -> Function {
    let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}");
    let mut f = Function::new(name, &arn, REGION);
    f.account = ACCOUNT.into();
    if let Some(g) = group {
        f.log_group = g.into();
    }
    f
}

/// One event-stream frame of the kind `kind` (`sessionStart`, `sessionUpdate`, or an exception).
pub fn frame(message_type: &str, kind: &str, payload: serde_json::Value) -> Vec<u8> {
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

pub fn stream_response(frames: Vec<Vec<u8>>) -> HttpResponse {
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
pub fn update(events: &[(String, String, String, i64)]) -> Vec<u8> {
    update_sampled(events, false)
}

/// A session update that says whether the service sampled it.
pub fn update_sampled(events: &[(String, String, String, i64)], sampled: bool) -> Vec<u8> {
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
        serde_json::json!({"sessionMetadata": {"sampled": sampled}, "sessionResults": results}),
    )
}

/// `DescribeLogGroups` answering that every group asked about exists.
pub fn every_group_exists() -> aws_smithy_mocks::Rule {
    mock!(aws_sdk_cloudwatchlogs::Client::describe_log_groups).then_compute_output(|input| {
        let groups = input
            .log_group_identifiers()
            .iter()
            .map(|name| LogGroup::builder().log_group_name(name).build())
            .collect();
        DescribeLogGroupsOutput::builder()
            .set_log_groups(Some(groups))
            .build()
    })
}

/// What following handed over so far.
pub type Got = Arc<Mutex<(Vec<LogRecord>, Vec<FollowMode>)>>;

/// Runs `follow_logs` through Live Tail until `enough` says so (or 20 s pass), collecting
/// what it hands over.
pub async fn follow(
    fleet: Arc<dyn Fleet>,
    functions: Vec<Function>,
    enough: impl Fn(&[LogRecord], &[FollowMode]) -> bool,
) -> (Vec<LogRecord>, Vec<FollowMode>) {
    follow_with(fleet, functions, true, enough).await
}

/// The same, with Live Tail tried first or not (`live_tail`), from `T0` with a clock stopped
/// at `T0` + 60 s, polling every 50 ms.
pub async fn follow_with(
    fleet: Arc<dyn Fleet>,
    functions: Vec<Function>,
    live_tail: bool,
    enough: impl Fn(&[LogRecord], &[FollowMode]) -> bool,
) -> (Vec<LogRecord>, Vec<FollowMode>) {
    let got: Got = Arc::default();
    let settings = FollowSettings {
        pattern: None,
        since_ms: T0,
        poll: Duration::from_millis(50),
        live_tail,
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
