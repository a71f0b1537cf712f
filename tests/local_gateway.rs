//! The local gateway as API Gateway behaves, over real HTTP on 127.0.0.1 to real Python
//! handlers: header names in the client's case, REST paths under a stage, CORS preflights, and
//! clients that go away before the answer.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use mfn_tui::fleet::Fleet;
use mfn_tui::fleet::local::LocalFleet;
use support::http::{give_up_after, send};
use support::local::log_lines;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mfn-tui-gateway-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The fixture service `name` served on a free port; the fleet and its gateway's address.
async fn serve(name: &str) -> (Arc<LocalFleet>, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/local")
        .join(name);
    let fleet = LocalFleet::open(support::local::options(Some(&dir), &scratch(name))).unwrap();
    assert!(
        fleet.project.errors.is_empty(),
        "{:?}",
        fleet.project.errors
    );
    fleet.start_gateway(&support::local::gateway_on(0)).await;
    let base = fleet.context().endpoint.expect("the gateway runs");
    (fleet, base)
}

/// Runs blocking HTTP calls off the runtime.
async fn http<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rest_event_keeps_the_clients_header_case() {
    let (_fleet, base) = serve("gateway").await;
    let answer = http(move || {
        send(
            &base,
            "POST",
            "/hooks/github",
            &[("X-Hub-Signature", "sha1=abc"), ("x-lower", "1")],
            "{}",
        )
    })
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let event = answer.json();
    assert_eq!(event["headers"]["X-Hub-Signature"], "sha1=abc", "{event}");
    assert_eq!(event["headers"]["x-lower"], "1");
    assert_eq!(event["multiValueHeaders"]["X-Hub-Signature"][0], "sha1=abc");
}

#[tokio::test(flavor = "multi_thread")]
async fn under_its_stage_a_rest_event_has_the_resource_path_and_the_staged_context_path() {
    let (_fleet, base) = serve("gateway").await;
    let (staged, bare, root) = http(move || {
        (
            send(&base, "POST", "/v1/hooks/a", &[], "{}"),
            send(&base, "POST", "/hooks/a", &[], "{}"),
            send(&base, "GET", "/v1", &[], ""),
        )
    })
    .await;
    for answer in [&staged, &bare] {
        let event = answer.json();
        assert_eq!(event["path"], "/hooks/a", "{event}");
        assert_eq!(event["resource"], "/hooks/{name}");
        assert_eq!(event["requestContext"]["path"], "/v1/hooks/a");
        assert_eq!(event["requestContext"]["stage"], "v1");
        assert_eq!(event["pathParameters"]["name"], "a");
    }
    let event = root.json();
    assert_eq!(
        (event["path"].as_str(), event["resource"].as_str()),
        (Some("/"), Some("/"))
    );
    assert_eq!(event["requestContext"]["path"], "/v1/");
}

#[tokio::test(flavor = "multi_thread")]
async fn cors_preflights_are_answered_where_cors_is_set() {
    let (_fleet, base) = serve("gateway").await;
    let (rest, http_api, answer, none) = http(move || {
        let ask = [
            ("Origin", "https://app.example.com"),
            ("Access-Control-Request-Method", "POST"),
        ];
        (
            send(&base, "OPTIONS", "/hooks/x", &ask, ""),
            send(&base, "OPTIONS", "/items/1", &ask, ""),
            send(
                &base,
                "GET",
                "/items/1",
                &[("Origin", "https://app.example.com")],
                "",
            ),
            send(&base, "OPTIONS", "/nowhere", &ask, ""),
        )
    })
    .await;
    assert_eq!(rest.status, 200, "{rest:?}");
    assert_eq!(rest.header("access-control-allow-origin"), Some("*"));
    assert!(
        rest.header("access-control-allow-methods")
            .unwrap()
            .contains("POST")
    );
    assert!(
        rest.header("access-control-allow-headers")
            .unwrap()
            .contains("X-Api-Key")
    );
    assert_eq!(http_api.status, 204, "{http_api:?}");
    assert_eq!(
        http_api.header("access-control-allow-origin"),
        Some("https://app.example.com")
    );
    assert_eq!(
        http_api.header("access-control-allow-headers"),
        Some("Content-Type,X-Token")
    );
    assert_eq!(
        http_api.header("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some("https://app.example.com"),
        "an HTTP API adds its CORS headers to the answer"
    );
    assert_eq!(none.status, 404, "no route, no preflight");
}

/// `curl -m 0.3` against a function that runs a second, twice, with reserved concurrency 2:
/// each invocation still runs to its end, writes END and REPORT, gives its slot back and
/// leaves its environment warm, so the next request is served by a warm environment.
#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_goes_away_leaves_the_invocation_to_finish_and_free_its_slot() {
    let (fleet, base) = serve("slow").await;
    let b = base.clone();
    let gave_up = http(move || {
        let first = std::thread::spawn({
            let b = b.clone();
            move || give_up_after(&b, "/wait", Duration::from_millis(300))
        });
        let second = give_up_after(&b, "/wait", Duration::from_millis(300));
        [first.join().unwrap(), second]
    })
    .await;
    assert_eq!(gave_up, [true, true], "both clients left before the answer");
    let reports = |lines: &[String]| lines.iter().filter(|l| l.starts_with("REPORT")).count();
    let mut lines = Vec::new();
    for _ in 0..100 {
        lines = log_lines(&fleet, "slow-dev-wait").await;
        if reports(&lines) == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let count = |prefix: &str| lines.iter().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(
        (count("START"), count("END"), count("REPORT")),
        (2, 2, 2),
        "{lines:#?}"
    );
    assert_eq!(fleet.environments().await, 2, "both environments stay warm");
    let answer = http(move || send(&base, "GET", "/wait", &[], "")).await;
    assert_eq!(answer.status, 200, "the slots came back: {answer:?}");
    let lines = log_lines(&fleet, "slow-dev-wait").await;
    let last = lines
        .iter()
        .rev()
        .find(|l| l.starts_with("REPORT"))
        .unwrap();
    assert!(!last.contains("Init Duration"), "served warm: {last}");
}
