//! [`LocalFleet`]: the services of a directory (or the bundled demo) behind the [`Fleet`] trait,
//! with their functions invoked in local execution environments and their logs in SQLite.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Bytes;
use tokio::sync::Mutex;

use crate::fleet::walk::{Cancel, CancelOnDrop};
use crate::fleet::{Function, Target};

use super::options::passed_env;
pub use super::options::{LocalOptions, state_dir_for};

use super::bundle::{self, Bundle};
use super::capacity::make_room;
use super::environment::Launch;
use super::gateway::GatewaySettings;
use super::pool::{Limit, Outcome, Pool, PoolSettings, Refused};
use super::project::variables::Sources;
use super::project::{self, FunctionDef, Project, ServiceDef};
use super::store::Store;

/// The account local functions report.
pub const LOCAL_ACCOUNT: &str = "000000000000";

/// A function as the local fleet runs it.
#[derive(Debug, Clone)]
pub struct LocalFunction {
    pub def: FunctionDef,
    pub service: String,
    pub stage: String,
    pub region: String,
    pub dir: PathBuf,
    pub arn: String,
}

pub struct LocalFleet {
    pub functions: BTreeMap<String, LocalFunction>,
    pub project: Project,
    pub store: Store,
    pub bundle: Bundle,
    state_dir: PathBuf,
    region: String,
    settings: PoolSettings,
    pools: Mutex<HashMap<(String, String), Arc<Pool>>>,
    /// The operator's variables every handler gets (`[local] pass_env`).
    passed: Vec<(String, String)>,
    /// The fleet itself, for work that outlives a call (queued invocations).
    this: std::sync::Weak<LocalFleet>,
    /// The HTTP gateway's URL once started, or why it could not start (or stopped).
    pub gateway: std::sync::Mutex<Option<Result<String, String>>>,
    /// What the walks of the functions' code (digests, version copies) check: set when the
    /// fleet stops or goes, so quitting never waits for one.
    pub walks: Cancel,
    _stop_walks: CancelOnDrop,
}

/// Why a local invocation did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvokeError {
    UnknownFunction(String),
    UnknownQualifier { function: String, qualifier: String },
    Refused(Refused),
    Store(String),
}

impl std::fmt::Display for InvokeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InvokeError::UnknownFunction(name) => write!(
                f,
                "no function `{name}` in this fleet; `mfn-tui --local ls` lists them"
            ),
            InvokeError::UnknownQualifier {
                function,
                qualifier,
            } => write!(
                f,
                "`{function}` has no version or alias `{qualifier}`; use $LATEST, a published version or an alias"
            ),
            InvokeError::Refused(r) => write!(f, "{r}"),
            InvokeError::Store(e) => write!(f, "the local state could not be read: {e}"),
        }
    }
}

impl LocalFleet {
    /// Reads the services, opens the state, and starts reaping idle environments.
    pub fn open(options: LocalOptions) -> Result<Arc<LocalFleet>, String> {
        let bundle = bundle::unpack(&options.state_dir.join("bundle"))?;
        let dir = options.dir.clone().unwrap_or_else(|| bundle.demo.clone());
        let sources = Sources {
            options: options
                .stage
                .iter()
                .map(|s| ("stage".to_owned(), s.clone()))
                .collect(),
            env: std::env::vars().collect(),
        };
        let project = project::load(&dir, &sources);
        let store = Store::open(&options.state_dir.join("state.db"))?;
        let mut functions = BTreeMap::new();
        for service in &project.services {
            for def in &service.functions {
                functions.insert(def.name.clone(), local_function(service, def));
            }
        }
        let region = project
            .services
            .first()
            .map_or_else(|| "us-east-1".to_owned(), |s| s.region.clone());
        let walks = Cancel::new();
        let fleet = Arc::new_cyclic(|this| LocalFleet {
            this: this.clone(),
            functions,
            project,
            store,
            bundle,
            state_dir: options.state_dir,
            region,
            settings: PoolSettings::new(options.init_timeout, options.max_environments),
            pools: Mutex::new(HashMap::new()),
            passed: passed_env(&options.pass_env),
            gateway: std::sync::Mutex::new(None),
            walks: walks.clone(),
            _stop_walks: walks.on_drop(),
        });
        // Reaps idle environments; it holds only a weak reference, so it ends with the fleet.
        let weak = Arc::downgrade(&fleet);
        let idle = options.idle;
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(
                    idle.min(Duration::from_secs(1))
                        .max(Duration::from_millis(50)),
                )
                .await;
                let Some(fleet) = weak.upgrade() else { return };
                for pool in fleet.all_pools().await {
                    pool.reap(idle).await;
                }
            }
        });
        Ok(fleet)
    }

    /// Where the fleet's state lives (shared by every process running the same directory).
    pub fn state_dir(&self) -> &Path {
        &self.state_dir
    }

    /// Uses the gateway another process (a `serve`) runs for this fleet, instead of a second.
    pub fn attach(&self, url: String) {
        *self.gateway.lock().expect("the gateway address") = Some(Ok(url));
    }

    /// The directory of version copies of `function`.
    pub fn versions_dir(&self, function: &str) -> PathBuf {
        self.state_dir.join("versions").join(function)
    }

    /// Invokes `name` at `qualifier` (`$LATEST`, a version or an alias) and waits.
    pub async fn call(
        &self,
        name: &str,
        qualifier: Option<&str>,
        payload: Bytes,
    ) -> Result<Outcome, InvokeError> {
        let f = self
            .functions
            .get(name)
            .ok_or_else(|| InvokeError::UnknownFunction(name.to_owned()))?;
        let version = self.resolve(f, qualifier)?;
        let pool = self.pool(f, &version).await;
        let request_id = uuid::Uuid::new_v4().to_string();
        // As on AWS, an invocation runs to its end whatever the caller does: a client that
        // goes away drops only the wait, never the environment or its concurrency slot.
        let fleet = self.handle();
        let running = tokio::spawn(async move {
            loop {
                let outcome = pool.invoke(request_id.clone(), payload.clone()).await;
                let full = matches!(
                    outcome,
                    Err(Refused::Throttled {
                        by: Limit::Fleet,
                        ..
                    })
                );
                // Every slot taken: an idle environment of any function makes room, if one is.
                match fleet.upgrade() {
                    Some(f) if full && make_room(&f.all_pools().await).await => {}
                    _ => return outcome,
                }
            }
        });
        match running.await {
            Ok(outcome) => outcome.map_err(InvokeError::Refused),
            Err(e) => Err(InvokeError::Refused(Refused::Unavailable(format!(
                "the invocation stopped: {e}"
            )))),
        }
    }

    /// The version a qualifier names now (an alias picks by its weights).
    pub(super) fn resolve(
        &self,
        f: &LocalFunction,
        qualifier: Option<&str>,
    ) -> Result<String, InvokeError> {
        let unknown = || InvokeError::UnknownQualifier {
            function: f.def.name.clone(),
            qualifier: qualifier.unwrap_or_default().to_owned(),
        };
        match qualifier {
            None | Some("$LATEST") => Ok("$LATEST".into()),
            Some(q) if q.chars().all(|c| c.is_ascii_digit()) => {
                let versions = self
                    .store
                    .versions(&f.def.name)
                    .map_err(InvokeError::Store)?;
                versions
                    .iter()
                    .find(|v| v.version.to_string() == q)
                    .map(|v| v.version.to_string())
                    .ok_or_else(unknown)
            }
            Some(alias) => {
                let a = self
                    .store
                    .alias(&f.def.name, alias)
                    .map_err(InvokeError::Store)?
                    .ok_or_else(unknown)?;
                let pick = uuid::Uuid::new_v4().as_u128() as f64 / u128::MAX as f64;
                Ok(match a.additional {
                    Some((extra, weight)) if pick < weight => extra.to_string(),
                    _ => a.version.to_string(),
                })
            }
        }
    }

    async fn pool(&self, f: &LocalFunction, version: &str) -> Arc<Pool> {
        let key = (f.def.name.clone(), version.to_owned());
        let mut pools = self.pools.lock().await;
        if let Some(p) = pools.get(&key) {
            return p.clone();
        }
        let code_dir = if version == "$LATEST" {
            f.dir.clone()
        } else {
            self.versions_dir(&f.def.name).join(version)
        };
        let launch = Launch {
            function_name: f.def.name.clone(),
            version: version.to_owned(),
            runtime: f.def.runtime.clone(),
            handler: f.def.handler.clone(),
            memory_mb: f.def.memory_mb,
            region: f.region.clone(),
            code_dir,
            log_group: log_group(&f.def.name),
            environment: f.def.environment.clone(),
            shims: self.bundle.runtimes.clone(),
            passed: self.passed.clone(),
            layers: f.def.layers.clone(),
        };
        let arn = if version == "$LATEST" {
            f.arn.clone()
        } else {
            format!("{}:{version}", f.arn)
        };
        let pool = Arc::new(Pool::new(
            launch,
            arn,
            Duration::from_secs(u64::from(f.def.timeout_s)),
            f.def.reserved_concurrency,
            self.store.clone(),
            self.settings.clone(),
        ));
        pools.insert(key, pool.clone());
        pool
    }

    /// A weak handle on the fleet, for background work.
    pub fn handle(&self) -> std::sync::Weak<LocalFleet> {
        self.this.clone()
    }

    /// Serves the fleet's routes on `127.0.0.1:port`; a failure is kept and reported with
    /// discovery, and everything else still runs.
    pub async fn start_gateway(self: &Arc<Self>, gateway: &GatewaySettings) {
        let started = super::gateway::start(self.clone(), gateway)
            .await
            .map(|addr| format!("http://{addr}"));
        if let Err(e) = &started {
            tracing::warn!(error = %e, "no HTTP gateway");
        }
        *self.gateway.lock().expect("the gateway address") = Some(started);
    }

    /// Runs the fleet for requests and schedules: the gateway on `127.0.0.1:port` and the
    /// functions' schedules.
    pub async fn serve(self: &Arc<Self>, gateway: &GatewaySettings) {
        self.start_gateway(gateway).await;
        super::schedule::runner::start(self);
    }

    /// Environments running now, across every function.
    pub async fn environments(&self) -> usize {
        let mut n = 0;
        for p in self.all_pools().await {
            n += p.environments().await;
        }
        n
    }

    /// Every function version's pool of environments.
    async fn all_pools(&self) -> Vec<Arc<Pool>> {
        self.pools.lock().await.values().cloned().collect()
    }

    /// Stops every environment, idle or busy, and every process they started, and commits
    /// what is queued for the state.
    pub async fn shutdown(&self) {
        self.walks.cancel();
        for p in self.all_pools().await {
            p.shutdown().await;
        }
        // A busy environment, or what a handler left running, carries the fleet's mark.
        let lineage = self.settings.lineage.clone();
        let _ = tokio::task::spawn_blocking(move || lineage.sweep()).await;
        // Log lines still queued for the writer are committed before mfn-tui exits.
        let store = self.store.clone();
        let _ = tokio::task::spawn_blocking(move || store.flush()).await;
    }

    pub(super) fn target(&self) -> Target {
        Target::new(None, &self.region)
    }

    /// The model of one function (its code's digest from `digests`, made once per service
    /// directory off the runtime); versions and aliases come from the state apart.
    pub(super) fn model(
        &self,
        f: &LocalFunction,
        digests: &HashMap<PathBuf, (String, i64)>,
    ) -> Function {
        let mut m = Function::new(&f.def.name, &f.arn, &f.region);
        m.account = LOCAL_ACCOUNT.into();
        m.runtime = Some(f.def.runtime.clone());
        m.architecture = f.def.architecture.clone();
        m.handler = Some(f.def.handler.clone());
        m.memory_mb = f.def.memory_mb;
        m.timeout_s = f.def.timeout_s;
        m.log_group = log_group(&f.def.name);
        m.description = format!("{}", f.dir.display());
        if let Some((sha, size)) = digests.get(&f.dir) {
            m.code_sha256 = sha.clone();
            m.code_size = *size;
        }
        m.environment = f
            .def
            .environment
            .iter()
            .map(|(k, v)| (k.clone(), crate::fleet::Secret::new(v)))
            .collect();
        m.tags = BTreeMap::from([(
            "aws:cloudformation:stack-name".to_owned(),
            format!("{}-{}", f.service, f.stage),
        )]);
        m
    }
}

fn local_function(service: &ServiceDef, def: &FunctionDef) -> LocalFunction {
    LocalFunction {
        def: def.clone(),
        service: service.name.clone(),
        stage: service.stage.clone(),
        region: service.region.clone(),
        dir: service.dir.clone(),
        arn: format!(
            "arn:aws:lambda:{}:{LOCAL_ACCOUNT}:function:{}",
            service.region, def.name
        ),
    }
}

pub(super) fn log_group(function: &str) -> String {
    format!("/aws/lambda/{function}")
}
