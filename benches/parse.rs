//! REPORT parsing throughput on a large synthetic log (START, a handler line, END and REPORT per
//! invocation; one in ten cold, one in fifty in the JSON format), next to `grep -c REPORT` on
//! the same file, and the peak memory of the parse: it reads line by line into a histogram, so
//! memory does not grow with the number of lines.
//!
//! `cargo bench --bench parse` (MFN_BENCH_INVOCATIONS, default 1,000,000: 4 M lines).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::process::Command;
use std::time::Instant;

use mfn_tui::analysis::latency::{LatencyStats, Window};
use mfn_tui::analysis::report::parse;

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Calls `f` on every line of `reader` without copying lines that lie within one read (only a
/// line cut by a read boundary is stitched together).
fn for_each_line(mut reader: impl Read, mut f: impl FnMut(&[u8])) {
    let mut buf = vec![0u8; 1 << 20];
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = reader.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', chunk) {
            if carry.is_empty() {
                f(&chunk[start..nl]);
            } else {
                carry.extend_from_slice(&chunk[start..nl]);
                f(&carry);
                carry.clear();
            }
            start = nl + 1;
        }
        carry.extend_from_slice(&chunk[start..]);
    }
    if !carry.is_empty() {
        f(&carry);
    }
}

fn main() {
    let invocations: usize = std::env::var("MFN_BENCH_INVOCATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let path = std::env::temp_dir().join(format!("mfn-tui-parse-{}.log", std::process::id()));
    {
        let mut w = BufWriter::new(File::create(&path).unwrap());
        for i in 0..invocations {
            let id = format!("{i:08x}-1111-2222-3333-444455556666");
            let duration = 5.0 + (i % 997) as f64 * 0.37;
            writeln!(w, "START RequestId: {id} Version: $LATEST").unwrap();
            writeln!(
                w,
                "2026-11-28T10:00:00.000Z\t{id}\tINFO\tprocessed order {i} for customer {}",
                i % 1013
            )
            .unwrap();
            writeln!(w, "END RequestId: {id}").unwrap();
            if i % 50 == 0 {
                writeln!(w, "{{\"time\":\"2026-11-28T10:00:00.000Z\",\"type\":\"platform.report\",\"record\":{{\"requestId\":\"{id}\",\"metrics\":{{\"durationMs\":{duration},\"billedDurationMs\":{},\"memorySizeMB\":512,\"maxMemoryUsedMB\":100}},\"status\":\"success\"}}}}", duration.ceil()).unwrap();
            } else if i % 10 == 0 {
                writeln!(w, "REPORT RequestId: {id}\tDuration: {duration:.2} ms\tBilled Duration: {} ms\tMemory Size: 512 MB\tMax Memory Used: 100 MB\tInit Duration: 250.10 ms\t", (duration + 250.1).ceil()).unwrap();
            } else {
                writeln!(w, "REPORT RequestId: {id}\tDuration: {duration:.2} ms\tBilled Duration: {} ms\tMemory Size: 512 MB\tMax Memory Used: 100 MB\t", duration.ceil()).unwrap();
            }
        }
    }
    let bytes = std::fs::metadata(&path).unwrap().len() as f64;
    let lines = invocations * 4;
    let mb = bytes / 1e6;

    let mut grep_best = f64::MAX;
    let mut grep_count = String::new();
    for _ in 0..3 {
        let start = Instant::now();
        let out = Command::new("grep")
            .arg("-c")
            .arg("REPORT")
            .arg(&path)
            .output()
            .expect("grep");
        grep_best = grep_best.min(start.elapsed().as_secs_f64());
        grep_count = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    }

    // Reading the lines alone (the floor of any line-by-line parser).
    let mut read_best = f64::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let mut reader = BufReader::with_capacity(1 << 16, File::open(&path).unwrap());
        let mut line = Vec::with_capacity(512);
        let mut candidates = 0;
        while reader.read_until(b'\n', &mut line).unwrap() > 0 {
            candidates += usize::from(line.starts_with(b"REPORT ") || line.starts_with(b"{"));
            line.clear();
        }
        assert_eq!(candidates, invocations);
        read_best = read_best.min(start.elapsed().as_secs_f64());
    }

    let before = peak_rss_kb();
    let mut parse_best = f64::MAX;
    let mut reports = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let mut stats = LatencyStats::new(
            Window {
                start_ms: 0,
                end_ms: 1,
            },
            48,
        );
        reports = 0;
        for_each_line(File::open(&path).unwrap(), |line| {
            // Only candidate lines pay for UTF-8 checking and parsing.
            if (line.starts_with(b"REPORT ") || line.starts_with(b"{"))
                && let Some(r) = std::str::from_utf8(line).ok().and_then(parse)
            {
                stats.record(&r, 0);
                reports += 1;
            }
        });
        parse_best = parse_best.min(start.elapsed().as_secs_f64());
        assert_eq!(stats.invocations, invocations as u64);
    }
    let after = peak_rss_kb();
    std::fs::remove_file(&path).ok();

    println!(
        "{lines} lines, {mb:.0} MB; grep -c REPORT counted {grep_count}, the parser {reports}\n"
    );
    println!("| what | best of 3 | throughput |");
    println!("|---|---:|---:|");
    println!(
        "| grep -c REPORT | {grep_best:.3} s | {:.0} MB/s |",
        mb / grep_best
    );
    println!(
        "| reading line by line, no parsing (for scale) | {read_best:.3} s | {:.0} MB/s |",
        mb / read_best
    );
    println!(
        "| mfn-tui parse + statistics | {parse_best:.3} s | {:.0} MB/s ({:.0}% of grep) |",
        mb / parse_best,
        grep_best / parse_best * 100.0
    );
    println!(
        "\npeak RSS of this process: {before} KB before parsing, {after} KB after ({} KB more)",
        after.saturating_sub(before)
    );
}
