//! The subcommands with `--local`: the same faces as against AWS, on the bundled demo fleet run
//! by the built binary (each run its own state directory).

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn scratch(name: &str) -> PathBuf {
    support::scratch::dir("local-cli", name)
}

/// `mfn-tui --local ARGS` with its own state and no terminal on stdin.
fn mfn(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut cmd = support::cli::local_command(dir);
    cmd.args(args);
    support::cli::output(cmd)
}

const ARTICLE_2: &str = r#"{"rawPath":"/articles/2","routeKey":"GET /articles/{id}","pathParameters":{"id":"2"},"requestContext":{"http":{"method":"GET"}}}"#;

#[test]
fn invoke_shows_the_answer_the_tail_and_the_report_and_refuses_bad_payloads() {
    let dir = scratch("invoke");
    let (code, stdout, stderr) = mfn(
        &dir,
        &[
            "invoke",
            "articles-dev-api",
            "--payload",
            ARTICLE_2,
            "--json",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["status"], 200);
    assert_eq!(doc["executed_version"], "$LATEST");
    assert_eq!(doc["payload"]["statusCode"], 200);
    assert!(
        doc["payload"]["body"]
            .as_str()
            .unwrap()
            .contains("Cold starts, measured")
    );
    assert_eq!(doc["report"]["cold"], true);
    assert!(doc["report"]["init_duration_ms"].as_f64().unwrap() > 0.0);
    assert!(doc["report"]["cost_usd"].as_f64().unwrap() > 0.0);
    assert!(
        doc["log_tail"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().contains("getArticle 2"))
    );

    let (code, _, stderr) = mfn(
        &dir,
        &["invoke", "articles-dev-api", "--payload", "{\"a\":"],
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("not valid JSON") && stderr.contains("nothing was sent"),
        "{stderr}"
    );
    let (code, _, stderr) = mfn(&dir, &["invoke", "nope-dev-fn"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no function `nope-dev-fn`"), "{stderr}");
    let (code, stdout, _) = mfn(
        &dir,
        &[
            "invoke",
            "comments-dev-getComment",
            "--payload",
            r#"{"pathParameters":{"id":"boom"}}"#,
        ],
    );
    assert_eq!(code, Some(1), "a function error fails the command");
    assert!(stdout.contains("FUNCTION ERROR Unhandled"), "{stdout}");
    let (code, stdout, _) = mfn(&dir, &["invoke", "articles-dev-api", "--dry-run"]);
    assert_eq!(code, Some(0));
    assert!(stdout.starts_with("status 204"), "{stdout}");
}

#[test]
fn stats_cost_and_logs_read_what_the_local_fleet_ran() {
    let dir = scratch("read");
    for _ in 0..3 {
        let (code, _, stderr) = mfn(
            &dir,
            &["invoke", "articles-dev-api", "--payload", ARTICLE_2],
        );
        assert_eq!(code, Some(0), "{stderr}");
    }
    let (code, stdout, stderr) = mfn(&dir, &["cost", "--json", "--since", "1h"]);
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let api = doc["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "articles-dev-api")
        .unwrap();
    assert_eq!(api["requests"], 3);
    assert!(api["total_usd"].as_f64().unwrap() > 0.0);
    assert!(
        api["api_gateway_usd"].as_f64().unwrap() > 0.0,
        "an HTTP API route reaches it"
    );
    let (code, stdout, _) = mfn(&dir, &["stats", "articles", "--json"]);
    assert_eq!(code, Some(0));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["services"][0]["invocations"], 3);
    // Each run of the CLI is a new process: every invocation above was a cold start.
    assert_eq!(doc["services"][0]["cold_starts"], 3);
    let (code, stdout, _) = mfn(&dir, &["logs", "articles", "--filter", "getArticle"]);
    assert_eq!(code, Some(0));
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
}

#[test]
fn bench_reports_cold_and_warm_latency_from_the_report_lines() {
    let dir = scratch("bench");
    let (code, stdout, stderr) = mfn(
        &dir,
        &[
            "bench",
            "comments-dev-getComments",
            "-n",
            "30",
            "-c",
            "3",
            "--json",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["invocations"], 30);
    let cold = doc["cold_starts"].as_u64().unwrap();
    assert!(
        (1..=3).contains(&cold),
        "at most one cold start per concurrent caller: {cold}"
    );
    assert!(doc["warm"]["p50_ms"].as_f64().unwrap() > 0.0);
    assert!(doc["init"]["p50_ms"].as_f64().unwrap() > doc["warm"]["p50_ms"].as_f64().unwrap());
    assert!(doc["round_trip"]["p99_ms"].as_f64().is_some());
    let (code, _, _) = mfn(&dir, &["bench", "comments-dev-getComments", "-n", "0"]);
    assert_eq!(code, Some(2));
}

#[test]
fn deploy_and_rollback_ask_for_yes_without_a_terminal_refuse_read_only_and_are_audited() {
    let dir = scratch("deploy");
    let f = "users-dev-register";
    let (code, _, stderr) = mfn(&dir, &["deploy", f, "--alias", "live"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("pass --yes"), "{stderr}");
    let (code, _, stderr) = mfn(
        &dir,
        &["--read-only", "deploy", f, "--alias", "live", "--yes"],
    );
    assert_eq!(code, Some(1));
    assert!(stderr.contains("--read-only"), "{stderr}");
    assert!(
        !dir.join("state/mfn-tui/audit.jsonl").exists(),
        "nothing changed, nothing audited"
    );

    let (code, stdout, stderr) = mfn(&dir, &["deploy", f, "--alias", "live", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("alias live moved from nothing to version 1"),
        "{stdout}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines[0].starts_with(&format!("deploy {f} in account")),
        "the plan first: {stderr}"
    );
    assert!(
        lines.contains(&"alias live does not exist yet; it is created"),
        "{stderr}"
    );
    assert_eq!(
        lines[lines.len() - 3..],
        [
            format!("{f}: reading the function and its revision…"),
            format!("{f}: publishing the code as a version…"),
            format!("{f}: moving alias live to version 1…"),
        ],
        "then each step on stderr as it starts"
    );
    let (code, stdout, _) = mfn(&dir, &["deploy", f, "--alias", "live", "--dry-run"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("runs version 1") && stdout.contains("nothing changed"),
        "{stdout}"
    );
    let (code, _, stderr) = mfn(&dir, &["rollback", f, "--alias", "live", "--yes"]);
    assert_eq!(code, Some(1), "version 1 is the oldest");
    assert!(
        stderr.contains("nothing to roll back to") && stderr.contains("nothing changed"),
        "{stderr}"
    );
    let (code, stdout, _) = mfn(&dir, &["ls", "--json"]);
    assert_eq!(code, Some(0));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let register = doc["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == f)
        .unwrap();
    assert_eq!(register["aliases"][0]["name"], "live");
    assert_eq!(register["versions"].as_array().unwrap().len(), 1);

    let audit = std::fs::read_to_string(dir.join("state/mfn-tui/audit.jsonl")).unwrap();
    let lines: Vec<Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "one change made: {audit}");
    assert_eq!(lines[0]["who"], "local:tester");
    assert_eq!(lines[0]["action"], "deploy");
    assert_eq!(lines[0]["function"], f);
    assert_eq!(lines[0]["after"]["version"], "1");
    assert!(lines[0]["code_after"].as_str().unwrap().len() > 20);
    assert!(!audit.contains("TOKEN_SECRET") && !audit.contains("local-demo-secret"));
}

#[test]
fn rolling_back_latest_is_refused_locally_and_an_alias_must_be_named_when_there_are_some() {
    let dir = scratch("restore");
    let f = "users-dev-login";
    let (code, _, stderr) = mfn(&dir, &["rollback", f, "--yes"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("no published version has other code than $LATEST"),
        "{stderr}"
    );
    let (code, _, stderr) = mfn(&dir, &["deploy", f, "--alias", "live", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = mfn(&dir, &["rollback", f, "--yes"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("served through aliases (live)") && stderr.contains("--alias"),
        "{stderr}"
    );
    let (code, _, stderr) = mfn(
        &dir,
        &["rollback", f, "--alias", "$LATEST", "--to", "1", "--yes"],
    );
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("will not overwrite") && stderr.contains("nothing changed"),
        "{stderr}"
    );
    let audit = std::fs::read_to_string(dir.join("state/mfn-tui/audit.jsonl")).unwrap();
    assert_eq!(audit.lines().count(), 1, "only the deploy: {audit}");
}

/// `mfn-tui --local DIR ARGS`.
fn mfn_in(dir: &Path, services: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec![services.to_str().unwrap()];
    all.extend_from_slice(args);
    mfn(dir, &all)
}

#[test]
fn a_canary_splits_an_alias_shows_both_versions_and_is_promoted() {
    let dir = scratch("canary");
    let services = support::local::greeter(&dir);
    let f = "greeter-dev-hello";
    let (code, _, stderr) = mfn_in(&dir, &services, &["deploy", f, "--alias", "live", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    support::local::set_answer(&services, "v2");
    let (code, stdout, _) = mfn_in(&dir, &services, &["deploy", f, "--alias", "live", "--yes"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("from version 1 to version 2"), "{stdout}");

    let (code, _, stderr) = mfn_in(
        &dir,
        &services,
        &[
            "canary",
            f,
            "--alias",
            "live",
            "--version",
            "1",
            "--weight",
            "150%",
            "--yes",
        ],
    );
    assert_eq!(code, Some(2), "{stderr}");
    let (code, stdout, stderr) = mfn_in(
        &dir,
        &services,
        &[
            "canary",
            f,
            "--alias",
            "live",
            "--version",
            "1",
            "--weight",
            "50%",
            "--yes",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("to version 2 (50% to version 1)"),
        "{stdout}"
    );
    for _ in 0..16 {
        let (code, _, _) = mfn_in(&dir, &services, &["invoke", f, "--qualifier", "live"]);
        assert_eq!(code, Some(0));
    }
    let (code, stdout, _) = mfn_in(
        &dir,
        &services,
        &["canary", f, "--alias", "live", "--status"],
    );
    assert_eq!(code, Some(0));
    let rows: Vec<&str> = stdout.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    let invokes = |row: &str| {
        row.split_whitespace()
            .nth(2)
            .unwrap()
            .parse::<u32>()
            .unwrap()
    };
    assert_eq!(invokes(rows[0]) + invokes(rows[1]), 16, "{stdout}");
    assert!(
        invokes(rows[0]) > 0 && invokes(rows[1]) > 0,
        "both versions answered: {stdout}"
    );

    let (code, stdout, _) = mfn_in(
        &dir,
        &services,
        &["canary", f, "--alias", "live", "--promote", "--yes"],
    );
    assert_eq!(code, Some(0));
    assert!(stdout.contains("to version 1"), "{stdout}");
    let (code, _, stderr) = mfn_in(
        &dir,
        &services,
        &["canary", f, "--alias", "live", "--abort", "--yes"],
    );
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("no canary") && stderr.contains("nothing changed"),
        "{stderr}"
    );
    let audit = std::fs::read_to_string(dir.join("state/mfn-tui/audit.jsonl")).unwrap();
    let actions: Vec<String> = audit
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["action"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        actions,
        vec!["deploy", "deploy", "canary-start", "canary-promote"]
    );
}
