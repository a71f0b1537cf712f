//! The environments of one function version, and an invocation with Lambda's semantics: a warm
//! idle environment is reused, else a new one starts (a cold start, its init measured from
//! spawn to the runtime's first `next`); reserved concurrency and the fleet's
//! `max_environments` throttle; the timeout and memory over `memorySize` kill the environment
//! ([`super::answer`]). Each invocation writes START, the handler's output, END and REPORT.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hyper::body::Bytes;
use tokio::sync::Mutex;

use super::answer::{self, Answer, InitFailure, Settled, error_body};
use super::capacity::Capacity;
use super::environment::{Environment, Launch, Next, StreamLog};
use super::lineage::Lineage;
use super::platform::{self, Report};
pub use super::refused::{Limit, Refused};
use super::runtime_api::{Invocation, RuntimeEvent};
use super::store::Store;

/// What an invocation returned.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub request_id: String,
    pub payload: Bytes,
    /// `Unhandled` (or the init error's type) when the function failed, as `X-Amz-Function-Error`.
    pub function_error: Option<String>,
    pub executed_version: String,
    pub cold: bool,
    pub duration_ms: f64,
    pub billed_ms: f64,
    pub init_ms: Option<f64>,
    pub max_memory_used_mb: u32,
    /// The invocation's log lines (START … REPORT), as `LogType=Tail` returns them.
    pub log: Vec<String>,
}

/// Settings every pool shares: the init timeout, the marks of the fleet's processes and its
/// environment slots.
#[derive(Clone)]
pub struct PoolSettings {
    pub init_timeout: Duration,
    pub lineage: Arc<Lineage>,
    pub capacity: Arc<Capacity>,
}

impl PoolSettings {
    /// Settings of a new fleet: its marks (and their watchdog) and at most `max_environments`.
    pub fn new(init_timeout: Duration, max_environments: usize) -> PoolSettings {
        PoolSettings {
            init_timeout,
            lineage: Arc::new(Lineage::start()),
            capacity: Capacity::new(max_environments.max(1)),
        }
    }
}

pub struct Pool {
    pub launch: Launch,
    pub arn: String,
    pub timeout: Duration,
    pub reserved: Option<u32>,
    idle: Mutex<Vec<Environment>>,
    busy: AtomicU32,
    started: AtomicU64,
    store: Store,
    group: Arc<str>,
    settings: PoolSettings,
}

impl Pool {
    pub fn new(
        launch: Launch,
        arn: String,
        timeout: Duration,
        reserved: Option<u32>,
        store: Store,
        settings: PoolSettings,
    ) -> Pool {
        let group: Arc<str> = Arc::from(launch.log_group.as_str());
        Pool {
            launch,
            arn,
            timeout,
            reserved,
            idle: Mutex::new(Vec::new()),
            busy: AtomicU32::new(0),
            started: AtomicU64::new(0),
            store,
            group,
            settings,
        }
    }

    /// Environments running now: busy and idle.
    pub async fn environments(&self) -> usize {
        self.busy.load(Ordering::SeqCst) as usize + self.idle.lock().await.len()
    }

    /// Environments started since the pool was made.
    pub fn cold_starts(&self) -> u64 {
        self.started.load(Ordering::SeqCst)
    }

    /// Runs one invocation of `payload`.
    pub async fn invoke(&self, request_id: String, payload: Bytes) -> Result<Outcome, Refused> {
        let before = self.busy.fetch_add(1, Ordering::SeqCst);
        if let Some(r) = self.reserved
            && before >= r
        {
            self.busy.fetch_sub(1, Ordering::SeqCst);
            return Err(Refused::Throttled {
                limit: r,
                by: Limit::Reserved,
            });
        }
        let result = self.run(request_id, payload).await;
        self.busy.fetch_sub(1, Ordering::SeqCst);
        result
    }

    async fn run(&self, request_id: String, payload: Bytes) -> Result<Outcome, Refused> {
        let warm = loop {
            let Some(mut env) = self.idle.lock().await.pop() else {
                break None;
            };
            if !env.exited() {
                break Some(env);
            }
            env.kill().await;
        };
        let (mut env, init) = match warm {
            Some(env) => (env, None),
            None => match self.cold_start().await? {
                Ok((env, init_ms)) => (env, Some(init_ms)),
                Err(failure) => return Ok(failure.finish(self, request_id)),
            },
        };
        let version = self.launch.version.clone();
        let log = env.log.clone();
        log.write(platform::start(&request_id, &version));
        let started = Instant::now();
        let deadline_ms = crate::clock::now_ms() + self.timeout.as_millis() as i64;
        let trace = request_id.replace('-', "");
        let _ = env.api.invocations.send(Invocation {
            request_id: request_id.clone(),
            payload,
            deadline_ms,
            function_arn: self.arn.clone(),
            trace_id: format!(
                "Root=1-{:08x}-{}",
                deadline_ms / 1000,
                &trace[..trace.len().min(24)]
            ),
        });
        let memory_mb = self.launch.memory_mb;
        let answer = answer::wait_for(&mut env, &request_id, self.timeout, memory_mb).await;
        let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        env.drain_output().await;
        // Out of memory, Lambda reports the whole memory used.
        let max_memory_used_mb = match answer {
            Answer::OutOfMemory => memory_mb,
            _ => env.max_memory_mb(Duration::from_secs(1)),
        };
        let Settled {
            payload,
            function_error,
            ending,
            keep,
        } = answer.settle(&log, &request_id, self.timeout);
        log.write(platform::end(&request_id));
        let report = Report {
            request_id: &request_id,
            duration_ms,
            memory_mb: self.launch.memory_mb,
            max_memory_used_mb,
            init_ms: init,
            ending,
        };
        let billed_ms = report.billed_ms();
        log.write(report.line());
        let tail = log.take_tail();
        if keep {
            env.last_used = Instant::now();
            self.idle.lock().await.push(env);
        } else {
            env.kill().await;
        }
        Ok(Outcome {
            request_id,
            payload,
            function_error,
            executed_version: version,
            cold: init.is_some(),
            duration_ms,
            billed_ms,
            init_ms: init,
            max_memory_used_mb,
            log: tail,
        })
    }

    /// A new environment, ready for its first invocation; or, when its init failed, what the
    /// invocation that met it fails with.
    async fn cold_start(&self) -> Result<Result<(Environment, f64), InitFailure>, Refused> {
        // Refused before anything is logged or counted: the environment never starts.
        let slot = self.settings.capacity.take().ok_or(Refused::Throttled {
            limit: self.settings.capacity.max as u32,
            by: Limit::Fleet,
        })?;
        let n = self.started.fetch_add(1, Ordering::SeqCst);
        let date = crate::units::iso_time(crate::clock::now_ms())[..10].replace('-', "/");
        let id = n ^ (u64::from(std::process::id()) << 32);
        let stream = platform::stream_name(&date, &self.launch.version, id);
        let log = Arc::new(StreamLog::new(
            self.store.clone(),
            self.group.clone(),
            stream,
        ));
        log.write(platform::init_start(&self.launch.runtime));
        let spawned = Instant::now();
        let mark = self.settings.lineage.mark();
        let mut env = Environment::spawn(&self.launch, log.clone(), mark, slot)
            .await
            .map_err(Refused::Unavailable)?;
        // Init ends with the runtime's first `next`, its init error, its exit (noticed at
        // once, as AWS does), the init timeout, or memory over `memorySize`.
        let deadline = tokio::time::Instant::now() + self.settings.init_timeout;
        let ready = answer::watched(&mut env, deadline, self.launch.memory_mb).await;
        let init_ms = spawned.elapsed().as_secs_f64() * 1000.0;
        // What init allocated counts too: checked once more when it ends.
        let ready = match ready {
            Some(Next::Event(Some(RuntimeEvent::Ready)))
                if answer::over(&mut env, self.launch.memory_mb, Duration::ZERO) =>
            {
                None
            }
            ready => ready,
        };
        let Some(ready) = ready else {
            let kind = "Runtime.OutOfMemory";
            let why = "Runtime exited during init with error: signal: killed";
            log.write(format!("{why}\n{kind}"));
            env.kill().await;
            return Ok(Err(InitFailure {
                log,
                error_type: kind.to_owned(),
                body: error_body(why, kind),
                init_ms,
            }));
        };
        let (error_type, body) = match ready {
            Next::Event(Some(RuntimeEvent::Ready)) => return Ok(Ok((env, init_ms))),
            Next::Event(Some(RuntimeEvent::InitError { error_type, body })) => (error_type, body),
            Next::Deadline => {
                let why = format!(
                    "init did not finish within {:?}",
                    self.settings.init_timeout
                );
                let kind = "Runtime.InitTimeout";
                (kind.to_owned(), error_body(&why, kind))
            }
            Next::Exited(status) => {
                let kind = "Runtime.ExitError";
                let why = format!("Runtime exited during init with error: {status}");
                env.drain_output().await;
                log.write(format!("{why}\n{kind}"));
                (kind.to_owned(), error_body(&why, kind))
            }
            Next::Event(_) => {
                let kind = "Runtime.ExitError";
                (
                    kind.to_owned(),
                    error_body("the runtime exited during init", kind),
                )
            }
        };
        env.drain_output().await;
        env.kill().await;
        Ok(Err(InitFailure {
            log,
            error_type,
            body,
            init_ms,
        }))
    }

    /// Stops environments idle for longer than `idle`; how many.
    pub async fn reap(&self, idle: Duration) -> usize {
        let old: Vec<Environment> = {
            let mut envs = self.idle.lock().await;
            let (old, keep) = envs.drain(..).partition(|e| e.last_used.elapsed() >= idle);
            *envs = keep;
            old
        };
        let n = old.len();
        for env in old {
            env.kill().await;
        }
        n
    }

    /// When the longest idle environment was last used, if one is idle.
    pub async fn oldest_idle(&self) -> Option<Instant> {
        self.idle.lock().await.iter().map(|e| e.last_used).min()
    }

    /// Stops the longest idle environment, to give its slot to another function; whether one was.
    pub async fn evict_oldest(&self) -> bool {
        let oldest = {
            let mut envs = self.idle.lock().await;
            let at = envs
                .iter()
                .enumerate()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(i, _)| i);
            at.map(|i| envs.swap_remove(i))
        };
        match oldest {
            Some(env) => {
                env.kill().await;
                true
            }
            None => false,
        }
    }

    /// Stops every idle environment.
    pub async fn shutdown(&self) {
        self.reap(Duration::ZERO).await;
    }
}
