//! No process an environment starts outlives `mfn-tui`, however it left its parent (a daemon in
//! its own session, an orphan of a double fork) and however `mfn-tui` ends: SIGTERM, SIGINT
//! or SIGKILL of `serve`, an in-process fleet stopped or dropped, an idle stop, a timeout.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use mfn_tui::fleet::local::LocalFleet;
use mfn_tui::fleet::local::lineage::MARK_VARIABLE;
use support::cli::local_command;
use support::http::send;

/// A handler that leaves two processes behind: `sleep 300` in its own session (a child of the
/// runtime), and `sleep 301` orphaned by a shell in another session; their pids in files.
const HANDLER: &str = r#"
import os
import subprocess
import time


def spawn(event, context):
    here = os.environ["LAMBDA_TASK_ROOT"]
    daemon = subprocess.Popen(["sleep", "300"], start_new_session=True)
    with open(os.path.join(here, "daemon.pid"), "w") as f:
        f.write(str(daemon.pid))
    orphan = os.path.join(here, "orphan.pid")
    subprocess.run(["sh", "-c", f"sleep 301 & echo $! > {orphan}"], start_new_session=True)
    time.sleep(event.get("seconds", 0))
    return {"statusCode": 200, "body": "spawned"}
"#;

/// The same in Node.js: `spawn(…, {detached: true})` then `unref()`, a daemon in its own
/// session that Node no longer waits for.
const NODE_HANDLER: &str = r#"
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

exports.spawn = async () => {
  const here = process.env.LAMBDA_TASK_ROOT;
  const daemon = spawn("sleep", ["302"], { detached: true, stdio: "ignore" });
  daemon.unref();
  fs.writeFileSync(path.join(here, "daemon.pid"), String(daemon.pid));
  const orphan = path.join(here, "orphan.pid");
  spawn("sh", ["-c", `sleep 303 & echo $! > ${orphan}`], { detached: true, stdio: "ignore" });
  return { statusCode: 200, body: "spawned" };
};
"#;

const SERVERLESS: &str = "service: daemons
provider:
  name: aws
  runtime: python3.11
functions:
  spawn:
    handler: handler.spawn
    events:
      - httpApi: GET /spawn
  slow:
    handler: handler.spawn
    timeout: 1
  node:
    handler: node.spawn
    runtime: nodejs20.x
";

/// The daemons service under `root/services`; returns `root/services`.
fn service(root: &Path) -> PathBuf {
    let dir = root.join("services/daemons");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("serverless.yml"), SERVERLESS).unwrap();
    std::fs::write(dir.join("handler.py"), HANDLER).unwrap();
    std::fs::write(dir.join("node.js"), NODE_HANDLER).unwrap();
    root.join("services")
}

fn scratch(name: &str) -> PathBuf {
    support::scratch::dir("procs", name)
}

/// The pids the handler left in `services/daemons`, once both files are written.
fn written(services: &Path) -> Vec<i32> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let pids: Vec<i32> = ["daemon.pid", "orphan.pid"]
            .iter()
            .filter_map(|f| std::fs::read_to_string(services.join("daemons").join(f)).ok())
            .filter_map(|t| t.trim().parse().ok())
            .collect();
        if pids.len() == 2 {
            return pids;
        }
        assert!(Instant::now() < deadline, "the handler wrote no pids");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The pids the handler left, once both run `sleep` (a forked shell execs it a moment later).
fn left_behind(services: &Path) -> Vec<i32> {
    let pids = written(services);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !pids.iter().all(|p| sleeping(*p)) {
        assert!(
            Instant::now() < deadline,
            "the handler's daemons do not run: {pids:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    pids
}

/// Whether `pid` is a `sleep` still running (a zombie nobody reaped yet has ended).
fn sleeping(pid: i32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let running = stat
        .rsplit(')')
        .next()
        .is_some_and(|rest| !matches!(rest.trim_start().chars().next(), Some('Z' | 'X') | None));
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    running && String::from_utf8_lossy(&cmdline).starts_with("sleep")
}

/// Waits (generously) until none of `pids` runs; fails naming those still running.
fn all_gone(pids: &[i32], after: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while pids.iter().any(|p| sleeping(*p)) {
        let left: Vec<_> = pids.iter().filter(|p| sleeping(**p)).collect();
        assert!(Instant::now() < deadline, "{left:?} outlived {after}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Processes of this test run whose environment carries a mark of `mfn-tui` started by
/// `parent` (the serve's pid, or this test's).
fn marked_by(parent: u32) -> Vec<i32> {
    let prefix = format!("{MARK_VARIABLE}={parent}-");
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|env| {
                env.split(|b| *b == 0)
                    .any(|entry| entry.starts_with(prefix.as_bytes()))
            })
        })
        .collect()
}

/// `serve --local` of the daemons service; its child and URL once ready.
fn serve(dir: &Path, services: &Path) -> (Child, String) {
    let config = support::local::config_on_a_free_port(dir);
    let mut child = local_command(dir)
        .arg(services)
        .args(["serve", "--config"])
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if url.is_none() {
            url = line
                .split_whitespace()
                .find(|w| w.starts_with("http://127.0.0.1:") && !w.contains("/spawn"))
                .map(str::to_owned);
        }
        if line.contains("ready: logs follow") {
            break;
        }
    }
    // Keep reading so serve never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, url.expect("serve printed its URL"))
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: signalling a child this test started.
    unsafe {
        libc::kill(child.id() as i32, sig);
    }
}

fn serve_then(sig: i32, name: &str) {
    let dir = scratch(name);
    let services = service(&dir);
    let (mut child, url) = serve(&dir, &services);
    let answer = send(&url, "GET", "/spawn", &[], "");
    assert_eq!(answer.status, 200, "{answer:?}");
    let pids = left_behind(&services);
    assert!(
        pids.iter().all(|p| sleeping(*p)),
        "the handler's daemons run"
    );
    assert_eq!(
        marked_by(child.id()).len(),
        3,
        "the runtime and both daemons carry the mark"
    );
    signal(&child, sig);
    child.wait().unwrap();
    all_gone(&pids, name);
    assert!(
        marked_by(child.id()).is_empty(),
        "no marked process is left"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_daemon_of_a_handler_outlives_a_sigterm_of_serve() {
    serve_then(libc::SIGTERM, "sigterm");
}

#[test]
fn no_daemon_of_a_handler_outlives_a_sigint_of_serve() {
    serve_then(libc::SIGINT, "sigint");
}

#[test]
fn no_daemon_of_a_handler_outlives_a_sigkill_of_serve() {
    serve_then(libc::SIGKILL, "sigkill");
}

/// An in-process fleet of the daemons service, its environments idle for `idle`.
fn fleet(dir: &Path, idle: Duration) -> (std::sync::Arc<LocalFleet>, PathBuf) {
    let services = service(dir);
    let fleet = LocalFleet::open(mfn_tui::fleet::local::LocalOptions {
        idle,
        ..support::local::options(Some(&services), &dir.join("state"))
    })
    .unwrap();
    (fleet, services)
}

/// Runs `function` (which leaves daemons behind) in a fleet that is then shut down: none of
/// the daemons may remain.
async fn shutdown_leaves_nothing_of(function: &str, scratch_name: &str) {
    let dir = scratch(scratch_name);
    let (fleet, services) = fleet(&dir, Duration::from_secs(300));
    let outcome = fleet.call(function, None, "{}".into()).await.unwrap();
    assert!(outcome.function_error.is_none(), "{:?}", outcome.log);
    let pids = left_behind(&services);
    fleet.shutdown().await;
    all_gone(&pids, "the fleet's shutdown");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fleet_shut_down_leaves_no_marked_process() {
    shutdown_leaves_nothing_of("daemons-dev-spawn", "shutdown").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_daemon_spawned_detached_dies_with_its_fleet() {
    shutdown_leaves_nothing_of("daemons-dev-node", "node").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fleet_dropped_leaves_no_marked_process() {
    let dir = scratch("dropped");
    let (fleet, services) = fleet(&dir, Duration::from_secs(300));
    fleet
        .call("daemons-dev-spawn", None, "{}".into())
        .await
        .unwrap();
    let pids = left_behind(&services);
    drop(fleet);
    all_gone(&pids, "the fleet");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idle_stop_kills_what_the_environment_started() {
    let dir = scratch("idle");
    let (fleet, services) = fleet(&dir, Duration::from_millis(300));
    fleet
        .call("daemons-dev-spawn", None, "{}".into())
        .await
        .unwrap();
    let pids = written(&services);
    all_gone(&pids, "the idle stop");
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timeout_kills_what_the_environment_started() {
    let dir = scratch("timeout");
    let (fleet, services) = fleet(&dir, Duration::from_secs(300));
    let outcome = fleet
        .call("daemons-dev-slow", None, r#"{"seconds": 30}"#.into())
        .await
        .unwrap();
    let report = outcome.log.last().cloned().unwrap_or_default();
    assert!(report.contains("Status: timeout"), "{report}");
    let pids = written(&services);
    all_gone(&pids, "the timeout");
    assert_eq!(fleet.environments().await, 0, "the environment is gone");
    fleet.shutdown().await;
}
