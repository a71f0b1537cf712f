//! Rolling back a function served at `$LATEST` on AWS: the code of a published version is
//! downloaded (or, for a container image, named) and sent back as `$LATEST`'s code, guarded by
//! the `RevisionId` read before, then the update is waited for. Nothing is published and no
//! version is deleted.

use std::time::Duration;

use aws_sdk_lambda::primitives::Blob;

use super::deploy::{send_code, wait_until_updated};
use super::errors::{classify, failed, partial};
use super::package::download;
use crate::fleet::artifact::{DIRECT_UPLOAD_LIMIT, code_sha256};
use crate::fleet::operations::{CodeRestore, LATEST, Step, StepSink};
use crate::fleet::{FleetError, Function};

pub async fn restore(
    lambda: &aws_sdk_lambda::Client,
    function: &Function,
    version: &str,
    wait: Duration,
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
    let latest = lambda
        .get_function_configuration()
        .function_name(name)
        .send()
        .await
        .map_err(|e| classify("lambda", "GetFunctionConfiguration", &e))?;
    let code_before = latest.code_sha256().map(str::to_owned);
    // The version's code: where it is, and its digest.
    let source = lambda
        .get_function()
        .function_name(name)
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
    let mut update = lambda
        .update_function_code()
        .function_name(name)
        .set_revision_id(latest.revision_id().map(str::to_owned))
        .set_architectures(
            config
                .map(|c| c.architectures().to_vec())
                .filter(|a| !a.is_empty()),
        );
    let code = source.code();
    if let Some(image) = code.and_then(|c| c.image_uri()) {
        let _ = steps.send(Step::Sending { bytes: None });
        update = update.image_uri(image);
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
    }
    send_code(update, name).await?;
    let _ = steps.send(Step::Waiting);
    wait_until_updated(lambda, name, wait).await.map_err(|e| {
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
