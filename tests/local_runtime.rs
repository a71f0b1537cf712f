//! Execution environments over the real Runtime API, with the bundled Python and Node.js shims
//! as real child processes: cold then warm in the same environment, concurrency, reserved
//! concurrency, timeouts, handler and init errors, and the platform's log lines.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Bytes;
use mfn_tui::analysis::report::{InvocationStatus, parse};
use mfn_tui::fleet::local::environment::Launch;
use mfn_tui::fleet::local::pool::{Limit, Outcome, Pool, PoolSettings, Refused};
use mfn_tui::fleet::local::store::Store;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mfn-tui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn pool(name: &str, runtime: &str, handler: &str, timeout_s: u64, reserved: Option<u32>) -> Pool {
    let code = root().join("tests/fixtures/local/basics");
    pool_of(
        name,
        (runtime, handler, &code),
        timeout_s,
        reserved,
        Duration::from_secs(10),
    )
}

/// A pool of function `tests-dev-NAME` running `handler` of `code` under `runtime`.
fn pool_of(
    name: &str,
    (runtime, handler, code): (&str, &str, &Path),
    timeout_s: u64,
    reserved: Option<u32>,
    init_timeout: Duration,
) -> Pool {
    let store = Store::open(&temp_dir(name).join("state.db")).unwrap();
    let launch = Launch {
        function_name: format!("tests-dev-{name}"),
        version: "$LATEST".into(),
        runtime: runtime.into(),
        handler: handler.into(),
        memory_mb: 256,
        region: "us-east-1".into(),
        code_dir: code.to_path_buf(),
        log_group: format!("/aws/lambda/tests-dev-{name}"),
        environment: BTreeMap::from([("GREETING".to_string(), "hello".to_string())]),
        shims: root().join("assets/runtimes"),
        passed: Vec::new(),
        layers: Vec::new(),
    };
    Pool::new(
        launch,
        format!("arn:aws:lambda:us-east-1:000000000000:function:tests-dev-{name}"),
        Duration::from_secs(timeout_s),
        reserved,
        store,
        PoolSettings::new(init_timeout, 32),
    )
}

fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn json(outcome: &Outcome) -> serde_json::Value {
    serde_json::from_slice(&outcome.payload).unwrap()
}

fn report(outcome: &Outcome) -> mfn_tui::analysis::report::InvocationReport {
    let line = outcome
        .log
        .iter()
        .find(|l| l.starts_with("REPORT"))
        .unwrap();
    parse(line).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_invoke_is_cold_and_the_next_is_warm_in_the_same_environment() {
    for (runtime, handler) in [
        ("python3.11", "handler.echo"),
        ("nodejs20.x", "handler.echo"),
    ] {
        let pool = pool(
            &format!("warm-{}", &runtime[..4]),
            runtime,
            handler,
            5,
            None,
        );
        let first = pool.invoke(id(1), Bytes::from(r#"{"n":1}"#)).await.unwrap();
        assert!(first.cold, "{runtime}");
        assert!(first.init_ms.unwrap() > 0.0);
        assert_eq!(json(&first)["event"]["n"], 1);
        assert_eq!(json(&first)["request_id"], id(1));
        let second = pool.invoke(id(2), Bytes::from(r#"{"n":2}"#)).await.unwrap();
        assert!(!second.cold, "{runtime}");
        assert_eq!(
            json(&first)["pid"],
            json(&second)["pid"],
            "the same process"
        );
        assert_eq!(pool.cold_starts(), 1);
        // The log tail: START, the handler's line, END, REPORT, in that order.
        let tail = &second.log;
        assert!(
            tail[0].starts_with(&format!("START RequestId: {}", id(2))),
            "{tail:?}"
        );
        assert!(
            tail.iter()
                .any(|l| l.contains(r#"echo {"n": 2}"#) || l.contains(r#"echo {"n":2}"#)),
            "{tail:?}"
        );
        assert!(
            tail[tail.len() - 2].starts_with("END RequestId:"),
            "{tail:?}"
        );
        let cold = report(&first);
        assert!(cold.is_cold() && cold.init_duration_ms.is_some());
        assert!(!report(&second).is_cold());
        assert_eq!(report(&second).memory_size_mb, 256);
        pool.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn c_concurrent_invocations_start_c_environments() {
    let pool = Arc::new(pool("concurrent", "python3.11", "handler.sleep", 10, None));
    let calls: Vec<_> = (0..3)
        .map(|n| {
            let pool = pool.clone();
            tokio::spawn(async move { pool.invoke(id(n), Bytes::from(r#"{"seconds":1}"#)).await })
        })
        .collect();
    for call in calls {
        assert!(call.await.unwrap().unwrap().cold);
    }
    assert_eq!(pool.cold_starts(), 3);
    assert_eq!(pool.environments().await, 3);
    pool.shutdown().await;
    assert_eq!(pool.environments().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn reserved_concurrency_throttles_like_aws() {
    let pool = Arc::new(pool("reserved", "python3.11", "handler.sleep", 10, Some(1)));
    let busy = {
        let pool = pool.clone();
        tokio::spawn(async move { pool.invoke(id(1), Bytes::from(r#"{"seconds":1}"#)).await })
    };
    // Wait until the first invocation holds the only slot.
    while pool.environments().await == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let refused = pool.invoke(id(2), Bytes::from("{}")).await.unwrap_err();
    assert_eq!(
        refused,
        Refused::Throttled {
            limit: 1,
            by: Limit::Reserved
        }
    );
    assert!(refused.to_string().contains("TooManyRequestsException"));
    assert!(busy.await.unwrap().is_ok());
    pool.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_timeout_kills_the_environment_and_reports_status_timeout() {
    let pool = pool("timeout", "python3.11", "handler.sleep", 1, None);
    let outcome = pool
        .invoke(id(1), Bytes::from(r#"{"seconds":30}"#))
        .await
        .unwrap();
    assert_eq!(outcome.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(json(&outcome)["errorType"], "Sandbox.Timedout");
    assert_eq!(report(&outcome).status, InvocationStatus::Timeout);
    assert!(
        outcome
            .log
            .iter()
            .any(|l| l.contains("Task timed out after 1.00 seconds"))
    );
    assert_eq!(pool.environments().await, 0, "the environment was killed");
    let next = pool
        .invoke(id(2), Bytes::from(r#"{"seconds":0}"#))
        .await
        .unwrap();
    assert!(next.cold, "a new environment after a timeout");
    pool.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_handler_error_returns_unhandled_and_the_environment_stays_warm() {
    let pool = pool("error", "python3.11", "handler.fail", 5, None);
    let outcome = pool.invoke(id(1), Bytes::from("{}")).await.unwrap();
    assert_eq!(outcome.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(json(&outcome)["errorType"], "ValueError");
    assert_eq!(json(&outcome)["errorMessage"], "bad input");
    assert_eq!(report(&outcome).status, InvocationStatus::Error);
    assert!(!pool.invoke(id(2), Bytes::from("{}")).await.unwrap().cold);
    pool.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_init_error_fails_the_invocation_with_its_type() {
    let pool = pool("init", "python3.11", "broken.main", 5, None);
    let outcome = pool.invoke(id(1), Bytes::from("{}")).await.unwrap();
    assert_eq!(
        outcome.function_error.as_deref(),
        Some("Runtime.ImportModuleError")
    );
    let body = json(&outcome);
    assert!(
        body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("cannot initialise"),
        "{body}"
    );
    assert!(
        outcome
            .log
            .iter()
            .any(|l| l.starts_with("INIT_REPORT") && l.contains("Status: error"))
    );
    assert_eq!(pool.environments().await, 0);
}

/// A runtime that exits before its first `next` (a missing library) fails its invocation at
/// once with Runtime.ExitError and its stderr in the log, as on AWS, not with
/// Runtime.InitTimeout once the init timeout has run out.
#[tokio::test(flavor = "multi_thread")]
async fn a_runtime_that_exits_during_init_fails_with_an_exit_error_and_its_stderr() {
    let code = root().join("tests/fixtures/local/init-exit");
    // Only noticing the exit ends this init early; the timeout's error is InitTimeout.
    let init_timeout = Duration::from_secs(60);
    let pool = pool_of(
        "init-exit",
        ("provided.al2", "unused", &code),
        5,
        None,
        init_timeout,
    );
    let outcome = pool.invoke(id(1), Bytes::from("{}")).await.unwrap();
    assert_eq!(outcome.function_error.as_deref(), Some("Runtime.ExitError"));
    assert!(
        json(&outcome)["errorMessage"]
            .as_str()
            .unwrap()
            .contains("exit status: 3"),
        "{:?}",
        json(&outcome)
    );
    assert!(
        outcome
            .log
            .iter()
            .any(|l| l.contains("bootstrap: cannot load libexample.so")),
        "{:#?}",
        outcome.log
    );
    assert_eq!(report(&outcome).status, InvocationStatus::Error);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_process_that_exits_mid_invocation_is_a_runtime_exit_error() {
    let pool = pool("exit", "python3.11", "handler.exit_now", 5, None);
    let outcome = pool.invoke(id(1), Bytes::from("{}")).await.unwrap();
    assert_eq!(json(&outcome)["errorType"], "Runtime.ExitError");
    assert_eq!(pool.environments().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn max_memory_used_is_read_from_the_process() {
    let pool = pool("memory", "python3.11", "handler.allocate", 10, None);
    let small = pool
        .invoke(id(1), Bytes::from(r#"{"mb":1}"#))
        .await
        .unwrap();
    let big = pool
        .invoke(id(2), Bytes::from(r#"{"mb":120}"#))
        .await
        .unwrap();
    assert!(small.max_memory_used_mb > 0);
    assert!(
        big.max_memory_used_mb >= small.max_memory_used_mb + 100,
        "{} then {}",
        small.max_memory_used_mb,
        big.max_memory_used_mb
    );
    pool.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_runtime_that_is_not_installed_is_refused_with_a_clear_message() {
    let pool = pool("missing", "ruby3.3", "handler.echo", 5, None);
    let refused = pool.invoke(id(1), Bytes::from("{}")).await.unwrap_err();
    assert!(refused.to_string().contains("ruby3.3"), "{refused}");
}

/// AWS's own Python runtime interface client, installed by the test set-up next to the emulator.
fn awslambdaric_python() -> PathBuf {
    let venv = std::env::var_os("MFN_MOTO_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".venv-moto"));
    let python = venv.join("bin/python");
    assert!(
        python.exists(),
        "awslambdaric is not installed at {}: run ./scripts/test, which installs it",
        venv.display()
    );
    python
}

#[tokio::test(flavor = "multi_thread")]
async fn awslambdaric_runs_unchanged_against_the_runtime_api() {
    let store = Store::open(&temp_dir("ric").join("state.db")).unwrap();
    let launch = Launch {
        function_name: "tests-dev-ric".into(),
        version: "$LATEST".into(),
        runtime: "provided.al2023".into(),
        handler: "app.handler".into(),
        memory_mb: 512,
        region: "us-east-1".into(),
        code_dir: root().join("tests/fixtures/local/ric"),
        log_group: "/aws/lambda/tests-dev-ric".into(),
        environment: BTreeMap::from([(
            "RIC_PYTHON".to_string(),
            awslambdaric_python().display().to_string(),
        )]),
        shims: root().join("assets/runtimes"),
        passed: Vec::new(),
        layers: Vec::new(),
    };
    let pool = Pool::new(
        launch,
        "arn:aws:lambda:us-east-1:000000000000:function:tests-dev-ric".into(),
        Duration::from_secs(10),
        None,
        store,
        PoolSettings::new(Duration::from_secs(20), 32),
    );
    let first = pool
        .invoke(id(1), Bytes::from(r#"{"name":"ada"}"#))
        .await
        .unwrap();
    assert!(first.cold);
    assert_eq!(json(&first)["hello"], "ada", "{:?}", first.log);
    let remaining = json(&first)["remaining_ms"].as_i64().unwrap();
    assert!(
        remaining > 0 && remaining <= 10_000,
        "the deadline header: {remaining}"
    );
    assert!(
        first
            .log
            .iter()
            .any(|l| l.contains("awslambdaric handled ada")),
        "{:?}",
        first.log
    );
    let failed = pool
        .invoke(id(2), Bytes::from(r#"{"name":"bob","fail":true}"#))
        .await
        .unwrap();
    assert!(!failed.cold, "the same environment");
    assert_eq!(failed.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(json(&failed)["errorType"], "KeyError");
    assert_eq!(report(&failed).status, InvocationStatus::Error);
    pool.shutdown().await;
}
