//! Operations on AWS through the SDK, with `aws-smithy-mocks` answering what the emulator cannot:
//! without Docker its `Invoke` only echoes the payload (no log tail, no executed version), and it
//! ignores `RevisionId`, so a concurrent change never conflicts there.

mod support;

use std::sync::{Arc, Mutex};

use aws_sdk_lambda::operation::get_alias::GetAliasOutput;
use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;
use aws_sdk_lambda::operation::invoke::InvokeOutput;
use aws_sdk_lambda::operation::list_versions_by_function::ListVersionsByFunctionOutput;
use aws_sdk_lambda::operation::publish_version::PublishVersionError;
use aws_sdk_lambda::operation::update_alias::UpdateAliasError;
use aws_sdk_lambda::operation::update_alias::UpdateAliasOutput;
use aws_sdk_lambda::operation::update_function_code::UpdateFunctionCodeOutput;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::FunctionConfiguration;
use aws_sdk_lambda::types::LastUpdateStatus;
use aws_sdk_lambda::types::error::PreconditionFailedException;
use aws_sdk_lambda::types::error::ServiceException;
use aws_sdk_lambda::types::{InvocationType as SdkType, LogType};
use aws_smithy_mocks::mock;
use base64::Engine;
use mfn_tui::fleet::aws::AwsFleet;
use mfn_tui::fleet::operations::{CodeSource, InvocationType, InvokeRequest, Step};
use mfn_tui::fleet::{Fleet, Function, Target};
use support::mocks::clients;

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
            true
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
    let clients = clients(&[&invoke], &[]);
    let fleet = AwsFleet::with_clients(vec![(Target::new(None, "eu-west-1"), clients)], 4);
    let function = Function::new("users-prod-login", "", "eu-west-1");
    let result = fleet
        .invoke(
            &function,
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
async fn a_rollback_that_meets_a_concurrent_change_is_a_clear_conflict() {
    let get = mock!(aws_sdk_lambda::Client::get_alias).then_output(|| {
        GetAliasOutput::builder()
            .name("live")
            .function_version("2")
            .revision_id("rev-1")
            .build()
    });
    let versions = mock!(aws_sdk_lambda::Client::list_versions_by_function).then_output(|| {
        let v = |n: &str| {
            FunctionConfiguration::builder()
                .version(n)
                .code_sha256(format!("sha-{n}"))
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
    let fleet = AwsFleet::with_clients(
        vec![(
            Target::new(None, "eu-west-1"),
            clients(&[&get, &versions, &update], &[]),
        )],
        4,
    );
    let function = Function::new("users-prod-login", "", "eu-west-1");
    let e = fleet
        .rollback(&function, "live", None)
        .await
        .unwrap_err()
        .after_change();
    assert!(
        e.contains("revision conflict") && e.ends_with("nothing changed"),
        "{e}"
    );
    assert_eq!(
        *revisions.lock().unwrap(),
        vec![Some("rev-1".to_string())],
        "the update was guarded by the revision read"
    );
}

#[tokio::test]
async fn a_deploy_that_fails_halfway_says_what_state_the_function_is_in() {
    let config = mock!(aws_sdk_lambda::Client::get_function_configuration).then_output(|| {
        GetFunctionConfigurationOutput::builder()
            .function_name("users-prod-login")
            .code_sha256("OLD")
            .revision_id("r1")
            .last_update_status(LastUpdateStatus::Successful)
            .build()
    });
    let alias = mock!(aws_sdk_lambda::Client::get_alias).then_output(|| {
        GetAliasOutput::builder()
            .name("live")
            .function_version("1")
            .revision_id("a1")
            .build()
    });
    let update = mock!(aws_sdk_lambda::Client::update_function_code).then_output(|| {
        UpdateFunctionCodeOutput::builder()
            .code_sha256("NEW")
            .revision_id("r2")
            .build()
    });
    let publish = mock!(aws_sdk_lambda::Client::publish_version).then_error(|| {
        PublishVersionError::ServiceException(
            ServiceException::builder()
                .message("internal failure")
                .build(),
        )
    });
    let move_alias = mock!(aws_sdk_lambda::Client::update_alias)
        .then_output(|| UpdateAliasOutput::builder().build());
    let fleet = AwsFleet::with_clients(
        vec![(
            Target::new(None, "eu-west-1"),
            clients(&[&config, &alias, &update, &publish, &move_alias], &[]),
        )],
        4,
    );
    let function = Function::new("users-prod-login", "", "eu-west-1");
    let (steps, mut started) = tokio::sync::mpsc::unbounded_channel();
    let e = fleet
        .deploy(
            &function,
            CodeSource::Zip(b"PK\x05\x06".to_vec()),
            "live",
            steps,
        )
        .await
        .unwrap_err()
        .after_change();
    let mut seen = Vec::new();
    while let Ok(step) = started.try_recv() {
        seen.push(step);
    }
    assert_eq!(
        seen,
        vec![
            Step::Reading,
            Step::Sending { bytes: Some(4) },
            Step::Waiting,
            Step::Publishing
        ],
        "each step as it started, up to the one that failed"
    );
    assert!(e.contains("PublishVersion"), "{e}");
    assert!(!e.contains("nothing changed"), "something did: {e}");
    assert!(
        e.contains("$LATEST of users-prod-login now has the new code (NEW, was OLD)")
            && e.contains("the alias live is unchanged"),
        "{e}"
    );
    assert_eq!(move_alias.num_calls(), 0, "the alias was never touched");
}
