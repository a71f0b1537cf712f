//! Rolling back a function served at `$LATEST` on AWS: the code of a published version is
//! downloaded (or, for a container image, named by its digest, `ResolvedImageUri`, never by a
//! tag that may point elsewhere today) and sent back as `$LATEST`'s code, guarded by the
//! `RevisionId` read before, then the update is waited for. Nothing is published and no
//! version is deleted.

use aws_sdk_lambda::primitives::Blob;

use super::budget::Api;
use super::clients::Clients;
use super::errors::{classify, failed, partial};
use super::owner::{configuration, same_function};
use super::package::download;
use super::waits::{self, Timeouts};
use crate::fleet::artifact::{DIRECT_UPLOAD_LIMIT, code_sha256};
use crate::fleet::{CodeRestore, FleetError, Function, LATEST, Step, StepSink};

pub async fn restore(
    clients: &Clients,
    function: &Function,
    version: &str,
    timeouts: &Timeouts,
    steps: &StepSink,
) -> Result<CodeRestore, FleetError> {
    let name = function.name.as_str();
    if version == LATEST || version.parse::<u64>().is_err() {
        return Err(failed(
            "Rollback",
            format!("`{version}` is not a published version of {name}; choose one by number"),
        ));
    }
    // $LATEST as it is now; its revision guards the update.
    let _ = steps.send(Step::Reading);
    let latest = configuration(clients, function, None).await?;
    let code_before = latest.code_sha256().map(str::to_owned);
    // The version's code: where it is, and its digest.
    clients.turn(Api::LambdaGetFunction).await;
    let source = clients
        .lambda
        .get_function()
        .function_name(&function.arn)
        .qualifier(version)
        .send()
        .await
        .map_err(|e| {
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception())
            {
                failed(
                    "Rollback",
                    format!("{name} has no published version {version}"),
                )
            } else {
                classify("lambda", "GetFunction", &e)
            }
        })?;
    let config = source.configuration();
    same_function(function, config.and_then(|c| c.function_arn()))?;
    let target = config
        .and_then(|c| c.code_sha256())
        .unwrap_or_default()
        .to_owned();
    let restored = CodeRestore {
        function: name.to_owned(),
        qualifier: LATEST.to_owned(),
        version: version.to_owned(),
        code_before: code_before.clone(),
        code_after: target.clone(),
    };
    if restored.unchanged() {
        return Ok(restored);
    }
    let mut update = clients
        .lambda
        .update_function_code()
        .function_name(&function.arn)
        .set_revision_id(latest.revision_id().map(str::to_owned))
        .set_architectures(
            config
                .map(|c| c.architectures().to_vec())
                .filter(|a| !a.is_empty()),
        );
    let code = source.code();
    let sent = if let Some(image) = code.and_then(|c| c.resolved_image_uri().or(c.image_uri())) {
        let _ = steps.send(Step::Sending { bytes: None });
        update = update.image_uri(image);
        None
    } else {
        let location = code.and_then(|c| c.location()).ok_or_else(|| {
            failed(
                "GetFunction",
                format!("version {version} of {name} has no package to download"),
            )
        })?;
        let _ = steps.send(Step::Downloading {
            version: version.to_owned(),
        });
        let bytes = download(location, DIRECT_UPLOAD_LIMIT)
            .await
            .map_err(|e| failed("GetFunction", format!("version {version} of {name}: {e}")))?;
        let digest = code_sha256(&bytes);
        if digest != target {
            return Err(failed(
                "GetFunction",
                format!(
                    "the package downloaded for version {version} of {name} has code SHA-256 {digest}, not the version's {target}"
                ),
            ));
        }
        let _ = steps.send(Step::Sending {
            bytes: Some(bytes.len()),
        });
        update = update.zip_file(Blob::new(bytes));
        Some(digest)
    };
    super::code::send(clients, update, function, timeouts.upload, sent.as_deref()).await?;
    waits::updated(clients, function, timeouts.update_wait, steps)
        .await
        .map_err(|e| {
            partial(
                "UpdateFunctionCode",
                format!(
                    "{e}; $LATEST of {name} was sent version {version}'s code ({target}, was {})",
                    code_before.as_deref().unwrap_or("?")
                ),
            )
        })?;
    Ok(restored)
}
