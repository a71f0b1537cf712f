//! The change path on AWS through the SDK, with `aws-smithy-mocks` answering what the emulator
//! cannot show: moto publishes every version `Active` at once (no SnapStart `Pending`, no
//! `Failed`), ignores `RevisionId` (no conflict), only echoes an invoke without Docker (no log
//! tail), has no container images, and finds a namesake by name whatever account an ARN names.
//! Each test goes through the core's `plan` and `apply` where the faces do.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aws_sdk_lambda::operation::get_alias::GetAliasOutput;
use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;
use aws_sdk_lambda::operation::invoke::InvokeOutput;
use aws_sdk_lambda::operation::list_versions_by_function::ListVersionsByFunctionOutput;
use aws_sdk_lambda::operation::publish_version::{PublishVersionError, PublishVersionOutput};
use aws_sdk_lambda::operation::update_alias::{UpdateAliasError, UpdateAliasOutput};
use aws_sdk_lambda::operation::update_function_code::UpdateFunctionCodeOutput;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::error::{PreconditionFailedException, ServiceException};
use aws_sdk_lambda::types::{
    FunctionCodeLocation, FunctionConfiguration, InvocationType as SdkType, LastUpdateStatus,
    LogType, State,
};
use aws_smithy_mocks::{Rule, mock};
use base64::Engine;
use mfn_tui::audit::AuditLog;
use mfn_tui::fleet::aws::{AwsFleet, Timeouts};
use mfn_tui::fleet::change::{Change, Outcome, Safety, apply, plan};
use mfn_tui::fleet::{
    AliasTarget, CodeSource, Fleet, FleetError, Function, InvocationType, InvokeRequest, Step,
    Target,
};
use support::mocks::clients;

const NAME: &str = "users-prod-login";
const REGION: &str = "eu-west-1";
const ARN: &str = "arn:aws:lambda:eu-west-1:123456789012:function:users-prod-login";

fn fleet(rules: &[&Rule]) -> AwsFleet {
    AwsFleet::with_clients(vec![(Target::new(None, REGION), clients(rules, &[]))], 4).with_timeouts(
        Timeouts {
            version_wait: std::time::Duration::from_secs(20),
            ..Timeouts::default()
        },
    )
}

/// The function as discovery found it: alias `live` on version 1 (and versions 1 and 2).
fn function() -> Function {
    let mut f = Function::new(NAME, ARN, REGION);
    f.code_sha256 = "OLD".into();
    f.versions = ["1", "2"]
        .map(|v| mfn_tui::fleet::Version {
            version: v.into(),
            code_sha256: format!("sha-{v}"),
            last_modified: String::new(),
            description: String::new(),
            state: mfn_tui::fleet::VersionState::Active,
        })
        .to_vec();
    f.aliases = vec![mfn_tui::fleet::Alias {
        name: "live".into(),
        version: "1".into(),
        weights: [("1".to_string(), 1.0)].into(),
        description: String::new(),
    }];
    f
}

fn audit_log(test: &str) -> (AuditLog, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("mfn-change-{test}-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    (AuditLog::at(&path), path)
}

fn audit_lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Plans `change` to `f` as the faces do, applies it, and returns the outcome and its steps.
async fn planned_and_applied(
    fleet: &AwsFleet,
    f: &Function,
    change: Change,
    audit: &AuditLog,
) -> (Outcome, Vec<Step>) {
    let plan = plan(f, change, &Safety::default()).expect("the plan passes every rule");
    let (steps, mut started) = tokio::sync::mpsc::unbounded_channel();
    let outcome = apply(fleet, &plan, audit, steps).await;
    let mut seen = Vec::new();
    while let Ok(step) = started.try_recv() {
        seen.push(step);
    }
    (outcome, seen)
}

/// `$LATEST` and each published version as `GetFunctionConfiguration` answers: version `5`
/// answers the states of `five` in turn (the last one from then on).
fn configurations(five: Vec<State>) -> Rule {
    let answered = Arc::new(AtomicUsize::new(0));
    mock!(aws_sdk_lambda::Client::get_function_configuration).then_compute_output(move |input| {
        let builder = GetFunctionConfigurationOutput::builder().function_name(NAME);
        match input.qualifier() {
            Some(v) => {
                let state = if v == "5" {
                    let n = answered.fetch_add(1, Ordering::SeqCst);
                    five[n.min(five.len() - 1)].clone()
                } else {
                    State::Active
                };
                builder
                    .function_arn(format!("{ARN}:{v}"))
                    .version(v)
                    .code_sha256(if v == "5" { "NEW" } else { "sha-1" })
                    .state(state)
                    .state_reason("SnapStart could not restore the snapshot")
                    .build()
            }
            None => builder
                .function_arn(ARN)
                .code_sha256("OLD")
                .revision_id("r1")
                .last_update_status(LastUpdateStatus::Successful)
                .build(),
        }
    })
}

fn alias_on(version: &'static str) -> Rule {
    mock!(aws_sdk_lambda::Client::get_alias).then_output(move || {
        GetAliasOutput::builder()
            .alias_arn(format!("{ARN}:live"))
            .name("live")
            .function_version(version)
            .revision_id("a1")
            .build()
    })
}

fn code_sent() -> Rule {
    mock!(aws_sdk_lambda::Client::update_function_code).then_output(|| {
        UpdateFunctionCodeOutput::builder()
            .function_arn(ARN)
            .code_sha256("NEW")
            .revision_id("r2")
            .build()
    })
}

fn published() -> Rule {
    mock!(aws_sdk_lambda::Client::publish_version)
        .then_output(|| PublishVersionOutput::builder().version("5").build())
}

/// What an Invoke request asked for: qualifier, invocation type, log type.
type Sent = (Option<String>, Option<SdkType>, Option<LogType>);

#[tokio::test]
async fn invoke_sends_the_qualifier_and_decodes_the_log_tail() {
    let tail = "START RequestId: r1 Version: 3\nhello\nEND RequestId: r1\nREPORT RequestId: r1\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB\t\n";
    let encoded = base64::engine::general_purpose::STANDARD.encode(tail);
    let sent: Arc<Mutex<Vec<Sent>>> = Arc::default();
    let seen = sent.clone();
    let invoke = mock!(aws_sdk_lambda::Client::invoke)
        .match_requests(move |input| {
            seen.lock().unwrap().push((
                input.qualifier().map(str::to_owned),
                input.invocation_type().cloned(),
                input.log_type().cloned(),
            ));
            input.function_name() == Some(ARN)
        })
        .then_output(move || {
            InvokeOutput::builder()
                .status_code(200)
                .function_error("Unhandled")
                .executed_version("3")
                .log_result(encoded.clone())
                .payload(Blob::new(r#"{"errorType":"ValueError"}"#))
                .build()
        });
    let result = fleet(&[&invoke])
        .invoke(
            &function(),
            InvokeRequest {
                qualifier: Some("live".into()),
                payload: b"{}".to_vec(),
                kind: InvocationType::RequestResponse,
            },
        )
        .await
        .unwrap();
    assert_eq!(result.status, 200);
    assert_eq!(result.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(result.executed_version.as_deref(), Some("3"));
    assert_eq!(result.log_tail.len(), 4);
    assert!(result.log_tail[3].starts_with("REPORT RequestId: r1"));
    assert_eq!(result.payload, br#"{"errorType":"ValueError"}"#);
    assert_eq!(
        sent.lock().unwrap()[0],
        (
            Some("live".into()),
            Some(SdkType::RequestResponse),
            Some(LogType::Tail)
        )
    );
}

#[tokio::test]
async fn an_alias_move_that_meets_a_concurrent_change_is_a_clear_conflict() {
    let versions = mock!(aws_sdk_lambda::Client::list_versions_by_function).then_output(|| {
        let v = |n: &str| {
            FunctionConfiguration::builder()
                .version(n)
                .code_sha256(format!("sha-{n}"))
                .state(State::Active)
                .build()
        };
        ListVersionsByFunctionOutput::builder()
            .versions(v("$LATEST"))
            .versions(v("1"))
            .versions(v("2"))
            .build()
    });
    let revisions: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let seen = revisions.clone();
    let update = mock!(aws_sdk_lambda::Client::update_alias)
        .match_requests(move |input| {
            seen.lock()
                .unwrap()
                .push(input.revision_id().map(str::to_owned));
            true
        })
        .then_error(|| {
            UpdateAliasError::PreconditionFailedException(
                PreconditionFailedException::builder()
                    .message("The RevisionId provided does not match the latest RevisionId")
                    .build(),
            )
        });
    let alias = alias_on("2");
    let fleet = fleet(&[&alias, &versions, &update]);
    let from = AliasTarget {
        alias: "live".into(),
        version: "2".into(),
        additional: None,
    };
    let to = AliasTarget {
        version: "1".into(),
        ..from.clone()
    };
    let e = fleet
        .route_alias(&function(), &from, to)
        .await
        .unwrap_err()
        .after_change();
    assert!(
        e.contains("revision conflict") && e.ends_with("nothing changed"),
        "{e}"
    );
    assert_eq!(
        *revisions.lock().unwrap(),
        vec![Some("a1".to_string())],
        "the update was guarded by the revision read"
    );
}

#[tokio::test]
async fn a_deploy_that_fails_halfway_writes_its_audit_line_with_the_state_it_left() {
    let (audit, path) = audit_log("halfway");
    let publish = mock!(aws_sdk_lambda::Client::publish_version).then_error(|| {
        PublishVersionError::ServiceException(
            ServiceException::builder()
                .message("internal failure")
                .build(),
        )
    });
    let move_alias = mock!(aws_sdk_lambda::Client::update_alias)
        .then_output(|| UpdateAliasOutput::builder().build());
    let (config, alias, code) = (
        configurations(vec![State::Active]),
        alias_on("1"),
        code_sent(),
    );
    let fleet = fleet(&[&config, &alias, &code, &publish, &move_alias]);
    let deploy = Change::Deploy {
        source: CodeSource::Zip(b"PK\x05\x06".to_vec().into()),
        alias: "live".into(),
    };
    let (outcome, steps) = planned_and_applied(&fleet, &function(), deploy, &audit).await;
    assert_eq!(
        steps,
        vec![
            Step::Reading,
            Step::Sending { bytes: Some(4) },
            Step::Waiting { elapsed_s: 0 },
            Step::Publishing
        ],
        "each step as it started, up to the one that failed"
    );
    let error = outcome.result.clone().unwrap_err();
    assert!(matches!(error, FleetError::Partial { .. }), "{error:?}");
    let e = outcome.summary();
    assert!(e.contains("PublishVersion"), "{e}");
    assert!(!e.contains("nothing changed"), "something did: {e}");
    assert!(
        e.contains("$LATEST of users-prod-login now has the new code (NEW, was OLD)")
            && e.contains("the alias live is unchanged"),
        "{e}"
    );
    assert_eq!(move_alias.num_calls(), 0, "the alias was never touched");
    let lines = audit_lines(&path);
    assert_eq!(lines.len(), 1, "the partial change is in the audit log");
    let line = &lines[0];
    assert_eq!(line["action"], "deploy");
    assert_eq!(line["outcome"], "partial");
    assert_eq!(line["arn"], ARN);
    assert_eq!(line["account"], "123456789012");
    assert_eq!(line["region"], REGION);
    assert_eq!(line["planned"]["alias"], "live");
    assert_eq!(line["planned"]["before"]["version"], "1");
    assert!(
        line["error"]
            .as_str()
            .unwrap()
            .contains("the alias live is unchanged"),
        "{line}"
    );
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn a_snapstart_version_held_pending_gets_the_alias_only_once_it_is_active() {
    let (audit, path) = audit_log("pending");
    // Version 5's snapshot is made over three reads; the alias may move only after them.
    let config = configurations(vec![State::Pending, State::Pending, State::Active]);
    let reads_before_the_move: Arc<Mutex<Option<usize>>> = Arc::default();
    let (seen, config_calls) = (reads_before_the_move.clone(), Arc::new(config));
    let counted = config_calls.clone();
    let move_alias = mock!(aws_sdk_lambda::Client::update_alias)
        .match_requests(move |input| {
            *seen.lock().unwrap() = Some(counted.num_calls());
            input.function_version() == Some("5")
        })
        .then_output(|| UpdateAliasOutput::builder().build());
    let (alias, code, publish) = (alias_on("1"), code_sent(), published());
    let fleet = fleet(&[&config_calls, &alias, &code, &publish, &move_alias]);
    let deploy = Change::Deploy {
        source: CodeSource::Zip(b"PK\x05\x06".to_vec().into()),
        alias: "live".into(),
    };
    let (outcome, steps) = planned_and_applied(&fleet, &function(), deploy, &audit).await;
    assert!(outcome.result.is_ok(), "{}", outcome.summary());
    assert_eq!(move_alias.num_calls(), 1);
    // Reads: $LATEST, the alias's version 1, $LATEST while waiting, then version 5 three times.
    assert_eq!(
        *reads_before_the_move.lock().unwrap(),
        Some(config_calls.num_calls()),
        "no read came after the move: the move came after version 5 was Active"
    );
    let waits: Vec<&Step> = steps
        .iter()
        .filter(|s| matches!(s, Step::WaitingVersion { version, .. } if version == "5"))
        .collect();
    assert_eq!(
        waits.len(),
        3,
        "the wait is reported at each read: {steps:?}"
    );
    let moved = steps
        .iter()
        .position(|s| matches!(s, Step::MovingAlias { .. }))
        .unwrap();
    assert!(
        moved
            > steps
                .iter()
                .rposition(|s| matches!(s, Step::WaitingVersion { .. }))
                .unwrap(),
        "{steps:?}"
    );
    assert!(
        outcome.summary().contains("to version 5"),
        "{}",
        outcome.summary()
    );
    assert_eq!(audit_lines(&path)[0]["outcome"], "done");
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn a_version_that_fails_leaves_the_alias_where_it_was_and_says_why() {
    let (audit, path) = audit_log("failed");
    let config = configurations(vec![State::Pending, State::Failed]);
    let move_alias = mock!(aws_sdk_lambda::Client::update_alias)
        .then_output(|| UpdateAliasOutput::builder().build());
    let (alias, code, publish) = (alias_on("1"), code_sent(), published());
    let fleet = fleet(&[&config, &alias, &code, &publish, &move_alias]);
    let deploy = Change::Deploy {
        source: CodeSource::Zip(b"PK\x05\x06".to_vec().into()),
        alias: "live".into(),
    };
    let (outcome, _) = planned_and_applied(&fleet, &function(), deploy, &audit).await;
    assert_eq!(move_alias.num_calls(), 0, "the alias stays on version 1");
    let e = outcome.summary();
    assert!(
        e.contains("SnapStart could not restore the snapshot")
            && e.contains("version 5 is published")
            && e.contains("the alias live is unchanged"),
        "{e}"
    );
    assert_eq!(audit_lines(&path)[0]["outcome"], "partial");
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn an_answer_about_another_accounts_namesake_stops_the_change_before_anything_is_sent() {
    // The credentials reach account 210987654321's function of the same name.
    let config = mock!(aws_sdk_lambda::Client::get_function_configuration).then_output(|| {
        GetFunctionConfigurationOutput::builder()
            .function_name(NAME)
            .function_arn("arn:aws:lambda:eu-west-1:210987654321:function:users-prod-login")
            .code_sha256("OLD")
            .revision_id("r1")
            .build()
    });
    let code = code_sent();
    let alias = alias_on("1");
    let fleet = fleet(&[&config, &alias, &code]);
    let (audit, path) = audit_log("namesake");
    let deploy = Change::Deploy {
        source: CodeSource::Zip(b"PK\x05\x06".to_vec().into()),
        alias: "live".into(),
    };
    let (outcome, _) = planned_and_applied(&fleet, &function(), deploy, &audit).await;
    let e = outcome.summary();
    assert!(
        e.contains("namesake in another account") && e.ends_with("nothing changed"),
        "{e}"
    );
    assert_eq!(code.num_calls(), 0, "no code was sent");
    assert!(
        audit_lines(&path).is_empty(),
        "nothing changed, nothing audited"
    );
}

#[tokio::test]
async fn a_container_image_is_restored_by_its_digest_not_by_its_tag() {
    const TAG: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:latest";
    const DIGEST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/users@sha256:4f1c";
    let config = configurations(vec![State::Active]);
    let source = mock!(aws_sdk_lambda::Client::get_function).then_output(|| {
        GetFunctionOutput::builder()
            .configuration(
                FunctionConfiguration::builder()
                    .function_name(NAME)
                    .function_arn(format!("{ARN}:2"))
                    .code_sha256("sha-2")
                    .build(),
            )
            .code(
                FunctionCodeLocation::builder()
                    .repository_type("ECR")
                    .image_uri(TAG)
                    .resolved_image_uri(DIGEST)
                    .build(),
            )
            .build()
    });
    let images: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let seen = images.clone();
    let update = mock!(aws_sdk_lambda::Client::update_function_code)
        .match_requests(move |input| {
            seen.lock()
                .unwrap()
                .push(input.image_uri().map(str::to_owned));
            true
        })
        .then_output(|| {
            UpdateFunctionCodeOutput::builder()
                .function_arn(ARN)
                .code_sha256("sha-2")
                .build()
        });
    let fleet = fleet(&[&config, &source, &update]);
    let mut f = function();
    f.aliases.clear();
    let (audit, path) = audit_log("image");
    let restore = Change::Restore {
        to: Some("2".into()),
    };
    let (outcome, _) = planned_and_applied(&fleet, &f, restore, &audit).await;
    assert!(outcome.result.is_ok(), "{}", outcome.summary());
    assert_eq!(
        *images.lock().unwrap(),
        vec![Some(DIGEST.to_owned())],
        "the version's image by digest, not whatever the tag points at today"
    );
    let _ = std::fs::remove_file(&path);
}
