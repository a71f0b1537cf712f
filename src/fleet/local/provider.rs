//! The local fleet behind the [`Fleet`] trait: discovery from the projects and the state, logs
//! and REPORT records from SQLite, and the operations on one function.

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::analysis::filter_pattern::FilterPattern;
use crate::analysis::latency::Window;
use crate::fleet::{
    Alias, AliasChange, AliasTarget, CodeRestore, CodeSource, Depth, DiscoveryEvent, DiscoverySink,
    Fleet, FleetContext, FleetError, Function, InvokeRequest, InvokeResult, LogGroupSize,
    LogRecord, LogSink, MetricAnswer, MetricQuery, Provider, QueryAnswer, ReportBatch, ReportSink,
    Route, StepSink, Target, Version, VersionState,
};

use super::fleet::{LOCAL_ACCOUNT, LocalFleet, LocalFunction};
use super::{code, operations};

/// Events a read of the store returns at once.
const PAGE: usize = 5_000;

#[async_trait]
impl Fleet for LocalFleet {
    fn context(&self) -> FleetContext {
        FleetContext {
            provider: Provider::Local,
            targets: vec![self.target()],
            endpoint: self
                .gateway
                .lock()
                .expect("the gateway address")
                .clone()
                .and_then(Result::ok),
        }
    }

    /// Everything, whatever the depth: reading the local state costs nothing.
    async fn discover(&self, targets: Vec<Target>, _depth: Depth, sink: DiscoverySink) {
        for target in targets {
            let _ = sink.send(DiscoveryEvent::Started(target.clone()));
            if target == self.target() {
                self.discover_target(&target, &sink).await;
            }
            let _ = sink.send(DiscoveryEvent::Finished(target));
        }
    }

    async fn details(&self, functions: Vec<Function>, sink: DiscoverySink) {
        for f in functions {
            if let Some(local) = self.functions.get(&f.name) {
                self.discover_versions(local, &sink);
            }
        }
    }

    async fn function(&self, _target: &Target, name: &str) -> Result<Option<Function>, FleetError> {
        let Some(f) = self.functions.get(name) else {
            return Ok(None);
        };
        let digests = code::digests(vec![f.dir.clone()], self.walks.clone()).await;
        let mut model = self.model(f, &digests);
        model.routes = routes_of(f);
        let (sink, mut findings) = tokio::sync::mpsc::unbounded_channel();
        self.discover_versions(f, &sink);
        drop(sink);
        while let Some(event) = findings.recv().await {
            match event {
                DiscoveryEvent::Versions { versions, .. } => model.versions = versions,
                DiscoveryEvent::Aliases { aliases, .. } => model.aliases = aliases,
                _ => {}
            }
        }
        Ok(Some(model))
    }

    /// The local user acts; the audit log names them.
    async fn identity(&self, _target: &Target) -> Option<String> {
        None
    }

    async fn log_group_sizes(
        &self,
        _target: &Target,
        log_groups: &[String],
    ) -> Result<BTreeMap<String, LogGroupSize>, FleetError> {
        let mut sizes = BTreeMap::new();
        for group in log_groups {
            let size = self.store.group_size(group).map_err(FleetError::Config)?;
            if let Some((stored_bytes, created_ms)) = size {
                sizes.insert(
                    group.clone(),
                    LogGroupSize {
                        stored_bytes,
                        created_ms,
                        retention_days: None,
                    },
                );
            }
        }
        Ok(sizes)
    }

    async fn insights_query(
        &self,
        _target: &Target,
        _log_groups: &[String],
        _query: &str,
        _window: Window,
    ) -> Result<QueryAnswer, FleetError> {
        Err(FleetError::Unsupported(
            "the local fleet has no Logs Insights; read without --insights".into(),
        ))
    }

    async fn log_events(
        &self,
        function: &Function,
        window: Window,
        pattern: Option<String>,
        sink: LogSink,
    ) -> Result<(), FleetError> {
        let filter = match pattern.as_deref() {
            Some(p) => Some(FilterPattern::parse(p).map_err(FleetError::Config)?),
            None => None,
        };
        self.pages(&function.log_group, window, |events| {
            let records: Vec<LogRecord> = events
                .into_iter()
                .filter(|e| filter.as_ref().is_none_or(|f| f.matches(&e.message)))
                .map(|e| LogRecord {
                    timestamp_ms: e.timestamp_ms,
                    function: function.name.clone(),
                    log_stream: e.stream,
                    event_id: e.id.to_string(),
                    message: e.message,
                })
                .collect();
            sink.send(records).is_ok()
        })
        .await
    }

    async fn live_tail(
        &self,
        _functions: &[Function],
        _pattern: Option<String>,
        _sink: crate::fleet::TailSink,
    ) -> Result<(), FleetError> {
        Err(FleetError::Unsupported(
            "the local fleet's records are read from its store as they are written".into(),
        ))
    }

    /// A local fleet has no CloudWatch: its figures come from its REPORT lines, every one of
    /// which it wrote.
    async fn metrics(
        &self,
        _target: &Target,
        _queries: Vec<MetricQuery>,
        _window: Window,
    ) -> Result<MetricAnswer, FleetError> {
        Err(FleetError::Unsupported(
            "the local fleet has no CloudWatch metrics; its figures come from its REPORT lines"
                .into(),
        ))
    }

    async fn invoke(
        &self,
        function: &Function,
        request: InvokeRequest,
    ) -> Result<InvokeResult, FleetError> {
        operations::invoke(self, &function.name, request).await
    }

    async fn deploy(
        &self,
        function: &Function,
        source: CodeSource,
        expect: Option<AliasTarget>,
        alias: &str,
        steps: StepSink,
    ) -> Result<AliasChange, FleetError> {
        if source != CodeSource::WorkingDirectory {
            return Err(FleetError::Unsupported(
                "the local fleet deploys the service's working directory; --zip, --dir and --s3 are for AWS".into(),
            ));
        }
        operations::deploy(self, &function.name, alias, expect.as_ref(), &steps).await
    }

    async fn route_alias(
        &self,
        function: &Function,
        from: &AliasTarget,
        to: AliasTarget,
    ) -> Result<AliasChange, FleetError> {
        operations::route_alias(self, &function.name, from, to)
    }

    /// Refused: locally `$LATEST` is the service's working directory, the operator's own files,
    /// which a rollback must not overwrite.
    async fn restore(
        &self,
        function: &Function,
        version: &str,
        _steps: StepSink,
    ) -> Result<CodeRestore, FleetError> {
        Err(FleetError::Unsupported(format!(
            "the local fleet runs {}'s working directory as $LATEST and will not overwrite it with version {version}'s code; point an alias at it (rollback --alias A --to {version}) or restore the files with your version control",
            function.name
        )))
    }

    async fn reports(
        &self,
        function: &Function,
        window: Window,
        sink: ReportSink,
    ) -> Result<(), FleetError> {
        self.pages(&function.log_group, window, |events| {
            let bytes = events.iter().map(|e| e.message.len() as u64).sum();
            let lines = events.iter().map(|e| (e.timestamp_ms, e.message.as_str()));
            sink.send(ReportBatch::from_lines(&function.arn, lines, bytes))
                .is_ok()
        })
        .await
    }
}

impl LocalFleet {
    async fn discover_target(&self, target: &Target, sink: &DiscoverySink) {
        let _ = sink.send(DiscoveryEvent::Account {
            target: target.clone(),
            account: LOCAL_ACCOUNT.into(),
        });
        if let Some(Err(e)) = self.gateway.lock().expect("the gateway address").clone() {
            let _ = sink.send(DiscoveryEvent::Failed {
                target: target.clone(),
                scope: "HTTP gateway".into(),
                error: FleetError::Config(e),
            });
        }
        let problems = self
            .project
            .errors
            .iter()
            .map(|(file, e)| (file, FleetError::Config(e.clone())));
        let notes = self
            .project
            .notes
            .iter()
            .map(|(file, n)| (file, FleetError::Note(n.clone())));
        for (file, error) in problems.chain(notes) {
            let _ = sink.send(DiscoveryEvent::Failed {
                target: target.clone(),
                scope: file.display().to_string(),
                error,
            });
        }
        let dirs = self.functions.values().map(|f| f.dir.clone()).collect();
        let digests = code::digests(dirs, self.walks.clone()).await;
        let models: Vec<Function> = self
            .functions
            .values()
            .map(|f| self.model(f, &digests))
            .collect();
        let tags = models
            .iter()
            .map(|m| (m.arn.clone(), m.tags.clone()))
            .collect();
        let _ = sink.send(DiscoveryEvent::Functions {
            target: target.clone(),
            functions: models,
        });
        let _ = sink.send(DiscoveryEvent::Tags {
            target: target.clone(),
            tags,
        });
        let mut routes = Vec::new();
        for f in self.functions.values() {
            routes.extend(routes_of(f).into_iter().map(|r| (f.arn.clone(), r)));
            self.discover_versions(f, sink);
        }
        let _ = sink.send(DiscoveryEvent::Routes {
            target: target.clone(),
            routes,
        });
        let _ = sink.send(DiscoveryEvent::EventSources {
            target: target.clone(),
            mappings: self.event_sources(),
        });
    }

    fn discover_versions(&self, f: &LocalFunction, sink: &DiscoverySink) {
        let versions = self.store.versions(&f.def.name).unwrap_or_default();
        let _ = sink.send(DiscoveryEvent::Versions {
            function_arn: f.arn.clone(),
            versions: versions
                .iter()
                .map(|v| Version {
                    version: v.version.to_string(),
                    code_sha256: v.code_sha256.clone(),
                    last_modified: crate::units::iso_time(v.created_ms),
                    description: v.description.clone(),
                    state: VersionState::Active,
                })
                .collect(),
        });
        let aliases = self.store.aliases(&f.def.name).unwrap_or_default();
        let _ = sink.send(DiscoveryEvent::Aliases {
            function_arn: f.arn.clone(),
            aliases: aliases
                .iter()
                .map(|a| {
                    let mut weights = BTreeMap::new();
                    let extra = a.additional.map_or(0.0, |(_, w)| w);
                    weights.insert(a.version.to_string(), 1.0 - extra);
                    if let Some((v, w)) = a.additional {
                        weights.insert(v.to_string(), w);
                    }
                    Alias {
                        name: a.name.clone(),
                        version: a.version.to_string(),
                        weights,
                        description: String::new(),
                    }
                })
                .collect(),
        });
    }

    /// Pages a log group's events in `window`, oldest first, until `on_page` returns false.
    async fn pages(
        &self,
        group: &str,
        window: Window,
        mut on_page: impl FnMut(Vec<super::store::StoredEvent>) -> bool,
    ) -> Result<(), FleetError> {
        // What was written a moment ago is readable now.
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.flush())
            .await
            .map_err(|e| FleetError::Config(e.to_string()))?;
        let mut after = None;
        loop {
            let store = self.store.clone();
            let g = group.to_owned();
            let page = tokio::task::spawn_blocking(move || {
                store.events(&g, (window.start_ms, window.end_ms), after, PAGE)
            })
            .await
            .map_err(|e| FleetError::Config(e.to_string()))?
            .map_err(FleetError::Config)?;
            let full = page.len() == PAGE;
            after = page.last().map(|e| (e.timestamp_ms, e.id));
            if !on_page(page) || !full {
                return Ok(());
            }
        }
    }
}

/// The API Gateway routes a local function's `http` and `httpApi` events declare.
fn routes_of(f: &LocalFunction) -> Vec<Route> {
    f.def
        .events
        .iter()
        .map(|event| Route {
            api: format!("{}-{}", f.service, f.stage),
            api_id: "local".into(),
            kind: event.kind,
            method: event.method.clone(),
            path: event.path.clone(),
            qualifier: None,
        })
        .collect()
}
