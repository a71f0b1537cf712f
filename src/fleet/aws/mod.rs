//! The AWS provider: discovery through the AWS SDK for Rust, behind the [`Fleet`] trait.

mod accounts;
mod aliases;
pub mod budget;
pub mod clients;
mod code;
mod deploy;
mod discover;
mod errors;
mod functions;
mod insights;
mod invoke;
mod logs;
mod metrics;
mod owner;
mod package;
mod profiles;
mod restore;
mod routes;
mod tags;
mod tail;
mod waits;

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use async_trait::async_trait;
use tokio::task::JoinSet;

use accounts::Accounts;
use budget::QuotaSettings;
pub use clients::{CallSettings, Clients};
pub use waits::Timeouts;

use crate::analysis::latency::Window;
use crate::fleet::{
    AliasChange, AliasTarget, CodeRestore, CodeSource, Depth, DiscoveryEvent, DiscoverySink, Fleet,
    FleetContext, FleetError, Function, InvokeRequest, InvokeResult, LogGroupSize, LogSink,
    MetricAnswer, MetricQuery, Provider, QueryAnswer, ReportSink, StepSink, TailSink, Target,
};

/// What the command line and the config say about reaching AWS.
#[derive(Debug, Clone)]
pub struct AwsOptions {
    /// Profiles to read (`--profile`, repeatable); empty means the default chain.
    pub profiles: Vec<String>,
    /// Regions to read (`--region`, repeatable); empty means each profile's default region.
    pub regions: Vec<String>,
    pub endpoint_url: Option<String>,
    /// Calls in flight per target.
    pub concurrency: usize,
    pub max_attempts: u32,
    pub connect_timeout: Duration,
    pub operation_timeout: Duration,
    /// Events a `FilterLogEvents` page asks for.
    pub log_page_size: i32,
    /// The slow parts of a change and of a synchronous invocation.
    pub timeouts: Timeouts,
    /// The client-side rate budget per account and region.
    pub quota: QuotaSettings,
}

/// A fleet of Lambda functions in one or more accounts and regions.
pub struct AwsFleet {
    targets: Vec<Target>,
    concurrency: usize,
    log_page_size: i32,
    timeouts: Timeouts,
    /// Each target's clients and budgets.
    accounts: Accounts,
    /// Functions whose versions and aliases were read on request.
    detailed: discover::Detailed,
}

impl AwsFleet {
    /// Resolves the targets (profile × region; the default region of each profile when no
    /// region is given).
    pub async fn new(options: AwsOptions) -> Result<Self, FleetError> {
        let profiles: Vec<Option<String>> = if options.profiles.is_empty() {
            vec![None]
        } else {
            options.profiles.iter().cloned().map(Some).collect()
        };
        let mut targets = Vec::new();
        for profile in &profiles {
            if options.regions.is_empty() {
                let region = clients::default_region(profile.as_deref()).await.ok_or_else(|| {
                    FleetError::Config(format!(
                        "no region for profile {}: pass --region, set AWS_REGION, or add `region` to the profile in ~/.aws/config",
                        profile.as_deref().unwrap_or("default")
                    ))
                })?;
                targets.push(Target::new(profile.as_deref(), &region));
            } else {
                for region in &options.regions {
                    targets.push(Target::new(profile.as_deref(), region));
                }
            }
        }
        targets.dedup();
        let settings = CallSettings {
            endpoint_url: options.endpoint_url,
            max_attempts: options.max_attempts,
            connect_timeout: options.connect_timeout,
            operation_timeout: options.operation_timeout,
        };
        Ok(AwsFleet {
            targets,
            concurrency: options.concurrency,
            log_page_size: options.log_page_size,
            timeouts: options.timeouts,
            accounts: Accounts::new(settings, options.quota),
            detailed: discover::Detailed::default(),
        })
    }

    /// A fleet over clients built elsewhere (tests build them with `aws-smithy-mocks`).
    pub fn with_clients(clients: Vec<(Target, Clients)>, concurrency: usize) -> Self {
        let settings = CallSettings {
            endpoint_url: None,
            max_attempts: 3,
            connect_timeout: Duration::from_secs(3),
            operation_timeout: Duration::from_secs(30),
        };
        AwsFleet {
            targets: clients.iter().map(|(t, _)| t.clone()).collect(),
            concurrency,
            log_page_size: 10_000,
            timeouts: Timeouts::default(),
            accounts: Accounts::with_clients(settings, QuotaSettings::default(), clients),
            detailed: discover::Detailed::default(),
        }
    }

    /// Other timeouts for the slow parts of a change (tests shorten the waits).
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The endpoint the clients were built for (decides, for one, whether Live Tail can
    /// reach it).
    pub fn with_endpoint_url(mut self, endpoint_url: Option<String>) -> Self {
        self.accounts.settings.endpoint_url = endpoint_url;
        self
    }

    /// The clients of `target` (see [`Accounts`]).
    async fn clients_for(&self, target: &Target) -> Clients {
        self.accounts.clients_for(target).await
    }

    /// What each account and region's budget has spent so far (for benchmarks and logs).
    pub async fn spent(&self) -> Vec<((String, String), budget::Spent)> {
        self.accounts.spent().await
    }
}

#[async_trait]
impl Fleet for AwsFleet {
    fn context(&self) -> FleetContext {
        FleetContext {
            provider: Provider::Aws,
            targets: self.targets.clone(),
            endpoint: self
                .accounts
                .settings
                .endpoint_url
                .clone()
                .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok()),
        }
    }

    async fn discover(&self, targets: Vec<Target>, depth: Depth, sink: DiscoverySink) {
        // Each failure is told as it concerns its target (the profile to log in again with).
        let (found, mut findings) = tokio::sync::mpsc::unbounded_channel();
        let forward = async move {
            while let Some(event) = findings.recv().await {
                let event = match event {
                    DiscoveryEvent::Failed {
                        target,
                        scope,
                        error,
                    } => DiscoveryEvent::Failed {
                        error: errors::about_target(error, &target),
                        target,
                        scope,
                    },
                    other => other,
                };
                let _ = sink.send(event);
            }
        };
        let run = async move {
            let mut running = JoinSet::new();
            for target in targets {
                let clients = self.clients_for(&target).await;
                running.spawn(discover::discover_target(
                    clients,
                    target,
                    depth,
                    found.clone(),
                    self.concurrency,
                    self.detailed.clone(),
                ));
            }
            drop(found);
            while running.join_next().await.is_some() {}
        };
        tokio::join!(run, forward);
    }

    async fn details(&self, functions: Vec<Function>, sink: DiscoverySink) {
        let mut by_target: HashMap<Target, Vec<String>> = HashMap::new();
        for f in functions {
            by_target.entry(f.target.clone()).or_default().push(f.arn);
        }
        let mut reads = JoinSet::new();
        for (target, arns) in by_target {
            let clients = self.clients_for(&target).await;
            reads.spawn(discover::details(
                clients,
                arns,
                sink.clone(),
                self.detailed.clone(),
            ));
        }
        while reads.join_next().await.is_some() {}
    }

    async fn function(&self, target: &Target, name: &str) -> Result<Option<Function>, FleetError> {
        let clients = self.clients_for(target).await;
        functions::one(&clients, target, name)
            .await
            .map_err(|e| errors::about_target(e, target))
    }

    async fn identity(&self, target: &Target) -> Option<String> {
        let clients = self.clients_for(target).await;
        if let Some(me) = &clients.caller {
            return Some(me.arn.clone()).filter(|a| !a.is_empty());
        }
        let me = clients.sts.get_caller_identity().send().await.ok()?;
        me.arn().map(str::to_owned)
    }

    async fn log_group_sizes(
        &self,
        target: &Target,
        log_groups: &[String],
    ) -> Result<BTreeMap<String, LogGroupSize>, FleetError> {
        let clients = self.clients_for(target).await;
        insights::group_sizes(&clients, log_groups)
            .await
            .map_err(|e| errors::about_target(e, target))
    }

    async fn insights_query(
        &self,
        target: &Target,
        log_groups: &[String],
        query: &str,
        window: Window,
    ) -> Result<QueryAnswer, FleetError> {
        let clients = self.clients_for(target).await;
        insights::insights_query(&clients, log_groups, query, window)
            .await
            .map_err(|e| errors::about_target(e, target))
    }

    async fn log_events(
        &self,
        function: &Function,
        window: Window,
        pattern: Option<String>,
        sink: LogSink,
    ) -> Result<(), FleetError> {
        let clients = self.clients_for(&function.target).await;
        let page = Some(self.log_page_size);
        logs::events(&clients, function, window, pattern.as_deref(), page, sink)
            .await
            .map_err(|e| errors::about_target(e, &function.target))
    }

    async fn live_tail(
        &self,
        functions: &[Function],
        pattern: Option<String>,
        sink: TailSink,
    ) -> Result<(), FleetError> {
        let Some(first) = functions.first() else {
            return Ok(());
        };
        if !tail::endpoint_can_stream(self.accounts.settings.endpoint_url.as_deref()) {
            return Err(FleetError::Unsupported(
                "live tail cannot reach an endpoint given by IP address (the SDK sends it to stream-HOST)".into(),
            ));
        }
        let clients = self.clients_for(&first.target).await;
        tail::live_tail(&clients.logs, functions, pattern, sink)
            .await
            .map_err(|e| errors::about_target(e, &first.target))
    }

    async fn reports(
        &self,
        function: &Function,
        window: Window,
        sink: ReportSink,
    ) -> Result<(), FleetError> {
        let clients = self.clients_for(&function.target).await;
        logs::reports(&clients, function, window, sink)
            .await
            .map_err(|e| errors::about_target(e, &function.target))
    }

    async fn metrics(
        &self,
        target: &Target,
        queries: Vec<MetricQuery>,
        window: Window,
    ) -> Result<MetricAnswer, FleetError> {
        let clients = self.clients_for(target).await;
        let mut answer = metrics::metrics(&clients, &queries, window).await;
        answer.failures = answer
            .failures
            .into_iter()
            .map(|e| errors::about_target(e, target))
            .collect();
        Ok(answer)
    }

    async fn invoke(
        &self,
        function: &Function,
        request: InvokeRequest,
    ) -> Result<InvokeResult, FleetError> {
        let clients = self.clients_for(&function.target).await;
        let budget = self.timeouts.invoke(function);
        invoke::invoke(&clients.lambda, function, request, budget)
            .await
            .map_err(|e| errors::about_target(e, &function.target))
    }

    async fn deploy(
        &self,
        function: &Function,
        source: CodeSource,
        expect: Option<AliasTarget>,
        alias: &str,
        steps: StepSink,
    ) -> Result<AliasChange, FleetError> {
        let clients = self.clients_for(&function.target).await;
        deploy::deploy(
            &clients,
            function,
            source,
            expect,
            alias,
            &self.timeouts,
            &steps,
        )
        .await
        .map_err(|e| errors::about_target(e, &function.target))
    }

    async fn route_alias(
        &self,
        function: &Function,
        from: &AliasTarget,
        to: AliasTarget,
    ) -> Result<AliasChange, FleetError> {
        let clients = self.clients_for(&function.target).await;
        aliases::route(&clients, function, from, to)
            .await
            .map_err(|e| errors::about_target(e, &function.target))
    }

    async fn restore(
        &self,
        function: &Function,
        version: &str,
        steps: StepSink,
    ) -> Result<CodeRestore, FleetError> {
        let clients = self.clients_for(&function.target).await;
        restore::restore(&clients, function, version, &self.timeouts, &steps)
            .await
            .map_err(|e| errors::about_target(e, &function.target))
    }
}
