//! Time to first frame and idle CPU of the real binary in a real terminal (tmux), against the
//! emulator behind a 50 ms-per-call proxy (so discovery is still running when the first frame
//! must already be there). The binary logs the elapsed time at its first frame; after discovery
//! ends, its CPU time is sampled over 10 s of idleness from /proc.
//!
//! `cargo bench --bench startup` (MFN_BENCH_RUNS, default 20).

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use support::aws_proxy::{AwsProxy, ProxyOptions, Quotas};
use support::emulator::Emulator;
use support::fleet::seed_fleet;

fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux")
        .arg("-L")
        .arg(socket)
        .args(args)
        .output()
        .expect("tmux");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_for_log(log: &std::path::Path, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains(needle)) {
            return line.to_owned();
        }
        assert!(Instant::now() < deadline, "`{needle}` never logged");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn elapsed_ms(line: &str) -> f64 {
    line.split("elapsed_ms=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("elapsed_ms in the log line")
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let runs: usize = std::env::var("MFN_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let options = ProxyOptions::new()
        .latency(Duration::from_millis(50))
        .quotas(Quotas::unlimited());
    let proxy = AwsProxy::start(&emulator.endpoint, options).await;
    let dir = std::env::temp_dir().join(format!("mfn-tui-startup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let socket = format!("mfn-bench-{}", std::process::id());

    let mut first = Vec::new();
    let mut discovered = Vec::new();
    let mut idle_cpu = Vec::new();
    for run in 0..runs {
        let log = dir.join(format!("run{run}.log"));
        let command = format!(
            "env AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_EC2_METADATA_DISABLED=true \
             AWS_CONFIG_FILE={d}/none AWS_SHARED_CREDENTIALS_FILE={d}/none XDG_CONFIG_HOME={d} \
             MFN_TUI_LOG_FILE={log} {bin} --endpoint-url {ep} --region us-east-1 --region eu-west-1",
            d = dir.display(),
            log = log.display(),
            bin = env!("CARGO_BIN_EXE_mfn-tui"),
            ep = proxy.endpoint,
        );
        tmux(
            &socket,
            &[
                "new-session",
                "-d",
                "-s",
                "b",
                "-x",
                "160",
                "-y",
                "50",
                &command,
            ],
        );
        first.push(elapsed_ms(&wait_for_log(&log, "first frame drawn")));
        discovered.push(elapsed_ms(&wait_for_log(&log, "discovery finished")));
        if run == 0 {
            let pid = tmux(
                &socket,
                &["display-message", "-p", "-t", "b", "#{pane_pid}"],
            );
            let pid = pid.trim();
            std::thread::sleep(Duration::from_millis(500));
            let (t0, c0) = (Instant::now(), cpu_ticks(pid));
            std::thread::sleep(Duration::from_secs(10));
            let ticks = cpu_ticks(pid) - c0;
            let ticks_per_s = 100.0; // USER_HZ on Linux
            idle_cpu.push(ticks as f64 / ticks_per_s / t0.elapsed().as_secs_f64() * 100.0);
        }
        tmux(&socket, &["send-keys", "-t", "b", "q"]);
        std::thread::sleep(Duration::from_millis(200));
        tmux(&socket, &["kill-server"]);
    }
    first.sort_by(f64::total_cmp);
    discovered.sort_by(f64::total_cmp);
    let p = |v: &[f64], q: f64| v[((v.len() - 1) as f64 * q) as usize];
    println!("| what | p50 | p90 | max | runs |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| first frame after process start (ms) | {:.1} | {:.1} | {:.1} | {runs} |",
        p(&first, 0.5),
        p(&first, 0.9),
        p(&first, 1.0)
    );
    println!(
        "| discovery finished, 10 functions, 2 regions, 50 ms/call (ms) | {:.0} | {:.0} | {:.0} | {runs} |",
        p(&discovered, 0.5),
        p(&discovered, 0.9),
        p(&discovered, 1.0)
    );
    println!(
        "| idle CPU over 10 s after discovery (%) | {:.2} | | | 1 |",
        idle_cpu[0]
    );
}
