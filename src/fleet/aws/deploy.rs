//! Deploying one function on AWS, step by step, each guarded: `UpdateFunctionCode` with the
//! `RevisionId` read before (a concurrent change is a conflict and nothing changes), waiting
//! for `LastUpdateStatus` to be `Successful`, `PublishVersion` of exactly that code, then the
//! alias moved (or created) under its own revision. A failure says what state the function
//! is in.

use std::time::Duration;

use aws_sdk_lambda::operation::update_function_code::UpdateFunctionCodeOutput;
use aws_sdk_lambda::operation::update_function_code::builders::UpdateFunctionCodeFluentBuilder;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{AliasRoutingConfiguration, LastUpdateStatus};

use super::errors::{classify, failed, partial};
use crate::fleet::operations::{AliasChange, AliasTarget, CodeSource, Step, StepSink};
use crate::fleet::{FleetError, Function};

pub async fn deploy(
    lambda: &aws_sdk_lambda::Client,
    function: &Function,
    source: CodeSource,
    alias: &str,
    wait: Duration,
    steps: &StepSink,
) -> Result<AliasChange, FleetError> {
    let name = function.name.as_str();
    let _ = steps.send(Step::Reading);
    let config = lambda
        .get_function_configuration()
        .function_name(name)
        .send()
        .await
        .map_err(|e| classify("lambda", "GetFunctionConfiguration", &e))?;
    let code_before_latest = config.code_sha256().map(str::to_owned);
    let current = match lambda
        .get_alias()
        .function_name(name)
        .name(alias)
        .send()
        .await
    {
        Ok(a) => Some(a),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            None
        }
        Err(e) => return Err(classify("lambda", "GetAlias", &e)),
    };
    let before = current.as_ref().map(|a| AliasTarget {
        alias: alias.to_owned(),
        version: a.function_version().unwrap_or_default().to_owned(),
        additional: None,
    });
    let code_before = match &before {
        Some(b) => lambda
            .get_function_configuration()
            .function_name(name)
            .qualifier(&b.version)
            .send()
            .await
            .ok()
            .and_then(|c| c.code_sha256().map(str::to_owned)),
        None => None,
    };

    // 1. The code, guarded by the revision read above.
    let mut update = lambda
        .update_function_code()
        .function_name(name)
        .set_revision_id(config.revision_id().map(str::to_owned));
    update = match source {
        CodeSource::Zip(bytes) => {
            let _ = steps.send(Step::Sending {
                bytes: Some(bytes.len()),
            });
            update.zip_file(Blob::new(bytes))
        }
        CodeSource::S3 { bucket, key } => {
            let _ = steps.send(Step::Sending { bytes: None });
            update.s3_bucket(bucket).s3_key(key)
        }
        CodeSource::WorkingDirectory => {
            return Err(FleetError::Unsupported(
                "AWS deploys a package: give --zip FILE, --dir DIR or --s3 s3://BUCKET/KEY".into(),
            ));
        }
    };
    let updated = send_code(update, name).await?;
    let new_sha = updated.code_sha256().unwrap_or_default().to_owned();
    let state = format!(
        "$LATEST of {name} now has the new code ({new_sha}, was {}); the alias {alias} is unchanged",
        code_before_latest.as_deref().unwrap_or("?")
    );

    // 2. Wait for the update to finish.
    let _ = steps.send(Step::Waiting);
    let revision = wait_until_updated(lambda, name, wait)
        .await
        .map_err(|e| partial("UpdateFunctionCode", format!("{e}; {state}")))?;

    // 3. Publish exactly that code.
    let _ = steps.send(Step::Publishing);
    let published = lambda
        .publish_version()
        .function_name(name)
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

    // 4. Move (or create) the alias, under its own revision.
    let _ = steps.send(Step::MovingAlias {
        alias: alias.to_owned(),
        version: version.clone(),
    });
    let moved = match &current {
        Some(a) => lambda
            .update_alias()
            .function_name(name)
            .name(alias)
            .function_version(&version)
            .routing_config(AliasRoutingConfiguration::builder().build())
            .set_revision_id(a.revision_id().map(str::to_owned))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| classify("lambda", "UpdateAlias", &e)),
        None => lambda
            .create_alias()
            .function_name(name)
            .name(alias)
            .function_version(&version)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| classify("lambda", "CreateAlias", &e)),
    };
    moved.map_err(|e| {
        partial(
            "UpdateAlias",
            format!("{e}; version {version} is published with the new code, and the alias {alias} is unchanged"),
        )
    })?;
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

/// Sends an `UpdateFunctionCode` guarded by a revision: a concurrent change is a conflict.
pub(super) async fn send_code(
    update: UpdateFunctionCodeFluentBuilder,
    name: &str,
) -> Result<UpdateFunctionCodeOutput, FleetError> {
    update.send().await.map_err(|e| {
        if e.as_service_error()
            .is_some_and(|s| s.is_precondition_failed_exception())
        {
            failed(
                "UpdateFunctionCode",
                format!("{name} changed since it was read (revision conflict)"),
            )
        } else {
            classify("lambda", "UpdateFunctionCode", &e)
        }
    })
}

/// Polls until `LastUpdateStatus` is `Successful` (its new revision), or says why not.
pub(super) async fn wait_until_updated(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    limit: Duration,
) -> Result<Option<String>, String> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let c = lambda
            .get_function_configuration()
            .function_name(name)
            .send()
            .await
            .map_err(|e| classify("lambda", "GetFunctionConfiguration", &e).to_string())?;
        match c.last_update_status() {
            None | Some(LastUpdateStatus::Successful) => {
                return Ok(c.revision_id().map(str::to_owned));
            }
            Some(LastUpdateStatus::Failed) => {
                return Err(format!(
                    "the update failed: {}",
                    c.last_update_status_reason().unwrap_or("no reason given")
                ));
            }
            Some(_) if tokio::time::Instant::now() >= deadline => {
                return Err(format!("the update was still in progress after {limit:?}"));
            }
            Some(_) => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}
