//! The budget against AWS's quotas: the emulator behind the loopback test proxy, which answers
//! like AWS (`TooManyRequestsException`, `ThrottlingException`) past each API's published
//! quota per account and region. The subcommands finish complete, with no call throttled and
//! none failed, and spend the control plane only on what they print.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::aws_proxy::{ApiClass, AwsProxy, ProxyOptions};
use support::cli::mfn_against;
use support::emulator::Emulator;
use support::seed::{Seeder, seed_many};

const REGION: &str = "us-east-1";
const SERVICES: usize = 15;
const PER_SERVICE: usize = 8;

async fn seeded_behind_the_quotas() -> (Emulator, AwsProxy) {
    let emulator = Emulator::start();
    let role = emulator.create_lambda_role();
    let seeder = Seeder::new(&emulator, REGION, &role).await;
    seed_many(&seeder, SERVICES, PER_SERVICE, 16).await;
    let proxy = AwsProxy::start(
        &emulator.endpoint,
        ProxyOptions::new().latency(Duration::from_millis(20)),
    )
    .await;
    (emulator, proxy)
}

#[tokio::test(flavor = "multi_thread")]
async fn ls_lists_every_alias_under_the_quotas_with_no_call_throttled() {
    let (_emulator, proxy) = seeded_behind_the_quotas().await;
    let (code, stdout, stderr) = mfn_against(&proxy.endpoint, REGION, &["ls", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let functions = doc["functions"].as_array().unwrap();
    assert_eq!(functions.len(), SERVICES * PER_SERVICE);
    assert_eq!(doc["errors"], Value::Array(vec![]));
    for f in functions {
        let name = f["name"].as_str().unwrap();
        let aliased = name.ends_with("fn000") || name.ends_with("fn004");
        assert_eq!(
            f["aliases"].as_array().unwrap().len(),
            usize::from(aliased),
            "{name}"
        );
        assert_eq!(
            f["versions"].as_array().unwrap().len(),
            usize::from(aliased),
            "{name}"
        );
    }
    let counts = proxy.counts();
    let total = counts.total();
    assert_eq!(total.throttled, 0, "{}", counts.summary());
    // One ListAliases a function, and versions in a walk, not a call a function.
    let control = counts.class(ApiClass::LambdaControl).seen as usize;
    assert!(
        control <= SERVICES * PER_SERVICE + 10,
        "{control} control-plane calls: {}",
        counts.summary()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn stats_reads_no_version_or_alias_for_its_figures() {
    let (_emulator, proxy) = seeded_behind_the_quotas().await;
    let (code, stdout, stderr) =
        mfn_against(&proxy.endpoint, REGION, &["stats", "svc000", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["functions"].as_array().unwrap().len(), PER_SERVICE);
    let counts = proxy.counts();
    assert_eq!(counts.total().throttled, 0, "{}", counts.summary());
    assert!(
        counts.class(ApiClass::LambdaControl).seen <= 3,
        "the function list and event sources only: {}",
        counts.summary()
    );
    assert_eq!(
        counts.class(ApiClass::LogsFilterLogEvents).seen as usize,
        PER_SERVICE,
        "one read of each function's log group: {}",
        counts.summary()
    );
}
