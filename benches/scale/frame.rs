//! The dashboard's first full frame from the inventory cache: the real binary in a real
//! terminal (tmux), its cache holding the whole fleet (written by the project's own cache code
//! from a discovered inventory), timed by the binary itself from process start to the first
//! frame drawn (its log line), while discovery revalidates through the proxy behind it.

use std::path::Path;
use std::time::{Duration, Instant};

use mfn_tui::fleet::Inventory;
use mfn_tui::fleet::cache::InventoryCache;

use crate::harness::{Harness, REGIONS};
use crate::report::{Figure, Goal};
use crate::support::seed::now_ms;
use crate::support::tmux::{Tmux, dashboard_command};

pub async fn figure(h: &Harness, known: &Inventory) -> Figure {
    let mut figure = Figure {
        name: "first full frame from the cache",
        what: format!(
            "process start to the first frame drawn, the dashboard opening on a cache of {} functions ({} runs)",
            known.function_count(),
            h.sizes.frame_runs
        ),
        measured_s: Vec::new(),
        floor_s: Vec::new(),
        floor_what: "none: an absolute bound".into(),
        goal: Goal::AtMostMs(100.0),
        runs: Vec::new(),
        floor_runs: Vec::new(),
        client_failures: 0,
        checks: Vec::new(),
    };
    let scratch =
        std::env::temp_dir().join(format!("mfn-bench-scale-frame-{}", std::process::id()));
    let cache = InventoryCache::at(scratch.join("cache").join("mfn-tui").join("inventory"));
    let log = scratch.join("mfn-tui.log");
    let regions: Vec<&str> = REGIONS.to_vec();
    let expected = format!("{} functions", known.function_count());
    let mut shown = 0;
    for run in 0..h.sizes.frame_runs {
        h.settle().await;
        // The same cache every run (a dashboard quitting after discovery would rewrite it).
        cache
            .save(known, &h.targets(), now_ms())
            .expect("write the inventory cache");
        let _ = std::fs::remove_file(&log);
        let tmux = Tmux::new(&format!("scale-frame-{run}"));
        tmux.start(&dashboard_command(&h.proxy.endpoint, &scratch, &regions));
        let line = wait_for_line(&log, "first frame drawn").await;
        figure.measured_s.push(elapsed_ms(&line) / 1000.0);
        let cached_fleet =
            |s: &str| s.contains(&expected) && s.contains("cached") && s.contains("svc000");
        let looked = Instant::now();
        while !cached_fleet(&tmux.screen()) && looked.elapsed() < Duration::from_millis(500) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        shown += usize::from(cached_fleet(&tmux.screen()));
        tmux.keys(&["q"]);
        drop(tmux);
        figure.runs.push(h.proxy.take_counts());
    }
    figure.checks.push((
        format!(
            "the first screen showed the cached fleet (`{expected}`, `cached`, `svc000`) in {shown} of {} runs",
            h.sizes.frame_runs
        ),
        shown == h.sizes.frame_runs,
    ));
    let _ = std::fs::remove_dir_all(&scratch);
    figure
}

async fn wait_for_line(log: &Path, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains(needle)) {
            return line.to_owned();
        }
        assert!(
            Instant::now() < deadline,
            "`{needle}` never logged in {}",
            log.display()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn elapsed_ms(line: &str) -> f64 {
    line.split("elapsed_ms=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("elapsed_ms in the log line")
}
