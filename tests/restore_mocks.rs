//! Rolling back a function served at `$LATEST` (no alias) on AWS: a published version's package
//! is downloaded and sent back as `$LATEST`'s code, guarded by the revision read before.
//!
//! `aws-smithy-mocks` answers Lambda here because the emulator cannot serve this path: moto's
//! `GetFunction` gives every version an `https://awslambda-REGION-tasks.s3…amazonaws.com/…`
//! address that nothing on this machine serves (and tests reach only loopback), and it ignores
//! `RevisionId`. The package itself is downloaded for real, over the SDK's HTTP client, from a
//! loopback server standing in for the presigned S3 address.

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_sdk_lambda::operation::get_function::{GetFunctionError, GetFunctionOutput};
use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;
use aws_sdk_lambda::operation::list_aliases::ListAliasesOutput;
use aws_sdk_lambda::operation::list_versions_by_function::ListVersionsByFunctionOutput;
use aws_sdk_lambda::operation::update_function_code::{
    UpdateFunctionCodeError, UpdateFunctionCodeOutput,
};
use aws_sdk_lambda::types::error::{PreconditionFailedException, ResourceNotFoundException};
use aws_sdk_lambda::types::{
    Architecture, FunctionCodeLocation, FunctionConfiguration, LastUpdateStatus,
};
use aws_smithy_mocks::{MockResponse, Rule, mock};
use mfn_tui::app::modal::Dialog;
use mfn_tui::app::state::View;
use mfn_tui::audit::AuditLog;
use mfn_tui::fleet::artifact::{DIRECT_UPLOAD_LIMIT, code_sha256};
use mfn_tui::fleet::aws::AwsFleet;
use mfn_tui::fleet::{CodeRestore, Step};
use mfn_tui::fleet::{DiscoveryEvent, Fleet, FleetError, Function, Target};
use support::mocks::clients;
use support::package::PackageServer;
use support::screen::Screen;

const NAME: &str = "billing-prod-invoice";
const REGION: &str = "eu-west-1";
const ARN: &str = "arn:aws:lambda:eu-west-1:123456789012:function:billing-prod-invoice";

/// Version 1's package, and the code `$LATEST` runs at first (also published, as version 2).
const GOOD: &[u8] = b"PK\x03\x04 version one: the invoice code that worked";
const NOW: &[u8] = b"PK\x03\x04 version two: the invoice code that broke";

/// What `UpdateFunctionCode` was sent.
#[derive(Debug, Clone)]
struct Sent {
    zip: Vec<u8>,
    revision: Option<String>,
    architectures: Vec<Architecture>,
    publish: Option<bool>,
}

/// The function as the mocked Lambda holds it: `$LATEST`'s code and revision, the published
/// versions' code, and what it was sent.
struct Lambda {
    latest: Mutex<(String, u32)>,
    versions: BTreeMap<String, String>,
    location: String,
    /// What `LastUpdateStatus` says after an update.
    settles_as: LastUpdateStatus,
    /// Someone changed the function between our read and our update.
    conflict: bool,
    sent: Mutex<Vec<Sent>>,
}

impl Lambda {
    fn new(location: String) -> Arc<Lambda> {
        Arc::new(Lambda {
            latest: Mutex::new((code_sha256(NOW), 1)),
            versions: BTreeMap::from([
                ("1".to_string(), code_sha256(GOOD)),
                ("2".to_string(), code_sha256(NOW)),
            ]),
            location,
            settles_as: LastUpdateStatus::Successful,
            conflict: false,
            sent: Mutex::default(),
        })
    }

    fn latest_sha(&self) -> String {
        self.latest.lock().unwrap().0.clone()
    }

    fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }

    /// The rules answering the calls a restore, and reading the function again, make.
    fn rules(self: &Arc<Self>) -> Vec<Rule> {
        let me = self.clone();
        let configuration = mock!(aws_sdk_lambda::Client::get_function_configuration)
            .then_compute_output(move |_| {
                let (sha, revision) = me.latest.lock().unwrap().clone();
                let status = if revision > 1 {
                    me.settles_as.clone()
                } else {
                    LastUpdateStatus::Successful
                };
                GetFunctionConfigurationOutput::builder()
                    .function_name(NAME)
                    .function_arn(ARN)
                    .runtime(aws_sdk_lambda::types::Runtime::Python312)
                    .architectures(Architecture::Arm64)
                    .code_sha256(sha)
                    .code_size(NOW.len() as i64)
                    .revision_id(format!("rev-{revision}"))
                    .last_update_status(status)
                    .last_update_status_reason("the image could not be unpacked")
                    .build()
            });
        let me = self.clone();
        let function =
            mock!(aws_sdk_lambda::Client::get_function).then_compute_response(move |input| {
                let version = input.qualifier().unwrap_or("$LATEST");
                let latest = me.latest_sha();
                let sha = match version {
                    "$LATEST" => Some(&latest),
                    v => me.versions.get(v),
                };
                match sha {
                    Some(sha) => MockResponse::Output(
                        GetFunctionOutput::builder()
                            .configuration(
                                FunctionConfiguration::builder()
                                    .function_name(NAME)
                                    .function_arn(format!("{ARN}:{version}"))
                                    .version(version)
                                    .code_sha256(sha)
                                    .architectures(Architecture::Arm64)
                                    .environment(
                                        aws_sdk_lambda::types::EnvironmentResponse::builder()
                                            .variables("TABLE", "invoices")
                                            .build(),
                                    )
                                    .build(),
                            )
                            .code(
                                FunctionCodeLocation::builder()
                                    .repository_type("S3")
                                    .location(&me.location)
                                    .build(),
                            )
                            .build(),
                    ),
                    None => MockResponse::Error(GetFunctionError::ResourceNotFoundException(
                        ResourceNotFoundException::builder()
                            .message(format!("Function not found: {ARN}:{version}"))
                            .build(),
                    )),
                }
            });
        let me = self.clone();
        let update = mock!(aws_sdk_lambda::Client::update_function_code).then_compute_response(
            move |input| {
                if me.conflict {
                    return MockResponse::Error(
                        UpdateFunctionCodeError::PreconditionFailedException(
                            PreconditionFailedException::builder()
                                .message("The Revision Id provided does not match the latest Revision Id")
                                .build(),
                        ),
                    );
                }
                let zip = input
                    .zip_file()
                    .map(|b| b.as_ref().to_vec())
                    .unwrap_or_default();
                me.sent.lock().unwrap().push(Sent {
                    zip: zip.clone(),
                    revision: input.revision_id().map(str::to_owned),
                    architectures: input.architectures().to_vec(),
                    publish: input.publish(),
                });
                let mut latest = me.latest.lock().unwrap();
                *latest = (code_sha256(&zip), latest.1 + 1);
                MockResponse::Output(
                    UpdateFunctionCodeOutput::builder()
                        .function_arn(ARN)
                        .code_sha256(latest.0.clone())
                        .last_update_status(LastUpdateStatus::InProgress)
                        .build(),
                )
            },
        );
        let me = self.clone();
        let versions = mock!(aws_sdk_lambda::Client::list_versions_by_function)
            .then_compute_output(move |_| {
                let mut out = ListVersionsByFunctionOutput::builder();
                for (version, sha) in &me.versions {
                    out = out.versions(
                        FunctionConfiguration::builder()
                            .version(version)
                            .code_sha256(sha)
                            .last_modified("2026-11-20T10:00:00.000+0000")
                            .state(aws_sdk_lambda::types::State::Active)
                            .description(format!("release {version}"))
                            .build(),
                    );
                }
                out.build()
            });
        let aliases = mock!(aws_sdk_lambda::Client::list_aliases)
            .then_output(|| ListAliasesOutput::builder().build());
        vec![configuration, function, update, versions, aliases]
    }

    fn fleet(self: &Arc<Self>) -> AwsFleet {
        let rules = self.rules();
        let refs: Vec<&Rule> = rules.iter().collect();
        AwsFleet::with_clients(vec![(Target::new(None, REGION), clients(&refs, &[]))], 4)
    }
}

fn function() -> Function {
    let mut f = Function::new(NAME, ARN, REGION);
    f.code_sha256 = code_sha256(NOW);
    f
}

async fn restore(lambda: &Arc<Lambda>, version: &str) -> Result<CodeRestore, FleetError> {
    restore_steps(lambda, version).await.0
}

/// The restore's outcome and the steps it reported as they started.
async fn restore_steps(
    lambda: &Arc<Lambda>,
    version: &str,
) -> (Result<CodeRestore, FleetError>, Vec<Step>) {
    let (steps, mut started) = tokio::sync::mpsc::unbounded_channel();
    let outcome = lambda.fleet().restore(&function(), version, steps).await;
    let mut seen = Vec::new();
    while let Ok(step) = started.try_recv() {
        seen.push(step);
    }
    (outcome, seen)
}

#[tokio::test]
async fn latest_gets_the_versions_own_package_under_the_revision_read_before() {
    let server = PackageServer::start(200, GOOD.to_vec()).await;
    let lambda = Lambda::new(server.location());
    let (change, steps) = restore_steps(&lambda, "1").await;
    assert_eq!(
        steps,
        vec![
            Step::Reading,
            Step::Downloading {
                version: "1".into()
            },
            Step::Sending {
                bytes: Some(GOOD.len())
            },
            Step::Waiting { elapsed_s: 0 },
        ]
    );
    assert_eq!(
        change.unwrap(),
        CodeRestore {
            function: NAME.into(),
            qualifier: "$LATEST".into(),
            version: "1".into(),
            code_before: Some(code_sha256(NOW)),
            code_after: code_sha256(GOOD),
        }
    );
    let sent = lambda.sent();
    assert_eq!(sent.len(), 1, "one update");
    assert_eq!(sent[0].zip, GOOD, "the package downloaded, byte for byte");
    assert_eq!(sent[0].revision.as_deref(), Some("rev-1"), "guarded");
    assert_eq!(sent[0].architectures, vec![Architecture::Arm64]);
    assert_ne!(sent[0].publish, Some(true), "nothing is published");
    assert_eq!(lambda.latest_sha(), code_sha256(GOOD));
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_package_that_is_not_the_versions_code_changes_nothing() {
    let server = PackageServer::start(200, b"PK\x03\x04 something else".to_vec()).await;
    let lambda = Lambda::new(server.location());
    let e = restore(&lambda, "1").await.unwrap_err().after_change();
    assert!(e.contains("not the version's"), "{e}");
    assert!(e.ends_with("nothing changed"), "{e}");
    assert!(lambda.sent().is_empty());
    assert_eq!(lambda.latest_sha(), code_sha256(NOW));
}

#[tokio::test]
async fn an_expired_address_is_reported_without_its_signature() {
    let server = PackageServer::start(403, b"<Error>AccessDenied</Error>".to_vec()).await;
    let lambda = Lambda::new(server.location());
    let e = restore(&lambda, "1").await.unwrap_err().after_change();
    assert!(e.contains("HTTP 403") && e.contains("try again"), "{e}");
    assert!(!e.contains("SIGNATURE") && !e.contains("TOKEN"), "{e}");
    assert!(e.ends_with("nothing changed"), "{e}");
    assert!(lambda.sent().is_empty());
}

#[tokio::test]
async fn a_package_over_the_direct_upload_limit_is_refused_with_a_hint_to_use_s3() {
    let mut big = GOOD.to_vec();
    big.resize(DIRECT_UPLOAD_LIMIT + 1, b' ');
    let server = PackageServer::start(200, big).await;
    let lambda = Lambda::new(server.location());
    let e = restore(&lambda, "1").await.unwrap_err().after_change();
    assert!(e.contains("over 50 MB") && e.contains("--s3"), "{e}");
    assert!(e.ends_with("nothing changed"), "{e}");
    assert!(lambda.sent().is_empty());
}

#[tokio::test]
async fn an_unknown_version_is_refused_before_anything_is_downloaded() {
    let server = PackageServer::start(200, GOOD.to_vec()).await;
    let lambda = Lambda::new(server.location());
    let e = restore(&lambda, "9").await.unwrap_err().after_change();
    assert!(e.contains("has no published version 9"), "{e}");
    let e = restore(&lambda, "$LATEST").await.unwrap_err().to_string();
    assert!(e.contains("choose one by number"), "{e}");
    assert_eq!(server.requests(), 0);
    assert!(lambda.sent().is_empty());
}

#[tokio::test]
async fn a_concurrent_change_is_a_clear_conflict_and_nothing_changes() {
    let server = PackageServer::start(200, GOOD.to_vec()).await;
    let mut lambda = Lambda::new(server.location());
    Arc::get_mut(&mut lambda).unwrap().conflict = true;
    let e = restore(&lambda, "1").await.unwrap_err().after_change();
    assert!(e.contains("revision conflict"), "{e}");
    assert!(e.ends_with("nothing changed"), "{e}");
    assert_eq!(lambda.latest_sha(), code_sha256(NOW));
}

#[tokio::test]
async fn an_update_that_fails_after_the_code_was_sent_says_what_state_it_left() {
    let server = PackageServer::start(200, GOOD.to_vec()).await;
    let mut lambda = Lambda::new(server.location());
    Arc::get_mut(&mut lambda).unwrap().settles_as = LastUpdateStatus::Failed;
    let error = restore(&lambda, "1").await.unwrap_err();
    assert!(matches!(error, FleetError::Partial { .. }), "{error:?}");
    let e = error.after_change();
    assert!(
        e.contains("the image could not be unpacked")
            && e.contains("was sent version 1's code")
            && e.contains(&code_sha256(NOW)),
        "{e}"
    );
    assert!(!e.contains("nothing changed"), "something did: {e}");
}

#[tokio::test]
async fn latest_already_running_that_code_sends_nothing() {
    let server = PackageServer::start(200, NOW.to_vec()).await;
    let lambda = Lambda::new(server.location());
    let change = restore(&lambda, "2").await.unwrap();
    assert!(change.unchanged());
    assert_eq!(server.requests(), 0);
    assert!(lambda.sent().is_empty());
}

/// The TUI end to end: `B` on a function without aliases offers `$LATEST`, the versions with
/// other code, and after confirming, version 1's code runs, the view shows it, and the audit
/// log has it.
#[tokio::test]
async fn the_tui_rolls_latest_back_by_keys_and_audits_it() {
    let audit = std::env::temp_dir().join(format!("mfn-restore-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&audit);
    let server = PackageServer::start(200, GOOD.to_vec()).await;
    let lambda = Lambda::new(server.location());
    let mut screen = Screen::new(lambda.fleet(), 120, 30, false);
    screen.app.audit = AuditLog::at(&audit);
    let mut f = function();
    f.versions = lambda
        .fleet()
        .function(&Target::new(None, REGION), NAME)
        .await
        .unwrap()
        .unwrap()
        .versions;
    let state = &mut screen.app.state;
    state.inventory.apply(DiscoveryEvent::Functions {
        target: Target::new(None, REGION),
        functions: vec![f],
    });
    state.view = View::Function { arn: ARN.into() };
    screen.keys("B").await;
    let Some(Dialog::Rollback(dialog)) = screen.app.state.modal.as_ref().map(|m| &m.dialog) else {
        panic!("the rollback dialog is open");
    };
    assert!(dialog.alias().is_none(), "it offers $LATEST");
    insta::assert_snapshot!("restore_dialog", screen.frame());
    screen.keys("<enter>y").await;
    assert!(
        lambda.sent().is_empty(),
        "a protected stage takes the name, not y"
    );
    screen.keys(&format!("<esc><enter>{NAME}<enter>")).await;
    while screen.app.state.modal.is_some() {
        screen.app.next_batch().await;
    }
    let text = screen.text();
    assert!(text.contains("$LATEST runs version 1's code now"), "{text}");
    assert_eq!(lambda.sent().len(), 1);
    let shown = screen.app.state.inventory.function(ARN).unwrap();
    assert_eq!(shown.code_sha256, code_sha256(GOOD), "read again");
    assert_eq!(
        shown.environment.keys().collect::<Vec<_>>(),
        vec!["TABLE"],
        "the function read again keeps its environment"
    );

    let written = std::fs::read_to_string(&audit).unwrap();
    let line: serde_json::Value = serde_json::from_str(written.lines().last().unwrap()).unwrap();
    assert_eq!(line["action"], "restore");
    assert_eq!(line["outcome"], "done");
    assert_eq!(line["who"], support::mocks::CALLER);
    assert_eq!(line["function"], NAME);
    assert_eq!(line["arn"], ARN);
    assert_eq!(line["account"], "123456789012");
    assert_eq!(line["region"], REGION);
    assert_eq!(line["qualifier"], "$LATEST");
    assert_eq!(line["version"], "1");
    assert_eq!(line["code_before"], code_sha256(NOW).as_str());
    assert_eq!(line["code_after"], code_sha256(GOOD).as_str());
    let _ = std::fs::remove_file(&audit);
}
