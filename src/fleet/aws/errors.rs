//! Turning AWS SDK errors into [`FleetError`]s an operator can act on.

use std::error::Error as StdError;

use aws_sdk_lambda::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::fleet::FleetError;

const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "SlowDown",
];

const DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredToken",
    "ExpiredTokenException",
];

/// Classifies a failed call of `operation` on `service`.
pub fn classify<E, R>(service: &str, operation: &str, err: &SdkError<E, R>) -> FleetError
where
    E: ProvideErrorMetadata + StdError + 'static,
    R: std::fmt::Debug,
{
    let message = err
        .message()
        .map(str::to_owned)
        .unwrap_or_else(|| one_line(&DisplayErrorContext(err).to_string()));
    match err {
        SdkError::ServiceError(_) => {
            let code = err.code().unwrap_or_default();
            if THROTTLING.contains(&code) {
                FleetError::Throttled {
                    service: service.into(),
                    operation: operation.into(),
                }
            } else if DENIED.contains(&code) {
                FleetError::AccessDenied {
                    operation: operation.into(),
                    message,
                }
            } else {
                FleetError::Service {
                    operation: operation.into(),
                    message: if code.is_empty() {
                        message
                    } else {
                        format!("{code}: {message}")
                    },
                }
            }
        }
        // Before a request is sent, failing to find credentials is the usual cause.
        _ if message.contains("credentials") || message.contains("identity") => {
            FleetError::Credentials {
                service: service.into(),
                message,
            }
        }
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            FleetError::Unreachable {
                service: service.into(),
                operation: operation.into(),
                message,
            }
        }
        _ => FleetError::Service {
            operation: operation.into(),
            message,
        },
    }
}

/// Error chains from the SDK span lines; the errors pane shows one.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A step of a change failed before anything changed.
pub(super) fn failed(operation: &str, message: String) -> FleetError {
    FleetError::Service {
        operation: operation.into(),
        message,
    }
}

/// A step after the code changed failed: `message` says what state the function is in.
pub(super) fn partial(operation: &str, message: String) -> FleetError {
    FleetError::Partial {
        operation: operation.into(),
        message,
    }
}
