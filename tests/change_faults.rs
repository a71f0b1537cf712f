//! A change meeting a fault after something left: the emulator behind the loopback test proxy,
//! which lets `UpdateFunctionCode` reach moto and then never answers. The change says the code
//! may have changed and how to check (not "unreachable"), its own upload budget decides how
//! long it waits, nothing is published, the alias stays, and the audit log has the attempt.

mod support;

use std::time::Duration;

use mfn_tui::audit::AuditLog;
use mfn_tui::fleet::aws::{AwsFleet, Clients, Timeouts};
use mfn_tui::fleet::change::{Change, Safety, apply, plan};
use mfn_tui::fleet::{CodeSource, Fleet, FleetError, Target};
use support::aws_proxy::{AwsProxy, Fault, FaultRule, ProxyOptions};
use support::emulator::Emulator;
use support::seed::{FunctionSpec, Seeder, zip_bytes};

const REGION: &str = "us-east-1";
const NAME: &str = "billing-dev-invoice";

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_whose_answer_never_comes_says_the_code_may_have_changed() {
    let emulator = Emulator::start();
    let role = emulator.create_lambda_role();
    let seeder = Seeder::new(&emulator, REGION, &role).await;
    seeder.function(&FunctionSpec::new(NAME)).await;
    seeder.publish(NAME, "first", "first").await;
    seeder.alias(NAME, "live", "1", None).await;

    let proxy = AwsProxy::start(
        &emulator.endpoint,
        ProxyOptions::new()
            .fault(FaultRule::new(Fault::Hang).operation("UpdateFunctionCode"))
            .quotas(support::aws_proxy::Quotas::unlimited()),
    )
    .await;
    let target = Target::new(None, REGION);
    let fleet = AwsFleet::with_clients(
        vec![(
            target.clone(),
            Clients::from_sdk_config(&proxy.sdk_config(REGION).await),
        )],
        4,
    )
    .with_timeouts(Timeouts {
        upload: Duration::from_secs(2),
        ..Timeouts::default()
    });
    let f = fleet.function(&target, NAME).await.unwrap().unwrap();
    let deploy = Change::Deploy {
        source: CodeSource::Zip(zip_bytes("second").into()),
        alias: "live".into(),
    };
    let plan = plan(&f, deploy, &Safety::default()).unwrap();
    let audit_path =
        std::env::temp_dir().join(format!("mfn-change-faults-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&audit_path);
    let (steps, _started) = tokio::sync::mpsc::unbounded_channel();
    let outcome = apply(&fleet, &plan, &AuditLog::at(&audit_path), steps).await;

    let error = outcome.result.clone().unwrap_err();
    assert!(matches!(error, FleetError::Partial { .. }), "{error:?}");
    let said = outcome.summary();
    assert!(
        said.contains("no answer within 2 s ([timeouts] upload_ms)")
            && said.contains("may already have changed")
            && said.contains("mfn-tui ls --json"),
        "{said}"
    );
    assert!(!said.contains("unreachable"), "{said}");
    proxy.clear_faults();
    let now = fleet.function(&target, NAME).await.unwrap().unwrap();
    assert_eq!(now.versions.len(), 1, "nothing was published");
    assert_eq!(now.aliases[0].version, "1", "the alias stayed");
    let audit = std::fs::read_to_string(&audit_path).unwrap();
    let line: serde_json::Value = serde_json::from_str(audit.lines().last().unwrap()).unwrap();
    assert_eq!(line["outcome"], "partial");
    assert_eq!(line["action"], "deploy");
    let _ = std::fs::remove_file(&audit_path);
}
