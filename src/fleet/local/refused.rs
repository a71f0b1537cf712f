//! Why the local fleet did not run an invocation: a concurrency limit (AWS's
//! `TooManyRequestsException`, a 429 at the gateway) or no environment to run it in.

/// Why an invocation did not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// A concurrency limit reached: AWS's `TooManyRequestsException`.
    Throttled { limit: u32, by: Limit },
    /// The environment could not be made (runtime missing, spawn failed).
    Unavailable(String),
}

/// Which concurrency limit throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The function's `reservedConcurrency`.
    Reserved,
    /// The whole fleet's `[local] max_environments`, busy, as an account's concurrency limit.
    Fleet,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Throttled {
                limit,
                by: Limit::Reserved,
            } => write!(
                f,
                "TooManyRequestsException: Rate Exceeded. (reserved concurrency {limit} reached)"
            ),
            Refused::Throttled {
                limit,
                by: Limit::Fleet,
            } => write!(
                f,
                "TooManyRequestsException: Rate Exceeded. ({limit} environments busy, the local fleet's [local] max_environments; raise it in the config)"
            ),
            Refused::Unavailable(why) => write!(f, "{why}"),
        }
    }
}
