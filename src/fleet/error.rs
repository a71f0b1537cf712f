//! The one error type that crosses the [`crate::fleet::Fleet`] trait.

use thiserror::Error;

/// What went wrong talking to a provider, in terms an operator can act on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FleetError {
    #[error(
        "throttled by {service} ({operation}) after retries; wait and refresh, or lower [discovery] concurrency"
    )]
    Throttled { service: String, operation: String },
    #[error("access denied to {operation}: {message}; check the IAM policy of this profile")]
    AccessDenied { operation: String, message: String },
    #[error(
        "no usable credentials for {service}: {message}; set AWS_PROFILE or --profile, or run `aws sso login`"
    )]
    Credentials { service: String, message: String },
    #[error(
        "cannot reach {service} ({operation}): {message}; check the region, the network or --endpoint-url"
    )]
    Unreachable {
        service: String,
        operation: String,
        message: String,
    },
    #[error("{operation} failed: {message}")]
    Service { operation: String, message: String },
    /// A change was partly made; the message says what state the function is in.
    #[error("{operation} failed: {message}")]
    Partial { operation: String, message: String },
    #[error("{0}")]
    Config(String),
    /// The provider or endpoint cannot do this; the caller has another way (e.g. polling).
    #[error("{0}")]
    Unsupported(String),
    /// Not a failure: something read past or done differently, for the operator to know.
    #[error("{0}")]
    Note(String),
}

impl FleetError {
    /// The error of a change as an operator reads it: with "nothing changed", unless the
    /// change was partly made (then the message already says what state the function is in).
    pub fn after_change(&self) -> String {
        match self {
            FleetError::Partial { .. } => self.to_string(),
            _ => format!("{self}; nothing changed"),
        }
    }

    /// A short label for the errors pane and the header marker.
    pub fn kind(&self) -> &'static str {
        match self {
            FleetError::Throttled { .. } => "throttled",
            FleetError::AccessDenied { .. } => "denied",
            FleetError::Credentials { .. } => "credentials",
            FleetError::Unreachable { .. } => "unreachable",
            FleetError::Service { .. } => "error",
            FleetError::Partial { .. } => "partial",
            FleetError::Config(_) => "config",
            FleetError::Unsupported(_) => "unsupported",
            FleetError::Note(_) => "note",
        }
    }
}
