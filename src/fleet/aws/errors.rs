//! Turning AWS SDK errors into [`FleetError`]s an operator can act on, and never one that
//! carries a response body: an answer the SDK could not read may hold anything the service sent
//! (a function's environment values included), so only its status and size are told.

use std::any::Any;
use std::error::Error as StdError;

use aws_sdk_lambda::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use super::profiles;
use crate::fleet::{FleetError, Target};

const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
];

const EXPIRED: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "TokenRefreshRequired",
];

const DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
];

/// The longest service message passed on (a service's own message is a sentence or two).
const MESSAGE_LIMIT: usize = 300;

/// Classifies a failed call of `operation` on `service`.
pub fn classify<E, R>(service: &str, operation: &str, err: &SdkError<E, R>) -> FleetError
where
    E: ProvideErrorMetadata + StdError + 'static,
    R: std::fmt::Debug + 'static,
{
    if let SdkError::ServiceError(_) = err {
        return service_error(service, operation, err);
    }
    // No answer was read: the chain tells of connections, timeouts and credentials only. Its
    // `Display` is used, never `Debug` (which prints the raw response).
    let message = chain(err);
    if message.contains("credentials") || message.contains("identity") {
        return if message.contains("expired") {
            FleetError::Expired {
                service: service.into(),
                operation: operation.into(),
                profile: None,
            }
        } else {
            FleetError::Credentials {
                service: service.into(),
                message,
            }
        };
    }
    match err {
        SdkError::TimeoutError(_) => FleetError::TimedOut {
            service: service.into(),
            operation: operation.into(),
            message,
        },
        SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => FleetError::Unreachable {
            service: service.into(),
            operation: operation.into(),
            message,
        },
        _ => FleetError::Service {
            operation: operation.into(),
            message,
        },
    }
}

/// An answer the service sent: by its error code, or, when the SDK could not read it, by its
/// status and size alone.
fn service_error<E, R>(service: &str, operation: &str, err: &SdkError<E, R>) -> FleetError
where
    E: ProvideErrorMetadata + StdError + 'static,
    R: std::fmt::Debug + 'static,
{
    let Some(code) = err.code().filter(|c| !c.is_empty()) else {
        return FleetError::Service {
            operation: operation.into(),
            message: unreadable(err.raw_response()),
        };
    };
    let message = bounded(err.message().unwrap_or("no message"));
    if THROTTLING.contains(&code) {
        FleetError::Throttled {
            service: service.into(),
            operation: operation.into(),
            budget: None,
        }
    } else if EXPIRED.contains(&code) {
        FleetError::Expired {
            service: service.into(),
            operation: operation.into(),
            profile: None,
        }
    } else if DENIED.contains(&code) {
        FleetError::AccessDenied {
            operation: operation.into(),
            message,
        }
    } else {
        FleetError::Service {
            operation: operation.into(),
            message: format!("{code}: {message}"),
        }
    }
}

/// What is told of an answer that could not be read: its status and size, never its body.
fn unreadable<R: 'static>(raw: Option<&R>) -> String {
    let http = raw.and_then(|r| (r as &dyn Any).downcast_ref::<HttpResponse>());
    let what = match http {
        Some(r) => {
            let size = r.body().bytes().map_or_else(
                || "a streamed body".to_owned(),
                |b| format!("{} bytes", b.len()),
            );
            format!("HTTP {}, {size}", r.status().as_u16())
        }
        None => "an event".to_owned(),
    };
    format!(
        "its answer could not be read ({what}; the body is not shown, as it may hold secrets); try again, and check --endpoint-url or any proxy in between"
    )
}

/// A service's message on one line, at most [`MESSAGE_LIMIT`] characters.
fn bounded(message: &str) -> String {
    let line = one_line(message);
    match line.char_indices().nth(MESSAGE_LIMIT) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// The `Display` of `err` and each of its sources, on one line, each said once.
fn chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = bounded(&e.to_string());
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// Error chains from the SDK span lines; the errors pane shows one.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `error` as it concerns `target`: an expired token names the profile to log in again with,
/// and missing credentials for a profile the shared files do not define say so.
pub fn about_target(error: FleetError, target: &Target) -> FleetError {
    match (error, &target.profile) {
        (
            FleetError::Expired {
                service, operation, ..
            },
            profile,
        ) => FleetError::Expired {
            service,
            operation,
            profile: profile.clone(),
        },
        (FleetError::Credentials { .. }, Some(profile)) if !profiles::defined(profile) => {
            FleetError::NoSuchProfile {
                profile: profile.clone(),
                files: profiles::files_shown(),
            }
        }
        (error, _) => error,
    }
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
