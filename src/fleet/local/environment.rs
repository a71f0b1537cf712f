//! One execution environment: a child process running the function's runtime against its own
//! Runtime API, its output captured line by line into the function's log stream.
//!
//! Children are their own process group (killed as a whole), die with `mfn-tui`
//! (`PR_SET_PDEATHSIG`), and lose their Runtime API when it goes, so none outlives it.

use std::collections::BTreeMap;
use std::os::fd::{AsRawFd, RawFd};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

use super::runtime_api::{self, RuntimeApi, RuntimeEvent};
use super::store::{LogLine, Store};

/// An environment's log stream: each line goes to the store, and to the tail of the
/// invocation under way (what `LogType=Tail` returns).
pub struct StreamLog {
    pub stream: String,
    group: Arc<str>,
    store: Store,
    tail: std::sync::Mutex<Vec<String>>,
}

impl StreamLog {
    pub fn new(store: Store, group: Arc<str>, stream: String) -> StreamLog {
        StreamLog {
            stream,
            group,
            store,
            tail: std::sync::Mutex::new(Vec::new()),
        }
    }

    pub fn write(&self, message: String) {
        self.tail.lock().expect("the tail").push(message.clone());
        self.store.append(LogLine {
            group: self.group.clone(),
            stream: self.stream.clone(),
            timestamp_ms: crate::clock::now_ms(),
            message,
        });
    }

    /// The lines since the last call.
    pub fn take_tail(&self) -> Vec<String> {
        std::mem::take(&mut *self.tail.lock().expect("the tail"))
    }
}

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
    /// The process tree as last walked, and when: walking it reads a file per thread, so it
    /// is walked again at most once a second (a handler's child processes are found within a
    /// second of starting).
    tree: (Vec<i32>, Option<Instant>),
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
    pub async fn spawn(launch: &Launch, log: Arc<StreamLog>) -> Result<Environment, String> {
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

    /// The peak resident memory of the process tree, in MB.
    pub fn max_memory_mb(&mut self) -> u32 {
        if self
            .tree
            .1
            .is_none_or(|walked| walked.elapsed() >= Duration::from_secs(1))
        {
            self.tree = (tree(self.pid), Some(Instant::now()));
        }
        let kb: u64 = self.tree.0.iter().filter_map(|pid| peak_rss_kb(*pid)).sum();
        (kb / 1024) as u32
    }

    /// Kills the whole process group and reaps it.
    pub async fn kill(mut self) {
        if self.pid > 0 {
            // SAFETY: signalling our own child's process group.
            unsafe {
                libc::killpg(self.pid, libc::SIGKILL);
            }
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
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

/// Reads a pipe into log lines, counting what it consumed so a fence can wait for the rest.
struct Drain {
    fd: RawFd,
    consumed: Arc<AtomicU64>,
    done: Arc<AtomicBool>,
}

impl Drain {
    fn start<R: AsyncRead + AsRawFd + Unpin + Send + 'static>(
        pipe: Option<R>,
        log: Arc<StreamLog>,
    ) -> Drain {
        let consumed = Arc::new(AtomicU64::new(0));
        let done = Arc::new(AtomicBool::new(pipe.is_none()));
        let fd = pipe.as_ref().map_or(-1, AsRawFd::as_raw_fd);
        if let Some(pipe) = pipe {
            let (consumed, done) = (consumed.clone(), done.clone());
            tokio::spawn(async move {
                let mut reader = BufReader::new(pipe);
                let mut buf = Vec::new();
                loop {
                    buf.clear();
                    match reader.read_until(b'\n', &mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            let text = String::from_utf8_lossy(&buf);
                            // The runtimes put a record's own line breaks as `\r`.
                            let message = text.trim_end_matches(['\n']).replace('\r', "\n");
                            log.write(message);
                            consumed.fetch_add(n as u64, Ordering::SeqCst);
                        }
                    }
                }
                done.store(true, Ordering::SeqCst);
            });
        }
        Drain { fd, consumed, done }
    }

    /// Waits until what is in the pipe now has been read.
    async fn fence(&self) {
        if self.done.load(Ordering::SeqCst) || self.fd < 0 {
            return;
        }
        let mut pending: libc::c_int = 0;
        // SAFETY: FIONREAD on a pipe we own writes one int.
        let ok = unsafe { libc::ioctl(self.fd, libc::FIONREAD, &mut pending) } == 0;
        if !ok || pending <= 0 {
            // Nothing in the pipe; a line half-read by the reader is finished shortly.
            tokio::task::yield_now().await;
            return;
        }
        let target = self.consumed.load(Ordering::SeqCst) + pending as u64;
        let deadline = Instant::now() + Duration::from_millis(500);
        while self.consumed.load(Ordering::SeqCst) < target
            && !self.done.load(Ordering::SeqCst)
            && Instant::now() < deadline
        {
            tokio::task::yield_now().await;
        }
    }
}

/// The process and its descendants.
fn tree(pid: i32) -> Vec<i32> {
    let mut all = vec![pid];
    let mut at = 0;
    while at < all.len() && all.len() < 256 {
        let p = all[at];
        at += 1;
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            if let Ok(children) = std::fs::read_to_string(task.path().join("children")) {
                all.extend(
                    children
                        .split_whitespace()
                        .filter_map(|c| c.parse::<i32>().ok()),
                );
            }
        }
    }
    all
}

/// `VmHWM` (peak resident set) of a process, in kB.
fn peak_rss_kb(pid: i32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}
