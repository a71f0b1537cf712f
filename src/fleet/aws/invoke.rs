//! `Invoke` through the SDK, by the function's ARN, with the log tail (`LogType=Tail`) decoded
//! into lines. A synchronous invocation may take the function's own timeout (up to 900 s) and
//! a margin, not the ordinary call's budget.

use std::time::Duration;

use aws_sdk_lambda::config::timeout::TimeoutConfig;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{InvocationType as SdkType, LogType};
use base64::Engine;

use super::errors::classify;
use crate::fleet::{FleetError, Function};
use crate::fleet::{InvocationType, InvokeRequest, InvokeResult};

pub async fn invoke(
    lambda: &aws_sdk_lambda::Client,
    function: &Function,
    request: InvokeRequest,
    budget: Duration,
) -> Result<InvokeResult, FleetError> {
    let (kind, log) = match request.kind {
        InvocationType::RequestResponse => (SdkType::RequestResponse, Some(LogType::Tail)),
        InvocationType::Event => (SdkType::Event, None),
        InvocationType::DryRun => (SdkType::DryRun, None),
    };
    let out = lambda
        .invoke()
        .function_name(&function.arn)
        .set_qualifier(request.qualifier)
        .invocation_type(kind)
        .set_log_type(log)
        .payload(Blob::new(request.payload))
        .customize()
        .config_override(
            aws_sdk_lambda::Config::builder()
                .timeout_config(TimeoutConfig::builder().operation_timeout(budget).build()),
        )
        .send()
        .await
        .map_err(|e| classify("lambda", "Invoke", &e))?;
    let log_tail = out
        .log_result()
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        .map(|bytes| {
            String::from_utf8_lossy(&bytes)
                .lines()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Ok(InvokeResult {
        status: u16::try_from(out.status_code()).unwrap_or(0),
        function_error: out.function_error().map(str::to_owned),
        payload: out
            .payload()
            .map(|b| b.as_ref().to_vec())
            .unwrap_or_default(),
        log_tail,
        executed_version: out.executed_version().map(str::to_owned),
    })
}
