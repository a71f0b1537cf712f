//! `mfn-tui stats --from FILE` on a generated CloudWatch Logs export (START, a handler line, END
//! and REPORT per invocation; one in ten cold, one in five in the JSON log format) of at least
//! 500 MB, next to `grep -c REPORT` on the same file: wall time (best of three) and each
//! process's peak RSS, at two file sizes so a memory that grew with the file would show. Then the
//! same export gzipped, next to `gzip -dc | grep -c REPORT`.
//!
//! `cargo bench --bench stats_from` (MFN_BENCH_MB, default 512: the large file's size; the small
//! one is a quarter of it).

#[path = "../tests/support/mod.rs"]
mod support;

use std::fs::File;
use std::io::{BufWriter, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use support::report_log::{Invocation, Layout, write_log};

/// Bytes each invocation's four lines take in the export layout, near enough to size a file.
const BYTES_PER_INVOCATION: u64 = 470;

/// One run of a child: wall seconds and its own peak RSS in KiB.
struct Run {
    seconds: f64,
    peak_rss_kb: i64,
}

/// Runs `cmd`, reading its stdout through a pipe (GNU grep stops at the first match when its
/// output is /dev/null), and reaps it with `wait4`, which gives this child's own rusage.
// wait4 reaps the child; the Child handle is not waited on again.
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command) -> Run {
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start");
    let mut output = String::new();
    child
        .stdout
        .take()
        .expect("piped")
        .read_to_string(&mut output)
        .expect("read the output");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it for the child we started.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, by its id.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4");
    let seconds = start.elapsed().as_secs_f64();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "exit {status}"
    );
    assert!(!output.is_empty(), "no output");
    Run {
        seconds,
        peak_rss_kb: usage.ru_maxrss,
    }
}

/// Best wall time of three and the largest peak RSS among them.
fn best_of_three(mut cmd: impl FnMut() -> Command) -> Run {
    let runs: Vec<Run> = (0..3).map(|_| measure(&mut cmd())).collect();
    Run {
        seconds: runs.iter().map(|r| r.seconds).fold(f64::MAX, f64::min),
        peak_rss_kb: runs.iter().map(|r| r.peak_rss_kb).max().unwrap_or(0),
    }
}

fn generate(path: &Path, megabytes: u64) -> u64 {
    let invocations = megabytes * 1_000_000 / BYTES_PER_INVOCATION;
    let t0 = 1_795_860_000_000i64;
    let month = (0..invocations).map(|i| Invocation {
        function: "shop-prod-orders".into(),
        // About a month: one invocation every two seconds.
        time_ms: t0 + i as i64 * 2_000,
        duration_ms: 5.0 + (i % 997) as f64 * 0.37,
        init_ms: (i % 10 == 0).then_some(250.1),
        status: None,
        json: i % 5 == 3,
    });
    write_log(
        BufWriter::with_capacity(1 << 20, File::create(path).unwrap()),
        Layout::Export,
        month,
    )
    .unwrap()
}

fn stats_from(path: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mfn-tui"));
    cmd.args(["stats", "--json", "--from"]).arg(path);
    cmd
}

fn grep_count(path: &Path) -> Command {
    let mut cmd = Command::new("grep");
    cmd.args(["-c", "REPORT"]).arg(path);
    cmd
}

fn main() {
    let large_mb: u64 = std::env::var("MFN_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    let dir = std::env::temp_dir().join(format!("mfn-tui-stats-from-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    println!(
        "| file | size | grep -c REPORT | stats --from | speed vs grep | grep peak RSS | stats --from peak RSS |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut largest = None;
    for megabytes in [large_mb / 4, large_mb] {
        let path = dir.join(format!("export-{megabytes}mb.log"));
        let bytes = generate(&path, megabytes) as f64;
        let grep = best_of_three(|| grep_count(&path));
        let stats = best_of_three(|| stats_from(&path));
        let mb = bytes / 1e6;
        println!(
            "| export, plain | {mb:.0} MB | {:.2} s ({:.0} MB/s) | {:.2} s ({:.0} MB/s) | {:.0}% | {} KiB | {} KiB |",
            grep.seconds,
            mb / grep.seconds,
            stats.seconds,
            mb / stats.seconds,
            grep.seconds / stats.seconds * 100.0,
            grep.peak_rss_kb,
            stats.peak_rss_kb
        );
        if let Some(previous) = largest.replace(path) {
            std::fs::remove_file(previous).ok();
        }
    }

    let path = largest.expect("a file");
    let gz = dir.join("export.log.gz");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "gzip -1 -c '{}' > '{}'",
            path.display(),
            gz.display()
        ))
        .status()
        .unwrap();
    assert!(status.success(), "gzip");
    let mb = std::fs::metadata(&path).unwrap().len() as f64 / 1e6;
    let gz_mb = std::fs::metadata(&gz).unwrap().len() as f64 / 1e6;
    let zgrep = best_of_three(|| {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("gzip -dc '{}' | grep -c REPORT", gz.display()));
        cmd
    });
    let stats = best_of_three(|| stats_from(&gz));
    println!(
        "| export, gzip ({gz_mb:.0} MB) | {mb:.0} MB | {:.2} s (gzip -dc \\| grep -c) | {:.2} s | {:.0}% | - | {} KiB |",
        zgrep.seconds,
        stats.seconds,
        zgrep.seconds / stats.seconds * 100.0,
        stats.peak_rss_kb
    );
    std::fs::remove_dir_all(&dir).ok();
}
