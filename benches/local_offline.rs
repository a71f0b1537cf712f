//! `mfn-tui serve --local` side by side with serverless-offline 13 (the tool users run instead)
//! on the same service (`tests/fixtures/local/bench`): start time (spawn to the first HTTP
//! answer), idle memory (the process tree's RSS), warm p50 latency of a Python and a Node.js
//! handler, the answer to a handler that raises, and for Node.js the cold start, requests per
//! second at concurrency 8 and CPU per request, against serverless-offline's `--useInProcess`.
//!
//! `cargo bench --bench local_offline` (it runs `scripts/install-serverless-offline` first;
//! MFN_BENCH_RUNS sets the runs of start and cold start, default 5; MFN_BENCH_SECONDS the load
//! phase, default 5; MFN_BENCH_BIN another mfn-tui binary to measure, such as an earlier build).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/process_tree.rs"]
mod process_tree;
use process_tree::{cpu_s, rss_mb};

/// The servers compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Server {
    Mfn,
    Offline,
    OfflineInProcess,
}

impl Server {
    fn label(self) -> &'static str {
        match self {
            Server::Mfn => "mfn-tui serve --local",
            Server::Offline => "serverless-offline",
            Server::OfflineInProcess => "serverless-offline --useInProcess",
        }
    }
}

struct Running {
    child: Child,
    base: String,
    started: Duration,
}

impl Drop for Running {
    fn drop(&mut self) {
        // SAFETY: the process group this benchmark started.
        unsafe {
            libc::killpg(self.child.id() as i32, libc::SIGTERM);
        }
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `server` on the service in `dir`; returns once it answers HTTP.
fn start(server: Server, dir: &Path, scratch: &Path) -> Running {
    let port = free_port();
    let mut cmd = match server {
        Server::Mfn => {
            let config = scratch.join("config.toml");
            std::fs::write(&config, format!("[local]\ngateway_port = {port}\n")).unwrap();
            let bin = std::env::var("MFN_BENCH_BIN")
                .unwrap_or_else(|_| env!("CARGO_BIN_EXE_mfn-tui").to_owned());
            let mut c = Command::new(bin);
            c.env("XDG_STATE_HOME", scratch.join("state"))
                .env("MFN_TUI_LOG_FILE", scratch.join("mfn-tui.log"))
                .arg("--local")
                .arg(dir)
                .args(["serve", "--config"])
                .arg(config);
            c
        }
        Server::Offline | Server::OfflineInProcess => {
            let mut c = Command::new("node");
            c.current_dir(dir)
                .env("SLS_TELEMETRY_DISABLED", "1")
                .env("SLS_NOTIFICATIONS_MODE", "off")
                .args([
                    "node_modules/serverless/bin/serverless.js",
                    "offline",
                    "start",
                ])
                .args(["--httpPort", &port.to_string()])
                .args(["--lambdaPort", &free_port().to_string()]);
            if server == Server::OfflineInProcess {
                c.arg("--useInProcess");
            }
            c
        }
    };
    let spawned = Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("start the server");
    let base = format!("127.0.0.1:{port}");
    let deadline = spawned + Duration::from_secs(60);
    loop {
        if let Ok(mut c) = TcpStream::connect(&base)
            && get(&mut c, "/nothing-here").is_ok()
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{} did not start",
            server.label()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    Running {
        child,
        base,
        started: spawned.elapsed(),
    }
}

/// One GET on a keep-alive connection; the status.
fn get(c: &mut TcpStream, path: &str) -> std::io::Result<u16> {
    c.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(c, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")?;
    let mut reader = BufReader::new(&*c);
    let mut status = 0;
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some(s) = l.strip_prefix("HTTP/1.1 ") {
            status = s[..3].parse().unwrap_or(0);
        } else if let Some((k, v)) = l.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(status)
}

/// Milliseconds of `n` sequential GETs of `path` on one connection, sorted.
fn latencies(base: &str, path: &str, n: usize) -> Vec<f64> {
    let mut c = TcpStream::connect(base).unwrap();
    c.set_nodelay(true).unwrap();
    let mut ms: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            get(&mut c, path).unwrap();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    ms
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Requests per second of `path` at `concurrency` keep-alive clients for `seconds`, the
/// server's CPU milliseconds per request, and the share of its child processes.
fn load(run: &Running, path: &str, concurrency: usize, seconds: u64) -> (f64, f64, f64) {
    let cpu_before = cpu_s(run.child.id());
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let clients: Vec<_> = (0..concurrency)
        .map(|_| {
            let (base, path) = (run.base.clone(), path.to_owned());
            std::thread::spawn(move || {
                let mut c = TcpStream::connect(&base).unwrap();
                c.set_nodelay(true).unwrap();
                let mut n = 0u64;
                while Instant::now() < until {
                    assert_eq!(get(&mut c, &path).unwrap(), 200);
                    n += 1;
                }
                n
            })
        })
        .collect();
    let total: u64 = clients.into_iter().map(|c| c.join().unwrap()).sum();
    let elapsed = started.elapsed().as_secs_f64();
    let cpu_after = cpu_s(run.child.id());
    let per_request = |s: f64| s * 1000.0 / total as f64;
    let children = (cpu_after.0 - cpu_after.1) - (cpu_before.0 - cpu_before.1);
    (
        total as f64 / elapsed,
        per_request(cpu_after.0 - cpu_before.0),
        per_request(children),
    )
}

/// What one server measured.
#[derive(Debug, Default)]
struct Figures {
    start_ms: f64,
    idle_mb: f64,
    py_p50: f64,
    node_p50: f64,
    exception_ms: f64,
    exception_status: u16,
    node_cold_ms: f64,
    rps: f64,
    cpu_ms: f64,
    children_cpu_ms: f64,
}

fn measure(server: Server, dir: &Path, runs: usize, seconds: u64) -> Figures {
    let scratch = std::env::temp_dir().join(format!("mfn-bench-offline-{}", std::process::id()));
    let mut f = Figures::default();
    let mut starts = Vec::new();
    let mut colds = Vec::new();
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).unwrap();
        let run = start(server, dir, &scratch);
        starts.push(run.started.as_secs_f64() * 1000.0);
        let mut c = TcpStream::connect(&run.base).unwrap();
        c.set_nodelay(true).unwrap();
        let t = Instant::now();
        assert_eq!(get(&mut c, "/node").unwrap(), 200);
        colds.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    f.start_ms = median(starts);
    f.node_cold_ms = median(colds);
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let run = start(server, dir, &scratch);
    std::thread::sleep(Duration::from_secs(1));
    f.idle_mb = rss_mb(run.child.id());
    latencies(&run.base, "/py", 20);
    f.py_p50 = latencies(&run.base, "/py", 300)[150];
    latencies(&run.base, "/node", 20);
    f.node_p50 = latencies(&run.base, "/node", 300)[150];
    let mut c = TcpStream::connect(&run.base).unwrap();
    let _ = get(&mut c, "/boom");
    let t = Instant::now();
    f.exception_status = get(&mut c, "/boom").unwrap_or(0);
    f.exception_ms = t.elapsed().as_secs_f64() * 1000.0;
    (f.rps, f.cpu_ms, f.children_cpu_ms) = load(&run, "/node", 8, seconds);
    drop(run);
    let _ = std::fs::remove_dir_all(&scratch);
    f
}

/// The bench service with serverless-offline's node_modules beside it.
fn service(offline: &Path) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mfn-bench-service-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/local/bench");
    for entry in std::fs::read_dir(fixture).unwrap().flatten() {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    std::os::unix::fs::symlink(offline.join("node_modules"), dir.join("node_modules")).unwrap();
    dir
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let installed = Command::new(root.join("scripts/install-serverless-offline"))
        .stderr(Stdio::inherit())
        .output()
        .expect("run scripts/install-serverless-offline");
    if !installed.status.success() {
        eprintln!("serverless-offline could not be installed; nothing to compare");
        return;
    }
    let offline = PathBuf::from(
        String::from_utf8_lossy(&installed.stdout)
            .trim()
            .lines()
            .last()
            .unwrap_or_default(),
    );
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (runs, seconds) = (
        env("MFN_BENCH_RUNS", 5) as usize,
        env("MFN_BENCH_SECONDS", 5),
    );
    let dir = service(&offline);
    let servers = [Server::Mfn, Server::Offline, Server::OfflineInProcess];
    let figures: Vec<Figures> = servers
        .iter()
        .map(|s| measure(*s, &dir, runs, seconds))
        .collect();
    println!("\nthe same service ({runs} runs of start and cold start, {seconds} s of load):\n");
    println!("| | {} |", servers.map(Server::label).join(" | "));
    println!("|---|---|---|---|");
    type Row = (&'static str, fn(&Figures) -> String);
    let rows: [Row; 9] = [
        ("start (spawn to first HTTP answer), ms", |f| {
            format!("{:.0}", f.start_ms)
        }),
        ("idle RSS of the process tree, MB", |f| {
            format!("{:.0}", f.idle_mb)
        }),
        ("Python warm p50, ms", |f| format!("{:.2}", f.py_p50)),
        ("Node.js warm p50, ms", |f| format!("{:.2}", f.node_p50)),
        ("handler exception: answer, ms (status)", |f| {
            format!("{:.1} ({})", f.exception_ms, f.exception_status)
        }),
        ("Node.js cold start (first request), ms", |f| {
            format!("{:.0}", f.node_cold_ms)
        }),
        ("Node.js requests/s at concurrency 8", |f| {
            format!("{:.0}", f.rps)
        }),
        ("Node.js CPU per request, ms", |f| {
            format!("{:.3}", f.cpu_ms)
        }),
        ("  of which child processes (environments), ms", |f| {
            format!("{:.3}", f.children_cpu_ms)
        }),
    ];
    for (label, cell) in &rows {
        let cells: Vec<String> = figures.iter().map(cell).collect();
        println!("| {label} | {} |", cells.join(" | "));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
