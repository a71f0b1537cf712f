//! `stats` and `cost` never drop a region silently (issue 14, finding 3): a region whose function
//! list was denied, or whose token expired, is named in `errors[]` as missing from the figures,
//! the exit says partial (3), and the other region's figures are still there. The built binary
//! against the emulator, through the fault proxy denying one region.

mod support;

use serde_json::Value;
use support::aws_proxy::{AwsProxy, Fault, FaultRule, ProxyOptions, Quotas};
use support::cli::{mfn_command, output};
use support::emulator::Emulator;
use support::fleet::{EAST, WEST, seed_fleet};

/// Runs `args` over both regions through `proxy`; the exit code and the JSON document.
fn run(proxy: &AwsProxy, args: &[&str]) -> (Option<i32>, Value, String) {
    let mut cmd = mfn_command(&proxy.endpoint, EAST);
    cmd.args(["--region", WEST]).args(args);
    let (code, stdout, stderr) = output(cmd);
    let doc = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\nstderr: {stderr}"));
    (code, doc, stderr)
}

fn assert_west_is_missing(what: &str, code: Option<i32>, doc: &Value, stderr: &str) {
    assert_eq!(code, Some(3), "{what} exits partial: {stderr}");
    let errors: Vec<&str> = doc["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{what}: no errors[] in {doc}"))
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains(WEST) && e.contains("missing from the figures")),
        "{what} names the missing region: {errors:?}"
    );
    let functions = doc["functions"].as_array().unwrap();
    assert!(!functions.is_empty(), "{what} keeps the other region");
    assert!(
        functions.iter().all(|f| f["region"] == EAST),
        "{what}: {functions:?}"
    );
    assert!(
        stderr.contains(WEST),
        "{what} says it on stderr too: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_denied_region_is_named_as_missing_from_stats_and_cost_which_exit_partial() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let options = ProxyOptions::new().quotas(Quotas::unlimited()).fault(
        FaultRule::new(Fault::AccessDenied)
            .region(WEST)
            .operation("ListFunctions"),
    );
    let proxy = AwsProxy::start(&emulator.endpoint, options).await;

    let (code, doc, stderr) = run(&proxy, &["stats", "--json", "--source", "logs"]);
    assert_west_is_missing("stats", code, &doc, &stderr);
    let (code, doc, stderr) = run(&proxy, &["cost", "--json"]);
    assert_west_is_missing("cost", code, &doc, &stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_token_in_one_region_is_named_as_missing_too() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let options = ProxyOptions::new().quotas(Quotas::unlimited()).fault(
        FaultRule::new(Fault::ExpiredToken)
            .region(WEST)
            .operation("ListFunctions"),
    );
    let proxy = AwsProxy::start(&emulator.endpoint, options).await;

    let (code, doc, stderr) = run(&proxy, &["cost", "--json"]);
    assert_west_is_missing("cost", code, &doc, &stderr);
    let (code, doc, stderr) = run(&proxy, &["stats", "--json", "--source", "logs"]);
    assert_west_is_missing("stats", code, &doc, &stderr);
}
