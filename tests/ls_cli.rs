//! `mfn-tui ls` as a script uses it: the built binary against the emulator, with credentials and
//! endpoint from flags or the standard environment variables.

mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;
use support::emulator::{ACCOUNT, Emulator};
use support::fleet::{EAST, SECRET, WEST, seed_fleet};

/// A scratch directory for one test's config and log files.
fn scratch(name: &str) -> PathBuf {
    support::scratch::dir("ls", name)
}

/// The binary with a clean AWS environment: throwaway keys, no shared files, no user config.
fn mfn(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mfn-tui"));
    for var in [
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_CONFIG_FILE", dir.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("MFN_TUI_LOG_FILE", dir.join("mfn-tui.log"))
        .env("MFN_TUI_LOG", "debug");
    cmd
}

fn run(cmd: &mut Command) -> (Output, String, String) {
    let out = cmd.output().expect("run mfn-tui");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

fn function<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("{name} missing from {doc}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn ls_json_lists_services_and_functions_of_two_regions_with_stable_fields() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let dir = scratch("json");
    let (out, stdout, stderr) = run(mfn(&dir).args([
        "ls",
        "--json",
        "--endpoint-url",
        &emulator.endpoint,
        "--region",
        EAST,
        "--region",
        WEST,
    ]));
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    let doc: Value = serde_json::from_str(&stdout).expect("stdout is JSON");

    let services = doc["services"].as_array().unwrap();
    assert_eq!(services.len(), 7);
    let users_dev = services
        .iter()
        .find(|s| s["name"] == "users" && s["stage"] == "dev")
        .expect("users/dev");
    assert_eq!(users_dev["region"], EAST);
    assert_eq!(users_dev["account"], ACCOUNT);
    assert_eq!(
        users_dev["functions"],
        serde_json::json!(["users-dev-login", "users-dev-register"])
    );

    assert_eq!(doc["functions"].as_array().unwrap().len(), 10);
    let login = function(&doc, "users-dev-login");
    for field in [
        "name",
        "arn",
        "service",
        "stage",
        "region",
        "account",
        "grouped_by",
        "runtime",
        "architecture",
        "memory_mb",
        "timeout_s",
        "code_sha256",
        "last_modified",
        "versions",
        "aliases",
        "routes",
    ] {
        assert!(login.get(field).is_some(), "functions[] lacks `{field}`");
    }
    assert_eq!(login["service"], "users");
    assert_eq!(login["grouped_by"], "stack");
    assert_eq!(login["architecture"], "arm64");
    assert_eq!(login["memory_mb"], 256);
    assert_eq!(login["timeout_s"], 10);
    assert_eq!(login["aliases"][0]["name"], "live");
    assert_eq!(login["aliases"][0]["version"], "2");
    assert_eq!(
        login["aliases"][0]["weights"],
        serde_json::json!({"1": 0.1, "2": 0.9})
    );
    assert_eq!(login["versions"][1]["version"], "2");
    assert_eq!(
        login["routes"],
        serde_json::json!([{"api": "users-api", "api_id": login["routes"][0]["api_id"], "kind": "http",
            "method": "POST", "path": "/login", "qualifier": "live"}])
    );
    assert_eq!(function(&doc, "legacy-cron")["service"], "(ungrouped)");
    assert_eq!(function(&doc, "reports-generator")["region"], WEST);

    // Environment values are secrets: only their names are listed, and nothing logs them.
    assert_eq!(
        function(&doc, "articles-prod-api")["environment"],
        serde_json::json!(["DB_PASSWORD", "TABLE"])
    );
    assert!(!stdout.contains(SECRET));
    assert_eq!(
        function(&doc, "articles-prod-api")["ephemeral_storage_mb"],
        1024
    );
    assert_eq!(login["ephemeral_storage_mb"], 512);
    let log = std::fs::read_to_string(dir.join("mfn-tui.log")).unwrap_or_default();
    assert!(!log.contains(SECRET), "the log holds a secret");
}

#[tokio::test(flavor = "multi_thread")]
async fn global_flags_work_before_the_subcommand_and_the_endpoint_comes_from_the_environment() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let dir = scratch("table");
    let (out, stdout, stderr) = run(mfn(&dir)
        .env("AWS_ENDPOINT_URL", &emulator.endpoint)
        .args(["--region", WEST, "ls"]));
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("SERVICE"), "{stdout}");
    let login = lines
        .iter()
        .find(|l| l.contains("users-prod-login"))
        .expect("a users-prod-login line");
    for cell in ["users", "prod", WEST, ACCOUNT, "live", "naming"] {
        assert!(login.contains(cell), "`{cell}` missing from `{login}`");
    }
    assert!(stdout.contains("3 functions in 2 services"), "{stdout}");
    assert!(
        !stdout.contains("users-dev-login"),
        "us-east-1 was not asked for"
    );
}

#[test]
fn an_unreachable_endpoint_fails_with_a_message_and_exit_code_1() {
    let dir = scratch("unreachable");
    std::fs::write(
        dir.join("fast.toml"),
        "[discovery]\nmax_attempts = 1\nconnect_timeout_ms = 300\noperation_timeout_ms = 2000\n",
    )
    .unwrap();
    // Nothing listens on port 9 of loopback.
    let (out, stdout, stderr) = run(mfn(&dir).args([
        "ls",
        "--json",
        "--region",
        EAST,
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--config",
        dir.join("fast.toml").to_str().unwrap(),
    ]));
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains("cannot reach lambda"), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).expect("JSON even on failure");
    assert!(
        doc["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "unreachable")
    );
}

#[test]
fn missing_credentials_are_named_as_such_with_what_to_do() {
    let dir = scratch("nocreds");
    let (out, _, stderr) = run(mfn(&dir)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args([
            "ls",
            "--region",
            EAST,
            "--endpoint-url",
            "http://127.0.0.1:9",
        ]));
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains("no usable credentials"), "{stderr}");
    assert!(stderr.contains("AWS_PROFILE"), "{stderr}");
}

#[test]
fn a_bad_config_key_is_named_and_nothing_runs() {
    let dir = scratch("badconfig");
    std::fs::write(dir.join("bad.toml"), "[discovery]\nconcurency = 4\n").unwrap();
    let (out, _, stderr) = run(mfn(&dir).args([
        "ls",
        "--region",
        EAST,
        "--config",
        dir.join("bad.toml").to_str().unwrap(),
    ]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("concurency") && stderr.contains("bad.toml"),
        "{stderr}"
    );
}

#[test]
fn bad_usage_exits_2_and_the_dashboard_refuses_to_start_without_a_terminal() {
    let dir = scratch("usage");
    let (out, _, _) = run(mfn(&dir).args(["ls", "--jsn"]));
    assert_eq!(out.status.code(), Some(2));
    let (out, _, stderr) = run(mfn(&dir).args(["--region", EAST]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("needs a terminal"), "{stderr}");
}
