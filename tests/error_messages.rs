//! Errors say what happened (issue 14, finding 9): throttling is called throttling, also when
//! the throttled retries run out of time; an expired token says to log in again with the
//! profile's name; a profile that does not exist is named with the files looked in; a denied
//! call still points at the IAM policy. The built binary through the fault proxy.

mod support;

use std::path::PathBuf;

use support::aws_proxy::{AwsProxy, Fault, FaultRule, ProxyOptions, Quotas};
use support::cli::{mfn_command, output};
use support::emulator::Emulator;
use support::fleet::EAST;

fn scratch(name: &str) -> PathBuf {
    support::scratch::dir("errmsg", name)
}

async fn faulty(emulator: &Emulator, fault: Fault) -> AwsProxy {
    let options = ProxyOptions::new()
        .quotas(Quotas::unlimited())
        .fault(FaultRule::new(fault).operation("ListFunctions"));
    AwsProxy::start(&emulator.endpoint, options).await
}

/// What `ls` said on stderr about `ListFunctions`.
fn listing_failure(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.contains("· ListFunctions:"))
        .unwrap_or_else(|| panic!("no ListFunctions failure in {stderr}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn throttled_retries_that_run_out_of_time_are_not_called_unreachable() {
    let emulator = Emulator::start();
    let proxy = faulty(&emulator, Fault::Throttle).await;
    let dir = scratch("throttle");
    let config = dir.join("config.toml");
    std::fs::write(&config, "[discovery]\noperation_timeout_ms = 2000\n").unwrap();

    let mut cmd = mfn_command(&proxy.endpoint, EAST);
    cmd.args(["--config", config.to_str().unwrap(), "ls"]);
    let (_, _, stderr) = output(cmd);
    let said = listing_failure(&stderr);
    assert!(
        !said.contains("cannot reach") && !said.contains("check the region"),
        "{said}"
    );
    assert!(
        said.contains("throttling") && said.contains("ListFunctions"),
        "{said}"
    );

    // With one attempt, the throttling error itself arrives and is called by its name.
    std::fs::write(&config, "[discovery]\nmax_attempts = 1\n").unwrap();
    let mut cmd = mfn_command(&proxy.endpoint, EAST);
    cmd.args(["--config", config.to_str().unwrap(), "ls"]);
    let (_, _, stderr) = output(cmd);
    let said = listing_failure(&stderr);
    assert!(
        said.contains("throttled: lambda refused ListFunctions over its rate quota"),
        "{said}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_token_says_to_log_in_again_with_the_profile_not_to_check_the_policy() {
    let emulator = Emulator::start();
    let proxy = faulty(&emulator, Fault::ExpiredToken).await;
    let dir = scratch("expired");
    std::fs::write(
        dir.join("aws-config"),
        "[profile dev]\nregion = us-east-1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("aws-credentials"),
        "[dev]\naws_access_key_id = test\naws_secret_access_key = test\n",
    )
    .unwrap();

    let mut cmd = mfn_command(&proxy.endpoint, EAST);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONFIG_FILE", dir.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("aws-credentials"))
        .args(["--profile", "dev", "ls", "--json"]);
    let (_, stdout, stderr) = output(cmd);
    let said = listing_failure(&stderr);
    assert!(!said.contains("IAM policy"), "{said}");
    assert!(
        said.contains("expired") && said.contains("aws sso login --profile dev"),
        "{said}"
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let kinds: Vec<&str> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"expired"), "{kinds:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_profile_that_does_not_exist_is_named_with_the_files_looked_in() {
    let emulator = Emulator::start();
    let dir = scratch("profile");
    let config = dir.join("aws-config");
    std::fs::write(&config, "[profile dev]\nregion = us-east-1\n").unwrap();

    let mut cmd = mfn_command(&emulator.endpoint, EAST);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONFIG_FILE", &config)
        .args(["--profile", "nope", "ls"]);
    let (code, _, stderr) = output(cmd);
    assert_ne!(code, Some(0));
    let said = listing_failure(&stderr);
    assert!(
        !said.contains("Ec2InstanceMetadata") && !said.contains("IMDS"),
        "{said}"
    );
    assert!(
        said.contains("profile `nope` is not defined in")
            && said.contains(config.to_str().unwrap()),
        "{said}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn access_denied_still_points_at_the_iam_policy() {
    let emulator = Emulator::start();
    let proxy = faulty(&emulator, Fault::AccessDenied).await;
    let (_, _, stderr) = output({
        let mut cmd = mfn_command(&proxy.endpoint, EAST);
        cmd.arg("ls");
        cmd
    });
    let said = listing_failure(&stderr);
    assert!(
        said.contains("access denied to ListFunctions") && said.contains("check the IAM policy"),
        "{said}"
    );
}
