//! The local fleet's Runtime API overhead. Warm: a no-op handler invoked thousands of times in
//! one environment, per runtime: the round trip of an invocation through the pool (dispatch,
//! Runtime API, the runtime's `next`/`response`, the log lines, REPORT), and REPORT's Duration
//! (event sent to answer received: what the runtime and its HTTP client add to a handler that
//! does nothing). Cold: Init Duration (spawn to the first `next`) next to the interpreter's own
//! start-up, alone and with the shim's imports, to its first output.
//!
//! `cargo bench --bench local` (MFN_BENCH_WARM sets the warm invocations, default 5,000).

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hyper::body::Bytes;
use mfn_tui::analysis::report::parse;
use mfn_tui::fleet::local::environment::Launch;
use mfn_tui::fleet::local::pool::{Pool, PoolSettings};
use mfn_tui::fleet::local::store::Store;
use support::timing;

fn pool(runtime: &str, state: &Path) -> Pool {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let launch = Launch {
        function_name: "bench-noop".into(),
        version: "$LATEST".into(),
        runtime: runtime.into(),
        handler: "handler.noop".into(),
        memory_mb: 128,
        region: "us-east-1".into(),
        code_dir: root.join("tests/fixtures/local/basics"),
        log_group: "/aws/lambda/bench-noop".into(),
        environment: BTreeMap::new(),
        shims: root.join("assets/runtimes"),
        passed: Vec::new(),
        layers: Vec::new(),
    };
    Pool::new(
        launch,
        "arn:aws:lambda:us-east-1:000000000000:function:bench-noop".into(),
        Duration::from_secs(10),
        None,
        Store::open(&state.join("state.db")).unwrap(),
        PoolSettings::new(Duration::from_secs(10), 32),
    )
}

/// An interpreter running `text` up to its first line of output (the moment an environment's
/// runtime asks for its first event).
fn start_to_ready(python: bool, text: &str) -> Duration {
    let script = std::env::temp_dir().join(if python {
        "mfn-bench-ready.py"
    } else {
        "mfn-bench-ready.js"
    });
    std::fs::write(&script, text).unwrap();
    let start = Instant::now();
    let mut child = Command::new(if python { "python3" } else { "node" })
        .arg(&script)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready = start.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    ready
}

/// Scripts for the interpreter alone, and with what the shim imports.
fn baselines(python: bool) -> [(&'static str, &'static str); 2] {
    if python {
        [
            ("alone", "print('ready', flush=True)\n"),
            (
                "with the shim's imports",
                "import http.client, json, logging, os, sys, time, traceback, importlib\nprint('ready', flush=True)\n",
            ),
        ]
    } else {
        [
            ("alone", "console.log('ready');\n"),
            (
                "with the shim's imports",
                "require('http'); require('path'); require('url');\nconsole.log('ready');\n",
            ),
        ]
    }
}

fn main() {
    let warm: usize = std::env::var("MFN_BENCH_WARM")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    timing::header();
    for runtime in ["python3.11", "nodejs20.x"] {
        let state =
            std::env::temp_dir().join(format!("mfn-tui-bench-local-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&state);
        let pool = pool(runtime, &state);
        let (round_trips, durations) = rt.block_on(async {
            let first = pool
                .invoke("warm-up".into(), Bytes::from("{}"))
                .await
                .unwrap();
            assert!(first.cold);
            let mut round_trips = Vec::with_capacity(warm);
            let mut durations = Vec::with_capacity(warm);
            for n in 0..warm {
                let start = Instant::now();
                let outcome = pool
                    .invoke(
                        format!("00000000-0000-4000-8000-{n:012}"),
                        Bytes::from("{}"),
                    )
                    .await
                    .unwrap();
                round_trips.push(start.elapsed());
                assert!(!outcome.cold);
                let report = outcome.log.iter().find_map(|l| parse(l)).unwrap();
                durations.push(Duration::from_secs_f64(report.duration_ms / 1000.0));
            }
            (round_trips, durations)
        });
        timing::row(
            &format!("{runtime}: warm invoke round trip, no-op handler"),
            round_trips,
        );
        timing::row(
            &format!("{runtime}: REPORT Duration (event sent → answer received)"),
            durations,
        );
        let inits = rt.block_on(async {
            let mut inits = Vec::new();
            for n in 0..20 {
                pool.shutdown().await;
                let outcome = pool
                    .invoke(format!("cold-{n}"), Bytes::from("{}"))
                    .await
                    .unwrap();
                assert!(outcome.cold);
                inits.push(Duration::from_secs_f64(outcome.init_ms.unwrap() / 1000.0));
            }
            pool.shutdown().await;
            inits
        });
        timing::row(
            &format!("{runtime}: Init Duration (spawn → first next)"),
            inits,
        );
        let python = runtime.starts_with("python");
        for (what, text) in baselines(python) {
            let samples = (0..20).map(|_| start_to_ready(python, text)).collect();
            timing::row(
                &format!("{runtime}: the interpreter {what}, start to ready"),
                samples,
            );
        }
        let _ = std::fs::remove_dir_all(&state);
    }
}
