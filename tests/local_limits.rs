//! Lambda's limits on a real local fleet of real processes: a 4 KB log tail however much a
//! handler prints, a long line stored whole as events of at most 256 KB, `memorySize` enforced
//! (`Runtime.OutOfMemory`), and `[local] max_environments` throttling like an account's
//! concurrency limit.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mfn_tui::analysis::report::parse;
use mfn_tui::fleet::local::fleet::InvokeError;
use mfn_tui::fleet::local::output::{EVENT_BYTES, TAIL_BYTES};
use mfn_tui::fleet::local::pool::{Limit, Refused};
use mfn_tui::fleet::local::{LocalFleet, LocalOptions};

const HANDLER: &str = r#"
import time


def chatty(event, context):
    line = "x" * 999
    for i in range(20_000):
        print(f"{i:08d} {line}")
    print("the last line")
    return "done"


def long_line(event, context):
    print("".join(chr(97 + i % 26) for i in range(1 << 20)))
    return "done"


def hog(event, context):
    data = b"\x01" * (event.get("mb", 300) << 20)
    return len(data)


def web(event, context):
    time.sleep(5)
    return {"statusCode": 200, "body": "slept"}


def slow(event, context):
    time.sleep(event.get("seconds", 5))
    return "slept"
"#;

/// A module that allocates 300 MB when it is imported, during init.
const HEAVY: &str = r#"
DATA = b"\x01" * (300 << 20)


def handler(event, context):
    return len(DATA)
"#;

const SERVERLESS: &str = "service: limits
provider:
  name: aws
  runtime: python3.11
functions:
  chatty:
    handler: handler.chatty
  longLine:
    handler: handler.long_line
  hog:
    handler: handler.hog
    memorySize: 128
  slow:
    handler: handler.slow
  other:
    handler: handler.slow
  heavyInit:
    handler: heavy.handler
    memorySize: 128
  web:
    handler: handler.web
    events:
      - httpApi: GET /web
";

/// A fleet of the limits service in a fresh directory, at most `max_environments` running.
fn fleet(name: &str, max_environments: usize) -> Arc<LocalFleet> {
    let dir = std::env::temp_dir().join(format!("mfn-tui-limits-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let service = dir.join("services/limits");
    std::fs::create_dir_all(&service).unwrap();
    std::fs::write(service.join("serverless.yml"), SERVERLESS).unwrap();
    std::fs::write(service.join("handler.py"), HANDLER).unwrap();
    std::fs::write(service.join("heavy.py"), HEAVY).unwrap();
    let services: PathBuf = dir.join("services");
    LocalFleet::open(LocalOptions {
        max_environments,
        ..support::local::options(Some(&services), &state(&dir))
    })
    .unwrap()
}

fn state(dir: &Path) -> PathBuf {
    dir.join("state")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tail_of_20_mb_of_output_is_its_last_4_kb() {
    let fleet = fleet("tail", 32);
    let outcome = fleet
        .call("limits-dev-chatty", None, "{}".into())
        .await
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&outcome.payload), "\"done\"");
    let tail = outcome.log.join("\n");
    assert!(tail.len() <= TAIL_BYTES, "a tail of {} bytes", tail.len());
    let last = outcome
        .log
        .iter()
        .rposition(|l| l.starts_with("END RequestId"))
        .expect("the tail ends with END and REPORT");
    assert_eq!(outcome.log[last - 1], "the last line", "{tail}");
    assert!(
        outcome.log[last - 2].starts_with("00019999 "),
        "the line before it: {tail}"
    );
    assert!(parse(outcome.log.last().unwrap()).is_some(), "REPORT last");
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_1_mb_line_is_stored_whole_as_events_of_at_most_256_kb() {
    let fleet = fleet("long-line", 32);
    let outcome = fleet
        .call("limits-dev-longLine", None, "{}".into())
        .await
        .unwrap();
    assert!(outcome.function_error.is_none(), "{:?}", outcome.log);
    let expected: String = (0..1 << 20)
        .map(|i| (b'a' + (i % 26) as u8) as char)
        .collect();
    let events: Vec<String> = support::local::log_lines(&fleet, "limits-dev-longLine")
        .await
        .into_iter()
        .filter(|m| {
            !["INIT_START", "START", "END", "REPORT"]
                .iter()
                .any(|p| m.starts_with(p))
        })
        .collect();
    assert!(
        events.iter().all(|e| e.len() <= EVENT_BYTES),
        "{:?}",
        events.iter().map(String::len).collect::<Vec<_>>()
    );
    assert_eq!(events.len(), 5, "1 MB in events of 256 KB less 26 bytes");
    assert_eq!(events.concat(), expected, "every byte, in order");
    let tail = outcome.log.join("\n");
    assert!(tail.len() <= TAIL_BYTES, "{}", tail.len());
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_over_memory_size_is_runtime_out_of_memory_and_the_next_invoke_works() {
    let fleet = fleet("memory", 32);
    let outcome = fleet
        .call("limits-dev-hog", None, r#"{"mb": 300}"#.into())
        .await
        .unwrap();
    assert_eq!(outcome.function_error.as_deref(), Some("Unhandled"));
    let body: serde_json::Value = serde_json::from_slice(&outcome.payload).unwrap();
    assert_eq!(body["errorType"], "Runtime.OutOfMemory", "{body}");
    let report = outcome.log.last().unwrap();
    assert!(
        report.contains("Status: error\tError Type: Runtime.OutOfMemory"),
        "{report}"
    );
    assert_eq!(parse(report).unwrap().max_memory_used_mb, 128);
    assert_eq!(outcome.max_memory_used_mb, 128);
    assert_eq!(fleet.environments().await, 0, "the environment is gone");

    let next = fleet
        .call("limits-dev-hog", None, r#"{"mb": 1}"#.into())
        .await
        .unwrap();
    assert!(next.function_error.is_none(), "{:?}", next.log);
    assert!(next.cold, "a new environment");
    assert_eq!(
        String::from_utf8_lossy(&next.payload),
        (1 << 20).to_string()
    );
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_over_memory_size_during_init_fails_the_init_with_runtime_out_of_memory() {
    let fleet = fleet("init-memory", 32);
    let outcome = fleet
        .call("limits-dev-heavyInit", None, "{}".into())
        .await
        .unwrap();
    assert_eq!(
        outcome.function_error.as_deref(),
        Some("Runtime.OutOfMemory"),
        "{:?}",
        outcome.log
    );
    let init_report = outcome
        .log
        .iter()
        .find(|l| l.starts_with("INIT_REPORT"))
        .expect("an INIT_REPORT line");
    assert!(
        init_report.contains("Status: error\tError Type: Runtime.OutOfMemory"),
        "{init_report}"
    );
    assert_eq!(fleet.environments().await, 0, "no environment is kept");
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn past_max_environments_an_invocation_is_throttled() {
    let fleet = fleet("max", 2);
    let calls: Vec<_> = (0..3)
        .map(|_| {
            let fleet = fleet.clone();
            tokio::spawn(async move {
                fleet
                    .call("limits-dev-slow", None, r#"{"seconds": 5}"#.into())
                    .await
            })
        })
        .collect();
    let mut ok = 0;
    let mut throttled = Vec::new();
    for call in calls {
        match call.await.unwrap() {
            Ok(outcome) => {
                assert!(outcome.function_error.is_none(), "{:?}", outcome.log);
                ok += 1;
            }
            Err(e) => throttled.push(e),
        }
    }
    assert_eq!(ok, 2, "two ran: {throttled:?}");
    assert_eq!(
        throttled,
        vec![InvokeError::Refused(Refused::Throttled {
            limit: 2,
            by: Limit::Fleet
        })]
    );
    assert!(
        throttled[0]
            .to_string()
            .contains("TooManyRequestsException")
    );
    assert_eq!(fleet.environments().await, 2, "both stay warm");
    let inits = support::local::log_lines(&fleet, "limits-dev-slow")
        .await
        .iter()
        .filter(|l| l.starts_with("INIT_START"))
        .count();
    assert_eq!(inits, 2, "the throttled invocation started nothing");

    // Idle environments give their slots to another function.
    let other = fleet
        .call("limits-dev-other", None, r#"{"seconds": 0}"#.into())
        .await
        .unwrap();
    assert!(other.function_error.is_none(), "{:?}", other.log);
    assert_eq!(fleet.environments().await, 2, "still at most two");
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn past_max_environments_the_gateway_answers_429() {
    let fleet = fleet("gateway", 2);
    fleet.start_gateway(&support::local::gateway_on(0)).await;
    let url = fleet
        .gateway
        .lock()
        .unwrap()
        .clone()
        .expect("started")
        .expect("a gateway");
    let requests: Vec<_> = (0..3)
        .map(|_| {
            let url = url.clone();
            tokio::task::spawn_blocking(move || {
                support::http::send(&url, "GET", "/web", &[], "").status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for r in requests {
        statuses.push(r.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, vec![200, 200, 429]);
    fleet.shutdown().await;
}
