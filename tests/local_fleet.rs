//! The bundled demo fleet run locally: `curl`-style requests through the HTTP gateway become
//! invocations in real Python and Node.js processes, which discovery, latency and logs then show
//! through the same `Fleet` trait as AWS.

mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use mfn_tui::analysis::latency::Window;
use mfn_tui::fleet::local::{LocalFleet, LocalOptions};
use mfn_tui::fleet::logs::read_logs;
use mfn_tui::fleet::reports::read_latency;
use mfn_tui::fleet::{ApiKind, Depth, Fleet, Inventory, discover_to_end};
use support::http::request;

fn state_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mfn-tui-local-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

async fn demo(name: &str) -> Arc<LocalFleet> {
    let fleet = LocalFleet::open(support::local::options(None, &state_dir(name))).unwrap();
    fleet.start_gateway(&support::local::gateway_on(0)).await;
    fleet
}

fn gateway(fleet: &LocalFleet) -> String {
    fleet.context().endpoint.expect("the gateway runs")
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_through_the_gateway_become_cold_then_warm_invocations_with_logs() {
    let fleet = demo("gateway").await;
    let api = gateway(&fleet);
    let base = api.clone();
    let answers = tokio::task::spawn_blocking(move || {
        vec![
            request(
                &base,
                "POST",
                "/users/login",
                r#"{"username":"ada","password":"lovelace1"}"#,
            ),
            request(
                &base,
                "POST",
                "/users/login",
                r#"{"username":"ada","password":"wrong"}"#,
            ),
            request(&base, "GET", "/articles/2", ""),
            request(&base, "GET", "/articles?tag=cost", ""),
            request(&base, "GET", "/dev/comments/3", ""),
            request(&base, "GET", "/comments/boom", ""),
            request(&base, "GET", "/nowhere", ""),
        ]
    })
    .await
    .unwrap();
    let statuses: Vec<u16> = answers.iter().map(|a| a.0).collect();
    assert_eq!(
        statuses,
        vec![200, 401, 200, 200, 200, 502, 404],
        "{answers:?}"
    );
    assert!(answers[0].1.contains("token"), "{}", answers[0].1);
    assert!(
        answers[2].1.contains("Cold starts, measured"),
        "{}",
        answers[2].1
    );
    assert!(answers[3].1.contains("\"total\":1"), "{}", answers[3].1);

    // Discovery: the three services, their routes, grouped by stack like a deployment.
    let mut inventory = Inventory::new(mfn_tui::config::Config::defaults().grouping);
    discover_to_end(fleet.as_ref(), Depth::Complete, &mut inventory).await;
    assert_eq!(inventory.function_count(), 6);
    let api_fn = inventory
        .functions()
        .find(|f| f.name == "articles-dev-api")
        .unwrap();
    assert_eq!(api_fn.routes.len(), 2);
    assert!(api_fn.routes.iter().all(|r| r.kind == ApiKind::Http));
    assert_eq!(api_fn.placement.service, "articles");

    // Latency from the REPORT records: login once cold, once warm.
    let functions: Vec<_> = inventory.functions().cloned().collect();
    let window = Window::ending_at(mfn_tui::clock::now_ms() + 1000, 3_600_000);
    let read = read_latency(fleet.clone(), functions.clone(), window, 48, 4, |_| {}).await;
    let login = functions
        .iter()
        .find(|f| f.name == "users-dev-login")
        .unwrap();
    let stats = &read.by_function[&login.arn];
    assert_eq!(stats.invocations, 2);
    assert_eq!(stats.cold_starts, 1);
    let comment = functions
        .iter()
        .find(|f| f.name == "comments-dev-getComment")
        .unwrap();
    assert_eq!(read.by_function[&comment.arn].errors, 1, "boom is an error");

    // Logs: the handler's own lines between START and REPORT.
    let (records, failures) = read_logs(
        fleet.clone(),
        std::slice::from_ref(login),
        window,
        None,
        4,
        1000,
    )
    .await;
    assert!(failures.is_empty());
    let messages: Vec<&str> = records.iter().map(|r| r.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.starts_with("INIT_START")),
        "{messages:?}"
    );
    assert_eq!(
        messages.iter().filter(|m| m.starts_with("REPORT")).count(),
        2
    );
    assert!(
        messages.iter().any(|m| m.contains("login ok for ada")),
        "{messages:?}"
    );
    // A server-side filter pattern.
    let (filtered, _) = read_logs(
        fleet.clone(),
        std::slice::from_ref(login),
        window,
        Some("REPORT"),
        4,
        1000,
    )
    .await;
    assert_eq!(filtered.len(), 2);
    fleet.shutdown().await;
    assert_eq!(fleet.environments().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_taken_port_is_reported_and_the_fleet_still_runs() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port();
    let fleet = LocalFleet::open(support::local::options(None, &state_dir("taken"))).unwrap();
    fleet.start_gateway(&support::local::gateway_on(port)).await;
    assert!(fleet.context().endpoint.is_none());
    let mut inventory = Inventory::new(mfn_tui::config::Config::defaults().grouping);
    discover_to_end(fleet.as_ref(), Depth::Complete, &mut inventory).await;
    let failures = inventory.failures();
    assert_eq!(failures.len(), 1);
    assert!(
        failures[0]
            .error
            .to_string()
            .contains(&format!("127.0.0.1:{port}")),
        "{}",
        failures[0].error
    );
    assert_eq!(
        inventory.function_count(),
        6,
        "the rest of the fleet is there"
    );
    let outcome = fleet
        .call("articles-dev-api", None, r#"{"rawPath":"/articles","routeKey":"GET /articles","requestContext":{"http":{"method":"GET"}}}"#.into())
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&outcome.payload).contains("statusCode"));
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_environments_are_reaped_after_the_configured_time() {
    let fleet = LocalFleet::open(LocalOptions {
        idle: Duration::from_millis(300),
        ..support::local::options(None, &state_dir("reap"))
    })
    .unwrap();
    fleet
        .call("comments-dev-getComments", None, "{}".into())
        .await
        .unwrap();
    assert_eq!(fleet.environments().await, 1, "warm right after the call");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while fleet.environments().await > 0 {
        assert!(tokio::time::Instant::now() < deadline, "never reaped");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let again = fleet
        .call("comments-dev-getComments", None, "{}".into())
        .await
        .unwrap();
    assert!(again.cold, "a reaped environment means a cold start");
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_handler_module_that_does_not_exist_is_an_init_error_and_the_others_still_run() {
    let root = state_dir("missing-handler");
    let services = root.join("services/broken");
    std::fs::create_dir_all(&services).unwrap();
    std::fs::write(
        services.join("serverless.yml"),
        "service: broken\nprovider:\n  runtime: python3.11\nfunctions:\n  gone:\n    handler: nothere.main\n  fine:\n    handler: ok.main\n",
    )
    .unwrap();
    std::fs::write(
        services.join("ok.py"),
        "def main(e, c):\n    return 'fine'\n",
    )
    .unwrap();
    let fleet = LocalFleet::open(support::local::options(
        Some(&root.join("services")),
        &root.join("state"),
    ))
    .unwrap();
    let gone = fleet
        .call("broken-dev-gone", None, "{}".into())
        .await
        .unwrap();
    assert_eq!(
        gone.function_error.as_deref(),
        Some("Runtime.ImportModuleError")
    );
    assert!(String::from_utf8_lossy(&gone.payload).contains("nothere"));
    let fine = fleet
        .call("broken-dev-fine", None, "{}".into())
        .await
        .unwrap();
    assert_eq!(&fine.payload[..], b"\"fine\"");
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_invoke_dialog_shows_the_answer_the_tail_and_what_it_cost() {
    let fleet = LocalFleet::open(support::local::options(None, &state_dir("dialog"))).unwrap();
    let mut screen = support::screen::Screen::over(fleet.clone(), 140, 40, false);
    screen.discover().await;
    screen.keys("/comments<enter><down><enter>i").await;
    let name = screen
        .invoke_dialog()
        .expect("the dialog")
        .function
        .name
        .clone();
    assert_eq!(name, "comments-dev-getComment");
    // `{}` has no id: the handler answers 400, a valid proxy response.
    screen.keys("<c-s>").await;
    while screen.running() {
        screen.app.next_batch().await;
    }
    let text = screen.text();
    let outcome = screen
        .invoke_dialog()
        .unwrap()
        .outcome
        .clone()
        .unwrap()
        .unwrap();
    assert_eq!(outcome.status, 200);
    assert_eq!(outcome.executed_version.as_deref(), Some("$LATEST"));
    assert!(
        outcome.response.contains("\"statusCode\": 400"),
        "{}",
        outcome.response
    );
    assert!(
        outcome.report.as_deref().unwrap().starts_with("cold"),
        "{outcome:?}"
    );
    assert!(
        text.contains("── log tail") && text.contains("REPORT RequestId"),
        "{text}"
    );
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_canary_is_started_watched_and_promoted_from_the_dashboard() {
    let root = state_dir("canary-tui");
    let services = support::local::greeter(&root);
    let fleet = LocalFleet::open(support::local::options(
        Some(&services),
        &root.join("state"),
    ))
    .unwrap();
    let f = "greeter-dev-hello";
    support::local::deploy(&fleet, f, "live").await;
    support::local::set_answer(&services, "v2");
    support::local::deploy(&fleet, f, "live").await;

    let mut screen = support::screen::Screen::over(fleet.clone(), 140, 40, false);
    let audit = root.join("audit.jsonl");
    screen.app.audit = mfn_tui::audit::AuditLog::at(&audit);
    screen.discover().await;
    screen.keys("/hello<enter><down><enter>K").await;
    // 50% to version 1, the rest staying on 2.
    screen.keys("<bs><bs><bs>50%<enter>y").await;
    while screen.modal().is_some() {
        screen.app.next_batch().await;
    }
    let alias = fleet.store.alias(f, "live").unwrap().unwrap();
    assert_eq!((alias.version, alias.additional), (2, Some((1, 0.5))));
    for _ in 0..12 {
        fleet.call(f, Some("live"), "{}".into()).await.unwrap();
    }
    screen.keys("K").await;
    while screen.canary_dialog().unwrap().figures.is_none() {
        screen.app.next_batch().await;
    }
    let figures = screen
        .canary_dialog()
        .unwrap()
        .figures
        .clone()
        .unwrap()
        .unwrap();
    let total: u64 = figures.iter().map(|v| v.invocations).sum();
    assert_eq!(total, 12, "{figures:?}");
    assert!(
        figures.iter().all(|v| v.invocations > 0),
        "both versions answered: {figures:?}"
    );
    screen.keys("py").await;
    while screen.modal().is_some() {
        screen.app.next_batch().await;
    }
    let alias = fleet.store.alias(f, "live").unwrap().unwrap();
    assert_eq!((alias.version, alias.additional), (1, None), "promoted");
    let written = std::fs::read_to_string(&audit).unwrap();
    let actions: Vec<serde_json::Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(actions.len(), 2, "the start and the promotion: {written}");
    assert_eq!(actions[0]["action"], "canary-start");
    assert_eq!(actions[1]["action"], "canary-promote");
    fleet.shutdown().await;
}
