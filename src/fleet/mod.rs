//! The fleet: its domain model, the [`Fleet`] trait every provider implements, and the providers.

pub mod artifact;
pub mod aws;
pub mod discovery;
pub mod error;
pub mod follow;
pub mod grouping;
pub mod inventory;
pub mod local;
pub mod logs;
pub mod model;
pub mod operations;
pub mod reports;

use async_trait::async_trait;

use crate::analysis::latency::Window;
use logs::LogSink;
use operations::{AliasChange, CodeRestore, CodeSource, InvokeRequest, InvokeResult, StepSink};
use reports::{LogGroupSize, QueryAnswer, ReportSink};

pub use discovery::{DiscoveryEvent, DiscoverySink};
pub use error::FleetError;
pub use inventory::Inventory;
pub use model::*;

/// Log groups one live-tail session may follow (CloudWatch Logs' limit).
pub const LIVE_TAIL_GROUPS: usize = 10;

/// A provider of functions: AWS, or later the local fleet. Only domain types cross this trait.
#[async_trait]
pub trait Fleet: Send + Sync {
    /// Where the fleet comes from, for the header.
    fn context(&self) -> FleetContext;

    /// Discovers every function of `targets`, sending findings to `sink` as they arrive.
    ///
    /// Failures of single calls are reported as [`DiscoveryEvent::Failed`] and do not stop
    /// discovery; every target ends with [`DiscoveryEvent::Finished`].
    async fn discover(&self, targets: Vec<Target>, sink: DiscoverySink);

    /// The stored size of a log group (`None` if it does not exist), for estimating what reading
    /// a window will scan before scanning it.
    async fn log_group_size(
        &self,
        region: &str,
        log_group: &str,
    ) -> Result<Option<LogGroupSize>, FleetError>;

    /// Runs a CloudWatch Logs Insights query over `log_groups` of `region` within `window`.
    async fn insights_query(
        &self,
        region: &str,
        log_groups: &[String],
        query: &str,
        window: Window,
    ) -> Result<QueryAnswer, FleetError>;

    /// Streams the log events of `function` within `window` (matching the server-side filter
    /// `pattern` if given) to `sink`, a page at a time.
    async fn log_events(
        &self,
        function: &Function,
        window: Window,
        pattern: Option<String>,
        sink: LogSink,
    ) -> Result<(), FleetError>;

    /// Streams the log events of `functions` (one region, at most [`LIVE_TAIL_GROUPS`] log
    /// groups) as they are written, until the session ends (`Ok`: open another) or fails.
    /// [`FleetError::Unsupported`] means this provider or endpoint cannot stream; poll instead.
    async fn live_tail(
        &self,
        functions: &[Function],
        pattern: Option<String>,
        sink: LogSink,
    ) -> Result<(), FleetError> {
        let _ = (functions, pattern, sink);
        Err(FleetError::Unsupported(
            "this fleet has no live tail".into(),
        ))
    }

    /// One function by name in `region`, with its versions and aliases (`None`: no such
    /// function), for acting on it without discovering the whole fleet.
    async fn function(&self, name: &str, region: &str) -> Result<Option<Function>, FleetError> {
        let _ = (name, region);
        Ok(None)
    }

    /// Who acts on this fleet, for the audit log (the STS caller's ARN on AWS); `None` when
    /// the provider has no identity of its own.
    async fn identity(&self) -> Option<String> {
        None
    }

    /// Invokes `function` (see [`InvokeRequest`]).
    async fn invoke(
        &self,
        function: &Function,
        request: InvokeRequest,
    ) -> Result<InvokeResult, FleetError> {
        let _ = (function, request);
        Err(FleetError::Unsupported(
            "this fleet cannot invoke functions".into(),
        ))
    }

    /// Ships `source` as `function`'s code, publishes it as a version and points `alias` at
    /// it, sending each step to `steps` as it starts; a failure says what state the function
    /// is in.
    async fn deploy(
        &self,
        function: &Function,
        source: CodeSource,
        alias: &str,
        steps: StepSink,
    ) -> Result<AliasChange, FleetError> {
        let _ = (function, source, alias, steps);
        Err(FleetError::Unsupported(
            "this fleet cannot deploy yet".into(),
        ))
    }

    /// Points `alias` back at `to`, or at the newest version older than where it points.
    async fn rollback(
        &self,
        function: &Function,
        alias: &str,
        to: Option<String>,
    ) -> Result<AliasChange, FleetError> {
        let _ = (function, alias, to);
        Err(FleetError::Unsupported(
            "this fleet cannot roll back yet".into(),
        ))
    }

    /// Redeploys the code of published `version` as `$LATEST`: the rollback of a function
    /// served without an alias, each step sent to `steps` as it starts. Nothing is published
    /// or deleted; a failure says what state the function is in.
    async fn restore(
        &self,
        function: &Function,
        version: &str,
        steps: StepSink,
    ) -> Result<CodeRestore, FleetError> {
        let _ = (function, version, steps);
        Err(FleetError::Unsupported(
            "this fleet cannot redeploy a version's code".into(),
        ))
    }

    /// Points `alias` at `version`, with `additional` (a second version and its share of
    /// traffic) or none: a canary's start, promotion or abort.
    async fn route_alias(
        &self,
        function: &Function,
        alias: &str,
        version: String,
        additional: Option<(String, f64)>,
    ) -> Result<AliasChange, FleetError> {
        let _ = (function, alias, version, additional);
        Err(FleetError::Unsupported(
            "this fleet cannot route aliases".into(),
        ))
    }

    /// Streams the platform's REPORT records of `function` written within `window` to `sink`,
    /// a page at a time.
    async fn reports(
        &self,
        function: &Function,
        window: Window,
        sink: ReportSink,
    ) -> Result<(), FleetError>;
}

/// Discovers every target of the fleet's context to the end, merging findings into `inventory`
/// (the subcommands' way; the TUI merges them one message at a time instead).
pub async fn discover_to_end(fleet: &dyn Fleet, inventory: &mut Inventory) {
    let (sink, mut findings) = tokio::sync::mpsc::unbounded_channel();
    let targets = fleet.context().targets;
    let discover = fleet.discover(targets, sink);
    let merge = async {
        while let Some(event) = findings.recv().await {
            inventory.apply(event);
        }
    };
    tokio::join!(discover, merge);
}
