//! Deploying one function on AWS, step by step, each guarded, every call by ARN: the alias
//! must still point where the plan saw it; `UpdateFunctionCode` under the `RevisionId` read
//! before (a concurrent change is a conflict and nothing changes); `LastUpdateStatus` waited
//! for; `PublishVersion` of exactly that code; the version waited for until it is `Active` (a
//! SnapStart snapshot takes minutes; a `Failed` version leaves the alias where it was); then
//! the alias moved (or created) under its own revision. A failure says what state the function
//! is in.

use aws_sdk_lambda::operation::get_alias::GetAliasOutput;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::AliasRoutingConfiguration;

use super::aliases::{read_alias, same_target, target};
use super::budget::Api;
use super::clients::Clients;
use super::errors::{classify, failed, partial};
use super::owner::configuration;
use super::waits::{self, Timeouts};
use crate::fleet::change::describe;
use crate::fleet::{AliasChange, AliasTarget, CodeSource, FleetError, Function, Step, StepSink};

pub async fn deploy(
    clients: &Clients,
    function: &Function,
    source: CodeSource,
    expect: Option<AliasTarget>,
    alias: &str,
    timeouts: &Timeouts,
    steps: &StepSink,
) -> Result<AliasChange, FleetError> {
    let name = function.name.as_str();
    let _ = steps.send(Step::Reading);
    let config = configuration(clients, function, None).await?;
    let current = read_alias(clients, function, alias).await?;
    let before = current.as_ref().map(target);
    if !same_target(before.as_ref(), expect.as_ref()) {
        return Err(failed(
            "GetAlias",
            format!(
                "alias {alias} of {name} moved since the plan was made (it points at {}, the plan saw {}); read it again",
                before.as_ref().map_or("nothing".to_owned(), describe),
                expect.as_ref().map_or("nothing".to_owned(), describe)
            ),
        ));
    }
    let code_before = match &before {
        Some(b) => configuration(clients, function, Some(&b.version))
            .await
            .ok()
            .and_then(|c| c.code_sha256().map(str::to_owned)),
        None => None,
    };

    // 1. The code, guarded by the revision read above.
    let update = clients
        .lambda
        .update_function_code()
        .function_name(&function.arn)
        .set_revision_id(config.revision_id().map(str::to_owned));
    let (update, sent) = match source {
        CodeSource::Zip(bytes) => {
            let _ = steps.send(Step::Sending {
                bytes: Some(bytes.len()),
            });
            let sha = crate::fleet::artifact::code_sha256(&bytes);
            let bytes = std::sync::Arc::unwrap_or_clone(bytes);
            (update.zip_file(Blob::new(bytes)), Some(sha))
        }
        CodeSource::S3 { bucket, key } => {
            let _ = steps.send(Step::Sending { bytes: None });
            (update.s3_bucket(bucket).s3_key(key), None)
        }
        CodeSource::WorkingDirectory => {
            return Err(FleetError::Unsupported(
                "AWS deploys a package: give --zip FILE, --dir DIR or --s3 s3://BUCKET/KEY".into(),
            ));
        }
    };
    let updated =
        super::code::send(clients, update, function, timeouts.upload, sent.as_deref()).await?;
    let new_sha = updated.code_sha256().unwrap_or_default().to_owned();
    let state = format!(
        "$LATEST of {name} now has the new code ({new_sha}, was {}); the alias {alias} is unchanged",
        config.code_sha256().unwrap_or("?")
    );

    // 2. Wait for the update to finish.
    let revision = waits::updated(clients, function, timeouts.update_wait, steps)
        .await
        .map_err(|e| partial("UpdateFunctionCode", format!("{e}; {state}")))?;

    // 3. Publish exactly that code.
    let _ = steps.send(Step::Publishing);
    clients.turn(Api::LambdaControl).await;
    let published = clients
        .lambda
        .publish_version()
        .function_name(&function.arn)
        .code_sha256(&new_sha)
        .set_revision_id(revision)
        .description("deployed by mfn-tui")
        .send()
        .await
        .map_err(|e| {
            let e = classify("lambda", "PublishVersion", &e);
            partial("PublishVersion", format!("{e}; {state}"))
        })?;
    let version = published.version().unwrap_or_default().to_owned();
    let published_state = format!(
        "version {version} is published with the new code, and the alias {alias} is unchanged"
    );

    // 4. The alias moves only to a version that can serve.
    waits::active(clients, function, &version, timeouts.version_wait, steps)
        .await
        .map_err(|e| {
            partial(
                "PublishVersion",
                format!(
                    "{e}; {published_state}: once it is Active, `mfn-tui rollback {name} --alias {alias} --to {version}` points the alias at it"
                ),
            )
        })?;

    // 5. Move (or create) the alias, under its own revision.
    let _ = steps.send(Step::MovingAlias {
        alias: alias.to_owned(),
        version: version.clone(),
    });
    move_or_create(clients, function, alias, current.as_ref(), &version)
        .await
        .map_err(|e| partial("UpdateAlias", format!("{e}; {published_state}")))?;
    Ok(AliasChange {
        function: name.to_owned(),
        before,
        after: AliasTarget {
            alias: alias.to_owned(),
            version: version.clone(),
            additional: None,
        },
        published: Some(version),
        code_before,
        code_after: Some(new_sha),
    })
}

/// Points `alias` (as read: `current`, or none) at `version` alone.
async fn move_or_create(
    clients: &Clients,
    function: &Function,
    alias: &str,
    current: Option<&GetAliasOutput>,
    version: &str,
) -> Result<(), FleetError> {
    clients.turn(Api::LambdaControl).await;
    let lambda = &clients.lambda;
    match current {
        Some(a) => lambda
            .update_alias()
            .function_name(&function.arn)
            .name(alias)
            .function_version(version)
            .routing_config(AliasRoutingConfiguration::builder().build())
            .set_revision_id(a.revision_id().map(str::to_owned))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| classify("lambda", "UpdateAlias", &e)),
        None => lambda
            .create_alias()
            .function_name(&function.arn)
            .name(alias)
            .function_version(version)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| classify("lambda", "CreateAlias", &e)),
    }
}
