//! The [`Fleet`] trait: what every provider (AWS, the local fleet) answers, in domain types
//! only (the model and [`super::provider_types`]). No method has a default: each provider says
//! what it does, and refuses what it cannot do in its own words.
//!
//! Every call about one function goes to the [`Target`] that discovered it
//! ([`Function::target`]): with two profiles in one region, prod's function is never reached
//! through dev's credentials.

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::analysis::latency::Window;

use super::model::{FleetContext, Function, Target};
use super::provider_types::{
    AliasChange, AliasTarget, CodeRestore, CodeSource, Depth, DiscoverySink, InvokeRequest,
    InvokeResult, LogGroupSize, LogSink, MetricAnswer, MetricQuery, QueryAnswer, ReportSink,
    StepSink, TailSink,
};
use super::{FleetError, Inventory};

/// Log groups one live-tail session may follow (CloudWatch Logs' limit).
pub const LIVE_TAIL_GROUPS: usize = 10;

/// A provider of functions. Only domain types cross this trait.
#[async_trait]
pub trait Fleet: Send + Sync {
    /// Where the fleet comes from, for the header.
    fn context(&self) -> FleetContext;

    /// Discovers every function of `targets` as deep as `depth`, sending findings to `sink`
    /// as they arrive.
    ///
    /// Failures of single calls are reported as [`super::DiscoveryEvent::Failed`] and do not
    /// stop discovery; every target ends with [`super::DiscoveryEvent::Finished`] (which, at
    /// [`Depth::Background`], comes before the versions and aliases).
    async fn discover(&self, targets: Vec<Target>, depth: Depth, sink: DiscoverySink);

    /// Reads the versions and aliases of `functions` now, ahead of any background discovery
    /// (the ones on the operator's screen), as findings to `sink`.
    async fn details(&self, functions: Vec<Function>, sink: DiscoverySink);

    /// One function of `target` by name, with its versions and aliases (`None`: no such
    /// function there), for acting on it without discovering the whole fleet.
    async fn function(&self, target: &Target, name: &str) -> Result<Option<Function>, FleetError>;

    /// Who acts through `target`, for the audit log (the STS caller's ARN on AWS); `None` when
    /// the provider has no identity of its own.
    async fn identity(&self, target: &Target) -> Option<String>;

    /// The stored sizes of `log_groups` of `target` (a group that does not exist is left
    /// out: a function never invoked has none), for estimating what reading a window will
    /// scan before scanning it, and for leaving out of a query what is not there.
    async fn log_group_sizes(
        &self,
        target: &Target,
        log_groups: &[String],
    ) -> Result<BTreeMap<String, LogGroupSize>, FleetError>;

    /// Runs a CloudWatch Logs Insights query over `log_groups` of `target` within `window`.
    async fn insights_query(
        &self,
        target: &Target,
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

    /// Streams the log events of `functions` (one target, at most [`LIVE_TAIL_GROUPS`] log
    /// groups) as they are written, each update saying whether it was sampled, until the session
    /// ends (`Ok`: open another) or fails. [`FleetError::Unsupported`] means this provider or
    /// endpoint cannot stream; poll instead.
    async fn live_tail(
        &self,
        functions: &[Function],
        pattern: Option<String>,
        sink: TailSink,
    ) -> Result<(), FleetError>;

    /// Streams the platform's REPORT records of `function` written within `window` to `sink`,
    /// a page at a time.
    async fn reports(
        &self,
        function: &Function,
        window: Window,
        sink: ReportSink,
    ) -> Result<(), FleetError>;

    /// The value of each of `queries` (functions of `target`) over `window`, from CloudWatch
    /// metrics. Calls that fail leave their queries' values `None` and say why in
    /// [`MetricAnswer::failures`]; [`FleetError::Unsupported`] means this provider has none.
    async fn metrics(
        &self,
        target: &Target,
        queries: Vec<MetricQuery>,
        window: Window,
    ) -> Result<MetricAnswer, FleetError>;

    /// Invokes `function` (see [`InvokeRequest`]).
    async fn invoke(
        &self,
        function: &Function,
        request: InvokeRequest,
    ) -> Result<InvokeResult, FleetError>;

    /// Ships `source` as `function`'s code, publishes it as a version, waits for the version
    /// to be `Active`, and points `alias` at it, provided the alias still points where the plan
    /// saw it (`expect`; `None`: it did not exist). Each step goes to `steps` as it starts; a
    /// failure says what state the function is in.
    async fn deploy(
        &self,
        function: &Function,
        source: CodeSource,
        expect: Option<AliasTarget>,
        alias: &str,
        steps: StepSink,
    ) -> Result<AliasChange, FleetError>;

    /// Points an alias from `from` (where the plan saw it: a move from anywhere else is a
    /// conflict and nothing moves) to `to`: a rollback, or a canary's start, promotion or
    /// abort. The versions `to` names must be published and `Active`.
    async fn route_alias(
        &self,
        function: &Function,
        from: &AliasTarget,
        to: AliasTarget,
    ) -> Result<AliasChange, FleetError>;

    /// Redeploys the code of published `version` as `$LATEST`: the rollback of a function
    /// served without an alias, each step sent to `steps` as it starts. Nothing is published
    /// or deleted; a failure says what state the function is in.
    async fn restore(
        &self,
        function: &Function,
        version: &str,
        steps: StepSink,
    ) -> Result<CodeRestore, FleetError>;
}

/// Discovers every target of the fleet's context to the end, as deep as `depth`, merging
/// findings into `inventory` (the subcommands' way; the TUI merges them one message at a time
/// instead).
pub async fn discover_to_end(fleet: &dyn Fleet, depth: Depth, inventory: &mut Inventory) {
    let (sink, mut findings) = tokio::sync::mpsc::unbounded_channel();
    let targets = fleet.context().targets;
    let discover = fleet.discover(targets, depth, sink);
    let merge = async {
        while let Some(event) = findings.recv().await {
            inventory.apply(event);
        }
    };
    tokio::join!(discover, merge);
}
