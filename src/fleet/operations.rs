//! What an operator does to one function, in domain types: invoke it, and move its aliases.
//! Every provider answers in these terms; none of its own types cross the trait.

use serde::Serialize;
use tokio::sync::mpsc;

/// The largest synchronous payload Lambda takes (6 MB).
pub const SYNC_LIMIT: usize = 6 * 1024 * 1024;
/// The largest queued (`Event`) payload (256 KB).
pub const EVENT_LIMIT: usize = 256 * 1024;

/// Checks a payload before anything is sent: valid JSON, within `limit`. `source` names it in
/// the message.
pub fn check_payload(bytes: &[u8], source: &str, limit: usize) -> Result<(), String> {
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(format!(
            "{source} is not valid JSON ({e}); nothing was sent"
        ));
    }
    if bytes.len() > limit {
        return Err(format!(
            "{source} is {} bytes, over the {} MB this invocation takes; nothing was sent (put large data in S3 and send its key)",
            bytes.len(),
            limit as f64 / 1024.0 / 1024.0
        ));
    }
    Ok(())
}

/// `10%`, `10` (a percentage) or `0.1`: a share strictly between 0 and 1.
pub fn parse_weight(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let value: f64 = t
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("--weight {text}: write a share like 10% or 0.1"))?;
    let share = if t.ends_with('%') || value > 1.0 {
        value / 100.0
    } else {
        value
    };
    if share > 0.0 && share < 1.0 {
        Ok(share)
    } else {
        Err(format!(
            "--weight {text}: the canary's share must be between 0 and 100% (exclusive)"
        ))
    }
}

/// How an invocation is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InvocationType {
    /// Wait for the answer (and the log tail).
    RequestResponse,
    /// Queue it; only acceptance comes back.
    Event,
    /// Check that it could be invoked (function, qualifier, permissions) without running it.
    DryRun,
}

/// One invocation to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvokeRequest {
    /// `$LATEST` when `None`, else a version or an alias.
    pub qualifier: Option<String>,
    pub payload: Vec<u8>,
    pub kind: InvocationType,
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvokeResult {
    /// 200, 202 (event) or 204 (dry run).
    pub status: u16,
    /// `Unhandled`, or the init error's type, when the function failed.
    pub function_error: Option<String>,
    pub payload: Vec<u8>,
    /// The invocation's log lines (`LogType=Tail`: the last 4 KB on AWS).
    pub log_tail: Vec<String>,
    pub executed_version: Option<String>,
}

/// The code a deploy ships.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeSource {
    /// The service's working directory (a local fleet).
    WorkingDirectory,
    /// A zip package, already checked.
    Zip(Vec<u8>),
    /// A package in S3.
    S3 { bucket: String, key: String },
}

/// An alias as it points, before or after a change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AliasTarget {
    pub alias: String,
    pub version: String,
    /// A second version and the share of traffic it gets.
    pub additional: Option<(String, f64)>,
}

/// A change of what an alias runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AliasChange {
    pub function: String,
    pub before: Option<AliasTarget>,
    pub after: AliasTarget,
    /// The version a deploy published, if it published one.
    pub published: Option<String>,
    /// The code SHA-256 of what the alias runs, before and after.
    pub code_before: Option<String>,
    pub code_after: Option<String>,
}

/// The qualifier of a function's unpublished code, which serves it when no alias does.
pub const LATEST: &str = "$LATEST";

/// A rollback of a function served at `$LATEST`: the code of a published version redeployed as
/// `$LATEST`. Nothing is published, and no version is deleted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeRestore {
    pub function: String,
    /// What changed: always [`LATEST`].
    pub qualifier: String,
    /// The published version whose code `$LATEST` runs now.
    pub version: String,
    /// The code SHA-256 of `$LATEST`, before and after.
    pub code_before: Option<String>,
    pub code_after: String,
}

impl CodeRestore {
    /// `$LATEST` already ran that code: nothing was sent.
    pub fn unchanged(&self) -> bool {
        self.code_before.as_deref() == Some(self.code_after.as_str())
    }
}

/// The versions a rollback of `$LATEST` can go back to, newest first: the published ones whose
/// code differs from what `$LATEST` runs now (the first is the default).
pub fn restore_candidates(function: &crate::fleet::Function) -> Vec<&crate::fleet::Version> {
    let mut versions: Vec<&crate::fleet::Version> = function
        .versions
        .iter()
        .filter(|v| v.code_sha256 != function.code_sha256)
        .collect();
    versions.sort_by_key(|v| std::cmp::Reverse(v.version.parse::<u64>().unwrap_or(0)));
    versions
}

/// A step of a deploy or a restore, sent as it starts, so the operator sees where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Reading the function: its code, its revision, the alias.
    Reading,
    /// Downloading version `version`'s package.
    Downloading { version: String },
    /// Sending the code (`UpdateFunctionCode`), `bytes` of it when it is a zip.
    Sending { bytes: Option<usize> },
    /// Waiting for `LastUpdateStatus` to be `Successful`.
    Waiting,
    /// Publishing the code as a version.
    Publishing,
    /// Moving (or creating) `alias` to `version`.
    MovingAlias { alias: String, version: String },
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Reading => write!(f, "reading the function and its revision"),
            Step::Downloading { version } => write!(f, "downloading version {version}'s package"),
            Step::Sending { bytes: Some(n) } => write!(
                f,
                "sending the code ({}) with UpdateFunctionCode",
                crate::units::bytes(*n as u64)
            ),
            Step::Sending { bytes: None } => write!(f, "sending the code with UpdateFunctionCode"),
            Step::Waiting => write!(f, "waiting for LastUpdateStatus Successful"),
            Step::Publishing => write!(f, "publishing the code as a version"),
            Step::MovingAlias { alias, version } => {
                write!(f, "moving alias {alias} to version {version}")
            }
        }
    }
}

/// Where the steps of a change go as they start (nowhere, if the receiver is gone).
pub type StepSink = mpsc::UnboundedSender<Step>;
