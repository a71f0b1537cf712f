//! What crosses the [`Fleet`](super::Fleet) trait besides the model: findings of discovery,
//! pages of log events and REPORT records, invocations, and changes with their steps. Plain
//! data, the same for every provider; no SDK type.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::mpsc;

use crate::analysis::metrics::{LambdaMetric, Stat};
use crate::analysis::report::InvocationReport;

use super::error::FleetError;
use super::model::{Alias, EventSource, Function, Route, Target, Version};

// Discovery.

/// One finding of discovery. Functions are keyed by their unqualified ARN.
#[derive(Debug, Clone, PartialEq)]
pub enum DiscoveryEvent {
    /// Discovery of a target began.
    Started(Target),
    /// The account behind a target's credentials.
    Account { target: Target, account: String },
    /// A page of functions, with their configuration.
    Functions {
        target: Target,
        functions: Vec<Function>,
    },
    /// Tags of many functions (function ARN → tags).
    Tags {
        target: Target,
        tags: BTreeMap<String, BTreeMap<String, String>>,
    },
    /// The published versions of one function.
    Versions {
        function_arn: String,
        versions: Vec<Version>,
    },
    /// The aliases of one function.
    Aliases {
        function_arn: String,
        aliases: Vec<Alias>,
    },
    /// API Gateway routes, each with the function ARN it reaches.
    Routes {
        target: Target,
        routes: Vec<(String, Route)>,
    },
    /// Event source mappings, each with the function ARN it feeds.
    EventSources {
        target: Target,
        mappings: Vec<(String, EventSource)>,
    },
    /// A call failed; discovery goes on without what it would have brought.
    Failed {
        target: Target,
        /// What was being fetched, e.g. "ListAliases users-dev-login".
        scope: String,
        error: FleetError,
    },
    /// Discovery of a target ended (with or without failures).
    Finished(Target),
}

impl DiscoveryEvent {
    /// The target a finding belongs to, where it names one.
    pub fn target(&self) -> Option<&Target> {
        match self {
            DiscoveryEvent::Started(t) | DiscoveryEvent::Finished(t) => Some(t),
            DiscoveryEvent::Account { target, .. }
            | DiscoveryEvent::Functions { target, .. }
            | DiscoveryEvent::Tags { target, .. }
            | DiscoveryEvent::Routes { target, .. }
            | DiscoveryEvent::EventSources { target, .. }
            | DiscoveryEvent::Failed { target, .. } => Some(target),
            DiscoveryEvent::Versions { .. } | DiscoveryEvent::Aliases { .. } => None,
        }
    }
}

/// Where a provider sends its findings.
pub type DiscoverySink = mpsc::UnboundedSender<DiscoveryEvent>;

/// How much of each function discovery reads before a target is `Finished`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The functions with their configuration, tags, routes and event sources: what figures,
    /// costs and logs need.
    Functions,
    /// …and every function's versions and aliases (`ls --json`).
    Complete,
    /// The functions first; their versions and aliases after `Finished`, in the background,
    /// while the operator already looks at the fleet (the dashboard).
    Background,
}

// Logs and REPORT records.

/// One log event of one function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogRecord {
    pub timestamp_ms: i64,
    pub function: String,
    pub log_stream: String,
    pub event_id: String,
    pub message: String,
}

/// Where a provider sends a function's log events, a page at a time.
pub type LogSink = mpsc::UnboundedSender<Vec<LogRecord>>;

/// One update of a Live Tail session: its records, and whether the service sampled them (more
/// events matched than an update holds, so some were not sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailUpdate {
    pub records: Vec<LogRecord>,
    pub sampled: bool,
}

/// Where a provider sends what a Live Tail session streams.
pub type TailSink = mpsc::UnboundedSender<TailUpdate>;

/// A REPORT record with the time its log event was written.
#[derive(Debug, Clone, PartialEq)]
pub struct TimedReport {
    pub timestamp_ms: i64,
    pub report: InvocationReport,
}

/// One page of a function's records, and the log bytes read to get it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportBatch {
    pub function_arn: String,
    pub reports: Vec<TimedReport>,
    pub bytes_scanned: u64,
}

impl ReportBatch {
    /// The REPORT records among a page of `function_arn`'s log lines (timestamp, message),
    /// which cost `bytes_scanned` to read; other lines are skipped.
    pub fn from_lines<'a>(
        function_arn: &str,
        lines: impl IntoIterator<Item = (i64, &'a str)>,
        bytes_scanned: u64,
    ) -> ReportBatch {
        let reports = lines
            .into_iter()
            .filter_map(|(timestamp_ms, message)| {
                Some(TimedReport {
                    timestamp_ms,
                    report: crate::analysis::report::parse(message)?,
                })
            })
            .collect();
        ReportBatch {
            function_arn: function_arn.to_owned(),
            reports,
            bytes_scanned,
        }
    }
}

/// Where a provider sends a function's records.
pub type ReportSink = mpsc::UnboundedSender<ReportBatch>;

/// What a log group holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogGroupSize {
    pub stored_bytes: u64,
    pub created_ms: i64,
    /// How long it keeps events (`None`: forever).
    pub retention_days: Option<i32>,
}

impl LogGroupSize {
    /// Since when the stored bytes were written, as of `at_ms`: the group's creation, or the
    /// oldest day its retention keeps, whichever is later.
    pub fn stored_since_ms(&self, at_ms: i64) -> i64 {
        let kept = self
            .retention_days
            .filter(|d| *d > 0)
            .map_or(i64::MIN, |d| at_ms - i64::from(d) * 86_400_000);
        self.created_ms.max(kept)
    }
}

/// The answer of a Logs Insights query: one map (field → value) per row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryAnswer {
    pub rows: Vec<BTreeMap<String, String>>,
    pub bytes_scanned: f64,
}

// Metrics.

/// One `AWS/Lambda` statistic of one function (or of one of its aliases or versions, through
/// the `Resource` dimension) over a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricQuery {
    /// The function's name (the `FunctionName` dimension).
    pub function: String,
    /// `NAME:ALIAS` or `NAME:VERSION` (the `Resource` dimension), for an alias's figures.
    pub resource: Option<String>,
    pub metric: LambdaMetric,
    pub stat: Stat,
}

/// The value of each query over the window (`None`: no datapoint), in the queries' order,
/// and the calls that failed (their queries' values are `None`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricAnswer {
    pub values: Vec<Option<f64>>,
    pub failures: Vec<FleetError>,
}

// Invocations.

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

// Changes.

/// The code a deploy ships.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeSource {
    /// The service's working directory (a local fleet).
    WorkingDirectory,
    /// A zip package, already checked (shared: the dialog that showed it keeps it while it
    /// ships).
    Zip(Arc<Vec<u8>>),
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

impl AliasTarget {
    /// Where `alias` points now (its primary version, and a canary's version and share).
    pub fn of(alias: &Alias) -> AliasTarget {
        AliasTarget {
            alias: alias.name.clone(),
            version: alias.version.clone(),
            additional: alias
                .weights
                .iter()
                .find(|(v, _)| **v != alias.version)
                .map(|(v, w)| (v.clone(), *w)),
        }
    }
}

/// A change of what an alias runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AliasChange {
    pub function: String,
    /// Where the alias pointed before (a canary's second version included); `None`: it was
    /// created.
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

/// A step of a change, sent as it starts (and a wait again as time passes), so the operator
/// sees where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Reading the function: its code, its revision, the alias.
    Reading,
    /// Downloading version `version`'s package.
    Downloading { version: String },
    /// Sending the code (`UpdateFunctionCode`), `bytes` of it when it is a zip.
    Sending { bytes: Option<usize> },
    /// Waiting for `LastUpdateStatus` to be `Successful`, for `elapsed_s` so far.
    Waiting { elapsed_s: u64 },
    /// Publishing the code as a version.
    Publishing,
    /// Waiting for published `version` to be `Active` (a SnapStart snapshot takes minutes), for
    /// `elapsed_s` so far.
    WaitingVersion { version: String, elapsed_s: u64 },
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
            Step::Waiting { elapsed_s } => write!(
                f,
                "waiting for LastUpdateStatus Successful{}",
                elapsed(*elapsed_s)
            ),
            Step::Publishing => write!(f, "publishing the code as a version"),
            Step::WaitingVersion { version, elapsed_s } => write!(
                f,
                "waiting for version {version} to be Active{}",
                elapsed(*elapsed_s)
            ),
            Step::MovingAlias { alias, version } => {
                write!(f, "moving alias {alias} to version {version}")
            }
        }
    }
}

impl Step {
    /// Whether this is a later report of the same wait as `earlier` (shown in its place).
    pub fn continues(&self, earlier: &Step) -> bool {
        match (self, earlier) {
            (Step::Waiting { .. }, Step::Waiting { .. }) => true,
            (Step::WaitingVersion { version: a, .. }, Step::WaitingVersion { version: b, .. }) => {
                a == b
            }
            _ => false,
        }
    }
}

/// ` (12 s)` once a wait has lasted a second.
fn elapsed(seconds: u64) -> String {
    if seconds == 0 {
        String::new()
    } else {
        format!(" ({seconds} s)")
    }
}

/// Where the steps of a change go as they start (nowhere, if the receiver is gone).
pub type StepSink = mpsc::UnboundedSender<Step>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_groups_bytes_were_written_since_its_creation_or_its_retention() {
        let day = 86_400_000;
        let group = LogGroupSize {
            stored_bytes: 1,
            created_ms: 0,
            retention_days: Some(30),
        };
        assert_eq!(group.stored_since_ms(730 * day), 700 * day);
        assert_eq!(
            group.stored_since_ms(10 * day),
            0,
            "younger than its retention"
        );
        let forever = LogGroupSize {
            retention_days: None,
            ..group
        };
        assert_eq!(forever.stored_since_ms(730 * day), 0);
    }
}
