//! `mfn-tui stats` against the emulator: REPORT records in both log formats, spread over several
//! streams, read back through FilterLogEvents into per-function and per-service latency.

mod support;

use mfn_tui::analysis::latency::Window;
use mfn_tui::fleet::aws::{AwsFleet, Clients};
use mfn_tui::fleet::reports::read_latency;
use mfn_tui::fleet::{Fleet, Function, Target};
use serde_json::Value;
use support::cli::entry;
use support::emulator::Emulator;
use support::fleet::{EAST, seed_fleet, seed_reports as seed_logs};
use support::seed::{now_ms, put_logs, text_invocation};

fn mfn(emulator: &Emulator, args: &[&str]) -> (Option<i32>, String, String) {
    support::cli::mfn_against(&emulator.endpoint, EAST, args)
}

fn close(v: &Value, want: f64) -> bool {
    (v.as_f64().unwrap() - want).abs() / want <= 0.01
}

#[tokio::test(flavor = "multi_thread")]
async fn stats_reads_cold_and_warm_latency_from_text_and_json_reports() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    seed_logs(&emulator).await;

    let (code, stdout, stderr) = mfn(
        &emulator,
        &[
            "stats",
            "--source",
            "logs",
            "--json",
            "--since",
            "1h",
            "users-dev-login",
            "articles-prod-api",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["functions"].as_array().unwrap().len(), 2);

    let login = entry(&doc, "functions", "users-dev-login");
    assert_eq!(login["service"], "users");
    assert_eq!(login["region"], EAST);
    assert_eq!(login["invocations"], 10);
    assert_eq!(login["cold_starts"], 1);
    assert_eq!(login["cold_start_pct"], 10.0);
    assert!(close(&login["warm"]["p50_ms"], 50.0), "{login}");
    assert!(close(&login["warm"]["p90_ms"], 90.0), "{login}");
    assert!(close(&login["warm"]["max_ms"], 90.0), "{login}");
    assert!(close(&login["cold"]["p50_ms"], 350.0), "{login}");
    assert!(close(&login["init"]["p99_ms"], 250.0), "{login}");
    assert_eq!(login["max_memory_used_mb"], 180);
    assert_eq!(login["memory_mb"], 256);
    assert_eq!(
        (login["timeouts"].as_u64(), login["errors"].as_u64()),
        (Some(0), Some(0))
    );

    let api = entry(&doc, "functions", "articles-prod-api");
    assert_eq!(api["invocations"], 5);
    assert_eq!(api["cold_starts"], 2);
    assert_eq!(api["cold_start_pct"], 40.0);
    assert!(close(&api["cold"]["p99_ms"], 550.0), "{api}");
    assert_eq!(api["timeouts"], 1);
    assert_eq!(api["errors"], 1);

    let users = entry(&doc, "services", "users");
    assert_eq!(users["invocations"], 10, "only users-dev-login has records");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_name_selects_its_functions_and_an_unknown_name_is_refused() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    seed_logs(&emulator).await;
    let (code, stdout, stderr) = mfn(&emulator, &["stats", "users", "--source", "logs", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let names: Vec<&str> = doc["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["users-dev-login", "users-dev-register"]);
    let register = entry(&doc, "functions", "users-dev-register");
    assert_eq!(
        register["invocations"], 0,
        "a function never invoked has no log group"
    );
    assert!(register["warm"].is_null());

    let (code, _, stderr) = mfn(&emulator, &["stats", "nosuch"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("no function or service named `nosuch`"),
        "{stderr}"
    );
    let (code, _, stderr) = mfn(&emulator, &["stats", "--since", "3w"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("`3w` is not a duration"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn in_a_shared_log_group_each_function_keeps_only_its_own_streams() {
    let emulator = Emulator::start();
    let logs = aws_sdk_cloudwatchlogs::Client::new(&emulator.sdk_config(EAST).await);
    let t = now_ms() - 60_000;
    let lines = |id: &str, ms: f64| -> Vec<(i64, String)> {
        text_invocation(id, ms, 128, 64, None)
            .into_iter()
            .map(|l| (t, l))
            .collect()
    };
    put_logs(
        &logs,
        "/shared/orders",
        "2026/11/28/orders-prod-create[$LATEST]a1",
        &lines("a", 11.0),
    )
    .await;
    put_logs(
        &logs,
        "/shared/orders",
        "2026/11/28/orders-prod-create[$LATEST]a2",
        &lines("b", 12.0),
    )
    .await;
    put_logs(
        &logs,
        "/shared/orders",
        "2026/11/28/orders-prod-list[$LATEST]b1",
        &lines("c", 99.0),
    )
    .await;

    let target = Target::new(None, EAST);
    let clients = Clients::from_sdk_config(&emulator.sdk_config(EAST).await);
    let fleet: std::sync::Arc<dyn Fleet> =
        std::sync::Arc::new(AwsFleet::with_clients(vec![(target, clients)], 4));
    let mut create = Function::new(
        "orders-prod-create",
        "arn:aws:lambda:us-east-1:123456789012:function:orders-prod-create",
        EAST,
    );
    create.log_group = "/shared/orders".into();
    let mut list = Function::new(
        "orders-prod-list",
        "arn:aws:lambda:us-east-1:123456789012:function:orders-prod-list",
        EAST,
    );
    list.log_group = "/shared/orders".into();
    let window = Window {
        start_ms: t - 1_000,
        end_ms: t + 1_000,
    };
    let latency = read_latency(
        fleet,
        vec![create.clone(), list.clone()],
        window,
        4,
        2,
        |_| {},
    )
    .await;
    assert!(latency.failures.is_empty(), "{:?}", latency.failures);
    assert_eq!(latency.by_function[&create.arn].invocations, 2);
    assert_eq!(latency.by_function[&list.arn].invocations, 1);
    assert_eq!(latency.progress.functions_done, 2);
    assert!(latency.progress.bytes_scanned > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_window_that_would_scan_more_than_the_configured_bytes_needs_yes() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    seed_logs(&emulator).await;
    let config = std::env::temp_dir().join(format!("mfn-tui-scan-{}.toml", std::process::id()));
    std::fs::write(&config, "[logs]\nconfirm_scan_bytes = 100\n").unwrap();
    let config = config.to_str().unwrap();

    let (code, stdout, stderr) = mfn(
        &emulator,
        &[
            "stats",
            "--source",
            "logs",
            "--config",
            config,
            "users-dev-login",
        ],
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stderr.contains("would scan about") && stderr.contains("--yes"),
        "{stderr}"
    );
    assert!(stdout.is_empty(), "nothing is read or printed: {stdout}");

    let (code, stdout, stderr) = mfn(
        &emulator,
        &[
            "stats",
            "--source",
            "logs",
            "--json",
            "--yes",
            "--config",
            config,
            "users-dev-login",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["functions"][0]["invocations"], 10);
}
