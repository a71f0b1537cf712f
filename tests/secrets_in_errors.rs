//! No secret leaves in an error (issue 14, finding 1): answers the SDK cannot read — a complete
//! HTTP message whose JSON is cut short (with a function's environment inside), or a `200` of
//! garbage holding a secret — reach every output as a status and a size, never as the body:
//! stderr, `--json` errors, the log file at the default level and the dashboard's errors pane.

mod support;

use mfn_tui::fleet::Target;
use mfn_tui::fleet::aws::{AwsFleet, Clients};
use support::aws_proxy::{AwsProxy, Fault, FaultRule, ProxyOptions, Quotas};
use support::cli::{mfn_command, output};
use support::emulator::Emulator;
use support::fleet::{EAST, SECRET, seed_fleet};
use support::screen::Screen;

/// The secret a garbage answer holds.
const GARBAGE_SECRET: &str = "s3cr3t-in-the-garbage";

/// Runs the built binary through `proxy` with `args` at the default log level; returns the exit
/// code, stdout, stderr and the log file it wrote.
fn run(proxy: &AwsProxy, args: &[&str]) -> (Option<i32>, String, String, String) {
    let log = std::env::temp_dir().join(format!(
        "mfn-tui-secrets-{}-{}.log",
        std::process::id(),
        args.join("-")
    ));
    let _ = std::fs::remove_file(&log);
    let mut cmd = mfn_command(&proxy.endpoint, EAST);
    cmd.env_remove("MFN_TUI_LOG")
        .env("MFN_TUI_LOG_FILE", &log)
        .args(args);
    let (code, stdout, stderr) = output(cmd);
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    (code, stdout, stderr, logged)
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in [SECRET, GARBAGE_SECRET] {
        assert!(!text.contains(secret), "{what} leaks {secret}: {text}");
    }
}

/// A proxy whose `ListFunctions` answers arrive 40 bytes short (the JSON cut after the
/// environment of `articles-prod-api`) and whose tag and route reads answer garbage.
async fn unreadable_discovery(emulator: &Emulator) -> AwsProxy {
    let garbage = Fault::GarbageBody {
        secret: Some(GARBAGE_SECRET.into()),
    };
    let options = ProxyOptions::new()
        .quotas(Quotas::unlimited())
        .fault(FaultRule::new(Fault::ShortBody { missing: 40 }).operation("ListFunctions"))
        .fault(FaultRule::new(garbage.clone()).operation("GetResources"))
        .fault(FaultRule::new(garbage).operation("GetApis"));
    AwsProxy::start(&emulator.endpoint, options).await
}

#[tokio::test(flavor = "multi_thread")]
async fn unreadable_discovery_answers_reach_stderr_json_and_the_log_without_their_bodies() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let proxy = unreadable_discovery(&emulator).await;

    let (code, stdout, stderr, logged) = run(&proxy, &["ls", "--json"]);
    assert_ne!(code, Some(0), "{stderr}");
    for (what, text) in [
        ("stdout", &stdout),
        ("stderr", &stderr),
        ("the log", &logged),
    ] {
        assert_no_secret(what, text);
    }
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let errors = doc["errors"].as_array().unwrap();
    let listing = errors
        .iter()
        .find(|e| e["scope"] == "ListFunctions")
        .expect("the ListFunctions failure is reported");
    let message = listing["message"].as_str().unwrap();
    assert!(
        message.contains("could not be read") && message.contains("HTTP 200"),
        "the failure still says what happened: {message}"
    );
    assert!(
        logged.contains("ListFunctions"),
        "the log has the failure: {logged}"
    );

    let (_, table, stderr, logged) = run(&proxy, &["ls"]);
    for (what, text) in [
        ("stdout", &table),
        ("stderr", &stderr),
        ("the log", &logged),
    ] {
        assert_no_secret(what, text);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn unreadable_answers_reach_the_dashboards_errors_pane_without_their_bodies() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let proxy = unreadable_discovery(&emulator).await;
    let config = proxy.sdk_config(EAST).await;
    let fleet = AwsFleet::with_clients(
        vec![(Target::new(None, EAST), Clients::from_sdk_config(&config))],
        8,
    );
    let mut screen = Screen::new(fleet, 200, 40, false);
    screen.discover().await;
    screen.keys("e").await;
    let pane = screen.text();
    assert_no_secret("the errors pane", &pane);
    assert!(pane.contains("ListFunctions"), "{pane}");
    assert!(pane.contains("could not be read"), "{pane}");
    for failure in screen.app.state.inventory.failures() {
        assert_no_secret("a failure", &failure.error.to_string());
        assert_no_secret("a failure", &format!("{:?}", failure.error));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn unreadable_log_answers_reach_logs_and_stats_without_their_bodies() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let garbage = Fault::GarbageBody {
        secret: Some(GARBAGE_SECRET.into()),
    };
    let options = ProxyOptions::new()
        .quotas(Quotas::unlimited())
        .fault(FaultRule::new(garbage).operation("FilterLogEvents"));
    let proxy = AwsProxy::start(&emulator.endpoint, options).await;

    let (code, stdout, stderr, logged) = run(&proxy, &["logs", "articles-prod-api"]);
    for (what, text) in [
        ("stdout", &stdout),
        ("stderr", &stderr),
        ("the log", &logged),
    ] {
        assert_no_secret(what, text);
    }
    assert_eq!(code, Some(3), "a partial result: {stderr}");
    assert!(stderr.contains("could not be read"), "{stderr}");
    let (_, stdout, stderr, logged) = run(&proxy, &["stats", "--json", "articles-prod-api"]);
    for (what, text) in [
        ("stdout", &stdout),
        ("stderr", &stderr),
        ("the log", &logged),
    ] {
        assert_no_secret(what, text);
    }
}
