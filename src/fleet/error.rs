//! The one error type that crosses the [`crate::fleet::Fleet`] trait.

use thiserror::Error;

/// What went wrong talking to a provider, in terms an operator can act on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FleetError {
    /// The service refused calls over its rate quota (or a client-side budget ran out), and
    /// retries did not get through.
    #[error(
        "throttled: {service} refused {operation} over its rate quota{}, and retries did not get through; wait and refresh, or lower [discovery] concurrency",
        budget.as_deref().map(|b| format!(" (budget: {b})")).unwrap_or_default()
    )]
    Throttled {
        service: String,
        operation: String,
        /// The budget the call hit, where the caller knows it (e.g. `lambda control plane 15/s`).
        budget: Option<String>,
    },
    #[error("access denied to {operation}: {message}; check the IAM policy of this profile")]
    AccessDenied { operation: String, message: String },
    /// The session token is no longer valid: new credentials are needed, not a policy change.
    #[error(
        "the credentials have expired ({service} {operation}): refresh them ({}) and refresh the view",
        refresh_hint(profile.as_deref())
    )]
    Expired {
        service: String,
        operation: String,
        /// The profile whose credentials expired, where known.
        profile: Option<String>,
    },
    #[error(
        "no usable credentials for {service}: {message}; set AWS_PROFILE or --profile, or run `aws sso login`"
    )]
    Credentials { service: String, message: String },
    /// `--profile` names a profile the shared AWS files do not define.
    #[error(
        "profile `{profile}` is not defined in {files}: check its name (`aws configure list-profiles`), or point AWS_CONFIG_FILE at the file that has it"
    )]
    NoSuchProfile { profile: String, files: String },
    #[error(
        "cannot reach {service} ({operation}): {message}; check the region, the network or --endpoint-url"
    )]
    Unreachable {
        service: String,
        operation: String,
        message: String,
    },
    /// No answer within the operation timeout, retries included.
    #[error(
        "no answer from {service} to {operation} within the operation timeout, retries included ({message}): a throttling service makes retries wait longer and longer, a slow or unreachable endpoint too; wait and refresh, or raise [discovery] operation_timeout_ms"
    )]
    TimedOut {
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

/// How to get new credentials: `aws sso login --profile P` for an SSO profile, else new keys.
fn refresh_hint(profile: Option<&str>) -> String {
    match profile {
        Some(p) => {
            format!("`aws sso login --profile {p}` for an SSO profile, else new keys for {p}")
        }
        None => "`aws sso login --profile PROFILE` for an SSO profile, else new keys".to_owned(),
    }
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
            FleetError::Expired { .. } => "expired",
            FleetError::Credentials { .. } | FleetError::NoSuchProfile { .. } => "credentials",
            FleetError::Unreachable { .. } => "unreachable",
            FleetError::TimedOut { .. } => "timeout",
            FleetError::Service { .. } => "error",
            FleetError::Partial { .. } => "partial",
            FleetError::Config(_) => "config",
            FleetError::Unsupported(_) => "unsupported",
            FleetError::Note(_) => "note",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_names_the_api_and_the_budget_the_caller_gives() {
        let mut e = FleetError::Throttled {
            service: "lambda".into(),
            operation: "ListAliases".into(),
            budget: None,
        };
        assert!(
            e.to_string()
                .starts_with("throttled: lambda refused ListAliases over its rate quota, and"),
            "{e}"
        );
        if let FleetError::Throttled { budget, .. } = &mut e {
            *budget = Some("lambda control plane 15/s".into());
        }
        assert!(
            e.to_string()
                .contains("ListAliases over its rate quota (budget: lambda control plane 15/s)"),
            "{e}"
        );
    }

    #[test]
    fn an_expired_token_says_how_to_log_in_again() {
        let e = FleetError::Expired {
            service: "lambda".into(),
            operation: "ListFunctions".into(),
            profile: Some("prod".into()),
        };
        assert!(
            e.to_string().contains("`aws sso login --profile prod`"),
            "{e}"
        );
        assert_eq!(e.kind(), "expired");
    }
}
