//! One execution environment: a child process running the function's runtime against its own
//! Runtime API, its output captured into the function's log stream.
//!
//! Its processes carry the environment's mark ([`super::lineage`]); killing it kills its
//! process group, its process tree and every process carrying the mark, wherever it went. The
//! runtime itself also dies with the thread that started it (`PR_SET_PDEATHSIG`), and every
//! marked process with the fleet's watchdog's sweep when `mfn-tui` dies.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

use super::capacity::Slot;
use super::lineage::{self, MARK_VARIABLE, Mark};
use super::output::Drain;
pub use super::output::StreamLog;
use super::runtime_api::{self, RuntimeApi, RuntimeEvent};

/// What happened next in an environment.
pub enum Next {
    Event(Option<RuntimeEvent>),
    Exited(String),
    Deadline,
}

/// What an environment runs.
#[derive(Debug, Clone)]
pub struct Launch {
    pub function_name: String,
    pub version: String,
    pub runtime: String,
    pub handler: String,
    pub memory_mb: u32,
    pub region: String,
    pub code_dir: PathBuf,
    pub log_group: String,
    pub environment: BTreeMap<String, String>,
    /// Where the bundled runtime shims were written.
    pub shims: PathBuf,
    /// The operator's variables passed through (`[local] pass_env`): credentials, endpoint.
    pub passed: Vec<(String, String)>,
    /// The code directories of the function's layers.
    pub layers: Vec<PathBuf>,
}

pub struct Environment {
    pub log: Arc<StreamLog>,
    pub api: RuntimeApi,
    child: Child,
    pid: i32,
    stdout: Drain,
    stderr: Drain,
    pub started: Instant,
    pub last_used: Instant,
    /// The process tree as last walked, and when: walking it reads a file per thread, so
    /// between invocations it is walked again at most once a second.
    tree: (Vec<i32>, Option<Instant>),
    mark: Mark,
    /// Its place under `[local] max_environments`, given back when it ends.
    _slot: Slot,
    stopped: bool,
}

/// The program that runs a runtime, or why there is none here.
pub fn command_for(launch: &Launch) -> Result<(PathBuf, Vec<PathBuf>), String> {
    let (program, shim) = program_for(&launch.runtime, &launch.code_dir)?;
    Ok((
        program,
        shim.map(|s| launch.shims.join(s)).into_iter().collect(),
    ))
}

/// Why `runtime` cannot run code of `code_dir` here, if it cannot.
pub fn runtime_problem(runtime: &str, code_dir: &Path) -> Option<String> {
    program_for(runtime, code_dir).err()
}

/// The program for a runtime and the bundled shim it runs, if any.
fn program_for(r: &str, code_dir: &Path) -> Result<(PathBuf, Option<&'static str>), String> {
    let program = |name: &str, shim: &'static str| {
        which(name).map(|found| (found, Some(shim))).ok_or_else(|| {
            format!("the {r} runtime needs `{name}` on PATH; install it or change `runtime`")
        })
    };
    if r.starts_with("python3") {
        program("python3", "python/bootstrap.py")
    } else if r.starts_with("nodejs") {
        program("node", "node/bootstrap.js")
    } else if r.starts_with("provided") {
        let bootstrap = code_dir.join("bootstrap");
        if bootstrap.is_file() {
            Ok((bootstrap, None))
        } else {
            Err(format!(
                "the {r} runtime runs `bootstrap` from the code directory, and {} has none (build it first)",
                code_dir.display()
            ))
        }
    } else {
        Err(format!(
            "the runtime `{r}` cannot run here (python3.x, nodejs*, provided.* can)"
        ))
    }
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

impl Environment {
    /// Starts a new environment: its Runtime API, then the runtime's process.
    pub async fn spawn(
        launch: &Launch,
        log: Arc<StreamLog>,
        mark: Mark,
        slot: Slot,
    ) -> Result<Environment, String> {
        let (program, args) = command_for(launch)?;
        let api = runtime_api::start()
            .await
            .map_err(|e| format!("cannot open a Runtime API on loopback: {e}"))?;
        let mut cmd = Command::new(&program);
        cmd.args(&args)
            .current_dir(&launch.code_dir)
            .env_clear()
            .envs(launch.passed.iter().map(|(k, v)| (k, v)))
            .envs(&launch.environment)
            .envs(platform_env(launch, &api, &log.stream))
            .env(MARK_VARIABLE, &mark.value)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .process_group(0);
        // SAFETY: prctl is async-signal-safe; it only asks the kernel to kill the child when the
        // thread that spawned it (a runtime worker, alive as long as mfn-tui) dies.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let pid = child.id().map_or(0, |p| p as i32);
        let stdout = Drain::start(child.stdout.take(), log.clone());
        let stderr = Drain::start(child.stderr.take(), log.clone());
        let now = Instant::now();
        Ok(Environment {
            log,
            api,
            child,
            pid,
            stdout,
            stderr,
            started: now,
            last_used: now,
            tree: (vec![pid], None),
            mark,
            _slot: slot,
            stopped: false,
        })
    }

    /// Waits until every byte the process wrote so far has become a log line.
    pub async fn drain_output(&self) {
        self.stdout.fence().await;
        self.stderr.fence().await;
    }

    /// The runtime's next event, the process's exit (how it ended), or the deadline; an event
    /// already sent comes before an exit.
    pub async fn next_event(&mut self, deadline: tokio::time::Instant) -> Next {
        tokio::select! {
            biased;
            e = self.api.events.recv() => Next::Event(e),
            status = self.child.wait() => Next::Exited(
                status.map_or_else(|e| e.to_string(), |s| s.to_string()),
            ),
            () = tokio::time::sleep_until(deadline) => Next::Deadline,
        }
    }

    /// Whether the process has exited.
    pub fn exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// The peak resident memory of the process tree, in MB, its tree walked again when last
    /// walked `walk_after` ago or longer.
    pub fn max_memory_mb(&mut self, walk_after: Duration) -> u32 {
        if self
            .tree
            .1
            .is_none_or(|walked| walked.elapsed() >= walk_after)
        {
            self.tree = (lineage::tree(self.pid), Some(Instant::now()));
        }
        let kb: u64 = self.tree.0.iter().filter_map(|pid| peak_rss_kb(*pid)).sum();
        (kb / 1024) as u32
    }

    /// Kills every process of the environment and reaps the runtime.
    pub async fn kill(mut self) {
        self.stop_processes();
        let _ = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
    }

    /// Kills the process group, the process tree as its parents know it now, and every process
    /// carrying the environment's mark (a daemon in its own session, an orphan).
    pub fn stop_processes(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        // Once the runtime is reaped its pid may be another process's: only the mark is sure.
        if let Some(pid) = self.child.id().map(|p| p as i32).filter(|p| *p > 0) {
            let tree = lineage::tree(pid);
            // SAFETY: signalling our own unreaped child's process group and its descendants.
            unsafe {
                libc::killpg(pid, libc::SIGKILL);
                for p in tree {
                    libc::kill(p, libc::SIGKILL);
                }
            }
        }
        self.mark.sweep();
    }
}

impl Drop for Environment {
    /// An environment dropped without [`Environment::kill`] (its fleet dropped, its task
    /// cancelled) still leaves no process.
    fn drop(&mut self) {
        self.stop_processes();
    }
}

/// The variables Lambda sets in every environment (they win over the function's own, as on
/// AWS), and `IS_OFFLINE`, which handlers read to pick a local database.
fn platform_env(launch: &Launch, api: &RuntimeApi, stream: &str) -> Vec<(String, String)> {
    let mut env = vec![
        ("AWS_LAMBDA_RUNTIME_API", api.addr.to_string()),
        ("_HANDLER", launch.handler.clone()),
        (
            "LAMBDA_TASK_ROOT",
            std::path::absolute(&launch.code_dir)
                .unwrap_or_else(|_| launch.code_dir.clone())
                .display()
                .to_string(),
        ),
        ("LAMBDA_RUNTIME_DIR", launch.shims.display().to_string()),
        ("AWS_LAMBDA_FUNCTION_NAME", launch.function_name.clone()),
        ("AWS_LAMBDA_FUNCTION_VERSION", launch.version.clone()),
        (
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            launch.memory_mb.to_string(),
        ),
        ("AWS_LAMBDA_LOG_GROUP_NAME", launch.log_group.clone()),
        ("AWS_LAMBDA_LOG_STREAM_NAME", stream.to_owned()),
        ("AWS_REGION", launch.region.clone()),
        ("AWS_DEFAULT_REGION", launch.region.clone()),
        (
            "AWS_EXECUTION_ENV",
            format!("AWS_Lambda_{}", launch.runtime),
        ),
        ("TZ", ":UTC".to_owned()),
        ("PYTHONDONTWRITEBYTECODE", "1".to_owned()),
        ("IS_OFFLINE", "true".to_owned()),
    ];
    // Layers: AWS unpacks them under /opt, where each runtime looks for their modules.
    let layer_dirs = |sub: &str| -> Option<String> {
        let dirs: Vec<String> = launch
            .layers
            .iter()
            .map(|l| l.join(sub))
            .filter(|d| d.is_dir())
            .map(|d| d.display().to_string())
            .collect();
        (!dirs.is_empty()).then(|| dirs.join(":"))
    };
    if let Some(p) = layer_dirs("python") {
        env.push(("PYTHONPATH", p));
    }
    if let Some(p) = layer_dirs("nodejs/node_modules") {
        env.push(("NODE_PATH", p));
    }
    for name in ["PATH", "LANG", "HOME"] {
        if let Ok(v) = std::env::var(name) {
            env.push((name, v));
        }
    }
    env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// `VmHWM` (peak resident set) of a process, in kB.
fn peak_rss_kb(pid: i32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}
