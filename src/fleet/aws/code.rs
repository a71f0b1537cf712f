//! Sending a function's code: one `UpdateFunctionCode`, by ARN, guarded by the revision read
//! before, under the upload's own time budget. What failed is told apart: a conflict or a
//! refusal changed nothing; a timeout or a lost answer after the package left may have.

use std::time::Duration;

use aws_sdk_lambda::config::timeout::TimeoutConfig;
use aws_sdk_lambda::error::SdkError;
use aws_sdk_lambda::operation::update_function_code::UpdateFunctionCodeOutput;
use aws_sdk_lambda::operation::update_function_code::builders::UpdateFunctionCodeFluentBuilder;

use super::budget::Api;
use super::clients::Clients;
use super::errors::{classify, failed, partial};
use super::owner::{configuration, same_function};
use crate::fleet::{FleetError, Function};

/// Sends `update` (its code, architectures and revision already set) for `function`. `sent`
/// is the package's code SHA-256 when it is known here: a conflict whose cause is our own
/// earlier attempt having gone through is then recognised as success.
pub async fn send(
    clients: &Clients,
    update: UpdateFunctionCodeFluentBuilder,
    function: &Function,
    budget: Duration,
    sent: Option<&str>,
) -> Result<UpdateFunctionCodeOutput, FleetError> {
    let name = &function.name;
    clients.turn(Api::LambdaControl).await;
    let answer = update
        .customize()
        .config_override(
            aws_sdk_lambda::Config::builder()
                .timeout_config(TimeoutConfig::builder().operation_timeout(budget).build()),
        )
        .send()
        .await;
    let e = match answer {
        Ok(out) => {
            same_function(function, out.function_arn())?;
            return Ok(out);
        }
        Err(e) => e,
    };
    if e.as_service_error()
        .is_some_and(|s| s.is_precondition_failed_exception())
    {
        // Either someone else changed it, or a retry of ours arrived after our first attempt.
        if let (Some(sent), Ok(now)) = (sent, configuration(clients, function, None).await)
            && now.code_sha256() == Some(sent)
        {
            return Ok(UpdateFunctionCodeOutput::builder()
                .set_function_arn(now.function_arn().map(str::to_owned))
                .set_code_sha256(now.code_sha256().map(str::to_owned))
                .set_revision_id(now.revision_id().map(str::to_owned))
                .build());
        }
        return Err(failed(
            "UpdateFunctionCode",
            format!("{name} changed since it was read (revision conflict); read it again"),
        ));
    }
    match &e {
        // The package may have arrived: say so, and how to tell.
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) | SdkError::DispatchFailure(_) => {
            let cause = match &e {
                SdkError::TimeoutError(_) => format!(
                    "no answer within {} s ([timeouts] upload_ms)",
                    budget.as_secs()
                ),
                _ => classify("lambda", "UpdateFunctionCode", &e).to_string(),
            };
            Err(partial(
                "UpdateFunctionCode",
                format!(
                    "{cause}; the code of {name} may already have changed (it ran {} before): `mfn-tui ls --json` shows its code_sha256 now; no version was published and no alias moved",
                    function.code_sha256
                ),
            ))
        }
        _ => Err(classify("lambda", "UpdateFunctionCode", &e)),
    }
}
