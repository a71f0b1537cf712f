//! `Invoke` through the SDK, with the log tail (`LogType=Tail`) decoded into lines.

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{InvocationType as SdkType, LogType};
use base64::Engine;

use super::errors::classify;
use crate::fleet::operations::{InvocationType, InvokeRequest, InvokeResult};
use crate::fleet::{FleetError, Function};

pub async fn invoke(
    lambda: &aws_sdk_lambda::Client,
    function: &Function,
    request: InvokeRequest,
) -> Result<InvokeResult, FleetError> {
    let (kind, log) = match request.kind {
        InvocationType::RequestResponse => (SdkType::RequestResponse, Some(LogType::Tail)),
        InvocationType::Event => (SdkType::Event, None),
        InvocationType::DryRun => (SdkType::DryRun, None),
    };
    let out = lambda
        .invoke()
        .function_name(&function.name)
        .set_qualifier(request.qualifier)
        .invocation_type(kind)
        .set_log_type(log)
        .payload(Blob::new(request.payload))
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
