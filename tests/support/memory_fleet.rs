//! An in-memory fleet for tests of the views and the update loop (never as proof that discovery
//! works: that is what the emulator tests are for).

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use mfn_tui::analysis::latency::Window;
use mfn_tui::analysis::metrics::{LambdaMetric, Stat};
use mfn_tui::fleet::{
    Alias, AliasChange, AliasTarget, ApiKind, CodeRestore, CodeSource, Depth, DiscoveryEvent,
    DiscoverySink, Fleet, FleetContext, FleetError, Function, InvokeRequest, InvokeResult,
    LogGroupSize, LogSink, MetricAnswer, MetricQuery, Provider, QueryAnswer, ReportBatch,
    ReportSink, Route, Secret, StepSink, TailSink, Target, TimedReport, Version, VersionState,
};
use tokio::sync::Notify;

pub const ACCOUNT: &str = "111122223333";

/// Replays scripted findings per target; a gated target holds its `Finished` until released.
/// REPORT records come from `reports`, by function ARN.
pub struct MemoryFleet {
    pub targets: Vec<Target>,
    pub script: BTreeMap<Target, Vec<DiscoveryEvent>>,
    pub gate: Option<(Target, Arc<Notify>)>,
    pub reports: BTreeMap<String, Vec<TimedReport>>,
    /// Stored bytes by log group (groups not named here do not exist).
    pub log_bytes: BTreeMap<String, u64>,
    /// CloudWatch's answers, by function name, metric and statistic (none: no datapoint).
    pub metric_values: BTreeMap<(String, LambdaMetric, Stat), f64>,
}

#[async_trait]
impl Fleet for MemoryFleet {
    fn context(&self) -> FleetContext {
        FleetContext {
            provider: Provider::Aws,
            targets: self.targets.clone(),
            endpoint: None,
        }
    }

    async fn discover(&self, mut targets: Vec<Target>, _depth: Depth, sink: DiscoverySink) {
        // Like a real provider, every target starts at once; a gated target is left for last.
        for target in &targets {
            let _ = sink.send(DiscoveryEvent::Started(target.clone()));
        }
        targets.sort_by_key(|t| self.gate.as_ref().is_some_and(|(g, _)| g == t));
        for target in targets {
            for event in self.script.get(&target).into_iter().flatten() {
                let _ = sink.send(event.clone());
            }
            if let Some((gated, notify)) = &self.gate
                && *gated == target
            {
                notify.notified().await;
            }
            let _ = sink.send(DiscoveryEvent::Finished(target));
        }
    }

    /// The script already told everything.
    async fn details(&self, _functions: Vec<Function>, _sink: DiscoverySink) {}

    /// The function as the script finds it (with its versions and aliases).
    async fn function(&self, target: &Target, name: &str) -> Result<Option<Function>, FleetError> {
        let mut inventory = mfn_tui::fleet::Inventory::default();
        for event in self.script.get(target).into_iter().flatten() {
            inventory.apply(event.clone());
        }
        Ok(inventory.functions().find(|f| f.name == name).cloned())
    }

    async fn identity(&self, _target: &Target) -> Option<String> {
        None
    }

    async fn log_group_sizes(
        &self,
        _target: &Target,
        log_groups: &[String],
    ) -> Result<BTreeMap<String, LogGroupSize>, FleetError> {
        // Every group here is a day old.
        let created_ms = mfn_tui::clock::now_ms() - 86_400_000;
        Ok(log_groups
            .iter()
            .filter_map(|g| {
                let stored_bytes = *self.log_bytes.get(g)?;
                Some((
                    g.clone(),
                    LogGroupSize {
                        stored_bytes,
                        created_ms,
                        retention_days: None,
                    },
                ))
            })
            .collect())
    }

    async fn insights_query(
        &self,
        _target: &Target,
        _log_groups: &[String],
        _query: &str,
        _window: Window,
    ) -> Result<QueryAnswer, FleetError> {
        Err(FleetError::Config(
            "the in-memory fleet has no Logs Insights".into(),
        ))
    }

    async fn log_events(
        &self,
        _function: &Function,
        _window: Window,
        _pattern: Option<String>,
        _sink: LogSink,
    ) -> Result<(), FleetError> {
        Ok(())
    }

    async fn metrics(
        &self,
        _target: &Target,
        queries: Vec<MetricQuery>,
        _window: Window,
    ) -> Result<MetricAnswer, FleetError> {
        Ok(MetricAnswer {
            values: queries
                .iter()
                .map(|q| {
                    q.resource.is_none().then(|| {
                        self.metric_values
                            .get(&(q.function.clone(), q.metric, q.stat))
                            .copied()
                    })?
                })
                .collect(),
            failures: Vec::new(),
        })
    }

    async fn live_tail(
        &self,
        _functions: &[Function],
        _pattern: Option<String>,
        _sink: TailSink,
    ) -> Result<(), FleetError> {
        Err(FleetError::Unsupported(
            "the in-memory fleet has no live tail".into(),
        ))
    }

    async fn invoke(
        &self,
        _function: &Function,
        _request: InvokeRequest,
    ) -> Result<InvokeResult, FleetError> {
        Err(unchangeable())
    }

    async fn deploy(
        &self,
        _function: &Function,
        _source: CodeSource,
        _expect: Option<AliasTarget>,
        _alias: &str,
        _steps: StepSink,
    ) -> Result<AliasChange, FleetError> {
        Err(unchangeable())
    }

    async fn route_alias(
        &self,
        _function: &Function,
        _from: &AliasTarget,
        _to: AliasTarget,
    ) -> Result<AliasChange, FleetError> {
        Err(unchangeable())
    }

    async fn restore(
        &self,
        _function: &Function,
        _version: &str,
        _steps: StepSink,
    ) -> Result<CodeRestore, FleetError> {
        Err(unchangeable())
    }

    async fn reports(
        &self,
        function: &Function,
        window: Window,
        sink: ReportSink,
    ) -> Result<(), FleetError> {
        let reports: Vec<TimedReport> = self
            .reports
            .get(&function.arn)
            .into_iter()
            .flatten()
            .filter(|r| (window.start_ms..window.end_ms).contains(&r.timestamp_ms))
            .cloned()
            .collect();
        let _ = sink.send(ReportBatch {
            function_arn: function.arn.clone(),
            bytes_scanned: 0,
            reports,
        });
        Ok(())
    }
}

/// The in-memory fleet only shows: views are tested on it, changes against the emulator and
/// the local fleet.
fn unchangeable() -> FleetError {
    FleetError::Unsupported("the in-memory fleet cannot run or change functions".into())
}

pub fn function(region: &str, name: &str, runtime: &str, memory_mb: u32) -> Function {
    let mut f = Function::new(
        name,
        &format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"),
        region,
    );
    f.runtime = Some(runtime.to_owned());
    f.memory_mb = memory_mb;
    f.handler = Some("handler.main".into());
    f.code_sha256 = "q9pW0Lc0sMxWnYJbq3F5mXl8kq1vYyR0Hc0bO1n3Xk4=".into();
    f.code_size = 2048;
    f.last_modified = "2026-11-20T10:00:00.000+0000".into();
    f
}

/// A small fleet in two regions: users (stack), articles (tag, with secrets and routes),
/// comments (naming), an ungrouped function; eu-west-1 has a reports service.
pub fn two_region_fleet() -> MemoryFleet {
    let east = Target::new(None, "us-east-1");
    let west = Target::new(None, "eu-west-1");
    let mut login = function("us-east-1", "users-dev-login", "nodejs20.x", 256);
    login.architecture = "arm64".into();
    let register = function("us-east-1", "users-dev-register", "python3.12", 128);
    let mut api = function("us-east-1", "articles-prod-api", "python3.12", 512);
    api.environment = BTreeMap::from([
        ("DB_PASSWORD".to_string(), Secret::new("hunter2-secret")),
        ("TABLE".to_string(), Secret::new("articles")),
    ]);
    let comment = function(
        "us-east-1",
        "comments-staging-getComment",
        "nodejs20.x",
        128,
    );
    let comments = function(
        "us-east-1",
        "comments-staging-getComments",
        "nodejs20.x",
        1024,
    );
    let cron = function("us-east-1", "legacy-cron", "python3.9", 128);
    let reports = function("eu-west-1", "reports-generator", "python3.12", 2048);

    let stack =
        |s: &str| BTreeMap::from([("aws:cloudformation:stack-name".to_string(), s.to_string())]);
    let tag = |s: &str| BTreeMap::from([("mfn:service".to_string(), s.to_string())]);
    let east_events = vec![
        DiscoveryEvent::Account {
            target: east.clone(),
            account: ACCOUNT.into(),
        },
        DiscoveryEvent::Functions {
            target: east.clone(),
            functions: vec![
                login.clone(),
                register.clone(),
                api.clone(),
                comment,
                comments,
                cron,
            ],
        },
        DiscoveryEvent::Tags {
            target: east.clone(),
            tags: BTreeMap::from([
                (login.arn.clone(), stack("users-dev")),
                (register.arn.clone(), stack("users-dev")),
                (api.arn.clone(), tag("articles")),
            ]),
        },
        DiscoveryEvent::Versions {
            function_arn: login.arn.clone(),
            versions: vec![
                Version {
                    version: "1".into(),
                    code_sha256: "AAAAbbbbCCCCddddEEEE".into(),
                    last_modified: "2026-10-01T09:00:00.000+0000".into(),
                    description: "first release".into(),
                    state: VersionState::Active,
                },
                Version {
                    version: "2".into(),
                    code_sha256: "FFFFggggHHHHiiiiJJJJ".into(),
                    last_modified: "2026-11-20T10:00:00.000+0000".into(),
                    description: "faster login".into(),
                    state: VersionState::Active,
                },
            ],
        },
        DiscoveryEvent::Aliases {
            function_arn: login.arn.clone(),
            aliases: vec![Alias {
                name: "live".into(),
                version: "2".into(),
                weights: BTreeMap::from([("1".to_string(), 0.1), ("2".to_string(), 0.9)]),
                description: String::new(),
            }],
        },
        DiscoveryEvent::Routes {
            target: east.clone(),
            routes: vec![
                (
                    api.arn.clone(),
                    route(ApiKind::Rest, "articles-api", "GET", "/articles", None),
                ),
                (
                    api.arn.clone(),
                    route(ApiKind::Rest, "articles-api", "GET", "/articles/{id}", None),
                ),
                (
                    login.arn.clone(),
                    route(ApiKind::Http, "users-api", "POST", "/login", Some("live")),
                ),
            ],
        },
    ];
    let west_events = vec![
        DiscoveryEvent::Account {
            target: west.clone(),
            account: ACCOUNT.into(),
        },
        DiscoveryEvent::Functions {
            target: west.clone(),
            functions: vec![reports.clone()],
        },
        DiscoveryEvent::Tags {
            target: west.clone(),
            tags: BTreeMap::from([(reports.arn.clone(), tag("reports"))]),
        },
    ];
    // In the middle of the default 1 h window's time buckets, so they land the same every run.
    let now = mfn_tui::clock::now_ms();
    let at = |minutes_ago: i64| now - minutes_ago * 60_000 - 37_000;
    let report = |line: &str| mfn_tui::analysis::report::parse(line).expect("a REPORT line");
    let mut login_reports = vec![TimedReport {
        timestamp_ms: at(50),
        report: report(
            "REPORT RequestId: c1\tDuration: 120.00 ms\tBilled Duration: 431 ms\tMemory Size: 256 MB\tMax Memory Used: 90 MB\tInit Duration: 310.40 ms",
        ),
    }];
    for k in 0..20 {
        login_reports.push(TimedReport {
            timestamp_ms: at(45 - 2 * k),
            report: report(&format!("REPORT RequestId: w{k}\tDuration: {}.00 ms\tBilled Duration: {} ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB", 20 + 3 * k, 20 + 3 * k)),
        });
    }
    let api_reports = (0..6)
        .map(|k| TimedReport {
            timestamp_ms: at(30 - k),
            report: report(&format!("REPORT RequestId: a{k}\tDuration: 900.00 ms\tBilled Duration: 900 ms\tMemory Size: 512 MB\tMax Memory Used: 400 MB")),
        })
        .collect();
    MemoryFleet {
        targets: vec![east.clone(), west.clone()],
        script: BTreeMap::from([(east, east_events), (west, west_events)]),
        gate: None,
        reports: BTreeMap::from([
            (login.arn.clone(), login_reports),
            (api.arn.clone(), api_reports),
        ]),
        log_bytes: BTreeMap::new(),
        // What CloudWatch says of users-dev-login: 20 invocations, 2 errors the runtime
        // reported (not in any REPORT line), 3 throttled.
        metric_values: BTreeMap::from([
            (
                (
                    "users-dev-login".into(),
                    LambdaMetric::Invocations,
                    Stat::Sum,
                ),
                20.0,
            ),
            (
                ("users-dev-login".into(), LambdaMetric::Errors, Stat::Sum),
                2.0,
            ),
            (
                ("users-dev-login".into(), LambdaMetric::Throttles, Stat::Sum),
                3.0,
            ),
            (
                (
                    "articles-prod-api".into(),
                    LambdaMetric::Invocations,
                    Stat::Sum,
                ),
                6.0,
            ),
            (
                ("articles-prod-api".into(), LambdaMetric::Errors, Stat::Sum),
                0.0,
            ),
        ]),
    }
}

/// A call in `target` that failed with access denied.
pub fn denied(target: &Target, scope: &str) -> DiscoveryEvent {
    DiscoveryEvent::Failed {
        target: target.clone(),
        scope: scope.into(),
        error: FleetError::AccessDenied {
            operation: scope.into(),
            message: "User is not authorized to perform: lambda:ListAliases".into(),
        },
    }
}

fn route(kind: ApiKind, api: &str, method: &str, path: &str, qualifier: Option<&str>) -> Route {
    Route {
        api: api.into(),
        api_id: format!("{api}-id"),
        kind,
        method: method.into(),
        path: path.into(),
        qualifier: qualifier.map(str::to_owned),
    }
}
