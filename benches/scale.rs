//! Issue 11's scale figures: 2,000 functions over two regions behind a quota-faithful proxy
//! (AWS's quotas and throttling errors, 50-function `ListFunctions` pages, 50 ms a call), the
//! client's budget at its defaults. Each figure runs the project's own code path against a
//! floor measured (or computed) in the same run, and the proxy counts every call:
//!
//! - `list`: the whole function list with services, as the dashboard gets it (≤ 1.2× the page
//!   walk);
//! - `metrics`: metrics figures for every function (≤ 1.3× the same GetMetricData calls one
//!   after another);
//! - `ls`: a complete `ls --json`, every alias (≤ 1.5× one ListAliases per function at 15/s);
//! - `frame`: the dashboard's first full frame from the inventory cache (≤ 100 ms);
//!
//! and in every run at most 1% of the calls throttled and none failed. Prints a table and
//! writes `$CARGO_TARGET_DIR/bench-scale.json`.
//!
//! `cargo bench --bench scale` (env: MFN_BENCH_SERVICES 40 and MFN_BENCH_FUNCTIONS 25 per
//! region, MFN_BENCH_LATENCY_MS 50, MFN_BENCH_RUNS 3, MFN_BENCH_FRAME_RUNS 15,
//! MFN_BENCH_FIGURES list,metrics,ls,frame; MFN_BENCH_CONFIG=FILE merged over the default
//! configuration; MFN_BENCH_LOG=FILTER logs the code under measure on stderr). It takes minutes: `ls` alone is over a minute a
//! run.

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "scale/frame.rs"]
mod frame;
#[path = "scale/harness.rs"]
mod harness;
#[path = "scale/listing.rs"]
mod listing;
#[path = "scale/ls.rs"]
mod ls;
#[path = "scale/metrics.rs"]
mod metrics;
#[path = "scale/report.rs"]
mod report;
#[path = "scale/seed.rs"]
mod seed;

use std::sync::Arc;

use harness::{Harness, REGIONS, Sizes};
use mfn_tui::fleet::{Fleet, Function};

fn main() {
    // MFN_BENCH_LOG=FILTER (e.g. `mfn_tui=debug`): the code under measure's logs on stderr.
    if let Ok(filter) = std::env::var("MFN_BENCH_LOG") {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .init();
    }
    for (name, value) in harness::credentials_env() {
        // SAFETY: no other thread runs yet (the runtime is built below).
        unsafe { std::env::set_var(name, value) };
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(run(Sizes::from_env()));
}

async fn run(sizes: Sizes) {
    println!(
        "scale bench: {} functions ({} services × {} functions × {} regions), {} ms a call, {} runs, figures {}",
        sizes.total(),
        sizes.services,
        sizes.per_service,
        REGIONS.len(),
        sizes.latency.as_millis(),
        sizes.runs,
        sizes.figures.join(",")
    );
    let h = Harness::start(sizes).await;
    let mut figures = Vec::new();

    let mut known = None;
    if h.sizes.wants("list") {
        let (figure, inventory) = listing::figure(&h).await;
        figures.push(figure);
        known = Some(inventory);
    }
    let mut known = match known {
        Some(k) => k,
        None => {
            h.settle().await;
            let fleet: Arc<dyn Fleet> = Arc::new(h.fleet().await);
            listing::until_finished(fleet).await
        }
    };
    h.seeded.add_aliases(&mut known);
    if h.sizes.wants("metrics") {
        let functions: Vec<Function> = known.functions().cloned().collect();
        figures.push(metrics::figure(&h, &functions).await);
    }
    if h.sizes.wants("ls") {
        figures.push(ls::figure(&h).await);
    }
    if h.sizes.wants("frame") {
        figures.push(frame::figure(&h, &known).await);
    }

    report::print(&figures);
    let setup = serde_json::json!({
        "functions": h.sizes.total(),
        "services_per_region": h.sizes.services,
        "functions_per_service": h.sizes.per_service,
        "regions": REGIONS,
        "aliases": h.seeded.aliased.len(),
        "latency_ms": h.sizes.latency.as_millis() as u64,
        "runs": h.sizes.runs,
        "frame_runs": h.sizes.frame_runs,
        "quota": "AWS's published quotas at the proxy; the client's [quota] budget at its defaults unless config says otherwise",
        "config": h.sizes.config.as_ref().map(|c| std::fs::read_to_string(c).unwrap_or_default()),
    });
    let path = report::write_json(&figures, setup);
    println!("\nwritten to {}", path.display());
}
