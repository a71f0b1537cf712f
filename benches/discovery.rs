//! Discovery cost against the emulator, with a fixed latency injected per call by a loopback
//! proxy. Seeds SERVICES × FUNCTIONS per region into two regions (default 40 × 25 × 2 = 2,000
//! functions in 80 services), then times, side by side in one run:
//!
//! - the sequential `ListFunctions` page walk (the part no client can avoid);
//! - the emulator's floor: the per-function calls divided by the emulator's own throughput at
//!   concurrency 32 (moto is one Python process, so this bounds any client here);
//! - a straightforward sequential client making the same calls one at a time;
//! - mfn-tui's discovery (`AwsFleet`, the same code the TUI and `ls` run).
//!
//! `cargo bench --bench discovery` (env: MFN_BENCH_SERVICES, MFN_BENCH_FUNCTIONS,
//! MFN_BENCH_LATENCY_MS, MFN_BENCH_SEQUENTIAL=0 to skip the slow sequential client).

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use mfn_tui::fleet::aws::{AwsFleet, Clients};
use mfn_tui::fleet::grouping::GroupingRules;
use mfn_tui::fleet::{Depth, Inventory, Target, discover_to_end};
use support::aws_proxy::{AwsProxy, ProxyOptions, Quotas};
use support::emulator::Emulator;
use support::seed::{Seeder, seed_many};
use support::sequential::sequential_client;
use tokio::sync::Semaphore;

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let services = env("MFN_BENCH_SERVICES", 40);
    let per_service = env("MFN_BENCH_FUNCTIONS", 25);
    let latency = Duration::from_millis(env("MFN_BENCH_LATENCY_MS", 50) as u64);
    let functions = services * per_service * REGIONS.len();

    let emulator = Emulator::start();
    let role = emulator.create_lambda_role();
    let seeding = Instant::now();
    for region in REGIONS {
        seed_many(
            &Seeder::new(&emulator, region, &role).await,
            services,
            per_service,
            16,
        )
        .await;
    }
    println!(
        "seeded {functions} functions in {} services over {} regions in {:.1} s",
        services * REGIONS.len(),
        REGIONS.len(),
        seeding.elapsed().as_secs_f64()
    );

    let direct = clients(&emulator.endpoint).await;
    let throughput = emulator_throughput(&direct[0].1, 400, 32).await;
    println!("emulator throughput at concurrency 32, no added latency: {throughput:.0} calls/s");

    // Latency only: this benchmark measures discovery where the quotas do not bind.
    let options = ProxyOptions::new()
        .latency(latency)
        .quotas(Quotas::unlimited());
    let proxy = AwsProxy::start(&emulator.endpoint, options).await;
    let via_proxy = clients(&proxy.endpoint).await;
    println!("latency added per call: {} ms\n", latency.as_millis());

    // 1. The page walk, each region's pages in sequence, the regions side by side.
    let start = Instant::now();
    let walks = via_proxy.iter().map(|(_, c)| page_walk(c.lambda.clone()));
    let pages: usize = futures_join(walks).await.into_iter().sum();
    let walk = start.elapsed();

    // 2. mfn-tui.
    let mut runs = Vec::new();
    let mut calls = 0;
    let mut found = 0;
    for _ in 0..3 {
        proxy.reset_counts();
        let fleet = AwsFleet::with_clients(via_proxy.clone(), 32);
        let mut inventory = Inventory::new(GroupingRules::default());
        let start = Instant::now();
        discover_to_end(&fleet, Depth::Complete, &mut inventory).await;
        runs.push(start.elapsed());
        let counts = proxy.take_counts();
        println!("mfn-tui run through the proxy: {}", counts.summary());
        calls = counts.total().seen as usize;
        found = inventory.function_count();
        assert!(
            inventory.failures().is_empty(),
            "{:?}",
            inventory.failures()
        );
        assert_eq!(found, functions);
        assert!(
            inventory
                .functions()
                .all(|f| f.placement.service.starts_with("svc"))
        );
    }
    runs.sort();
    let ours = runs[runs.len() / 2];
    let per_function_calls = calls.saturating_sub(pages);
    let floor = walk.max(Duration::from_secs_f64(
        per_function_calls as f64 / throughput,
    ));

    // 3. The sequential client.
    let sequential = if env("MFN_BENCH_SEQUENTIAL", 1) == 1 {
        let start = Instant::now();
        let mut n = 0;
        for (_, c) in &via_proxy {
            n += sequential_client(c).await;
        }
        assert_eq!(n, functions);
        Some(start.elapsed())
    } else {
        None
    };

    println!("| what | time | calls |");
    println!("|---|---:|---:|");
    println!(
        "| sequential ListFunctions page walk ({pages} pages) | {:.2} s | {pages} |",
        walk.as_secs_f64()
    );
    println!(
        "| emulator floor: max(page walk, {per_function_calls} calls ÷ {throughput:.0}/s) | {:.2} s | |",
        floor.as_secs_f64()
    );
    if let Some(s) = sequential {
        println!(
            "| straightforward sequential client | {:.2} s | {calls} |",
            s.as_secs_f64()
        );
    }
    println!(
        "| mfn-tui discovery, concurrency 32 (median of 3: {}) | {:.2} s | {calls} |",
        runs.iter()
            .map(|r| format!("{:.2}", r.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", "),
        ours.as_secs_f64()
    );
    println!(
        "\n{found} functions: mfn-tui took {:.2}× the page walk, {:.2}× the emulator floor{}",
        ours.as_secs_f64() / walk.as_secs_f64(),
        ours.as_secs_f64() / floor.as_secs_f64(),
        sequential
            .map(|s| format!(
                ", {:.1}× faster than the sequential client",
                s.as_secs_f64() / ours.as_secs_f64()
            ))
            .unwrap_or_default()
    );
}

async fn clients(endpoint: &str) -> Vec<(Target, Clients)> {
    let mut out = Vec::new();
    for region in REGIONS {
        let config = support::emulator::sdk_config(endpoint, region).await;
        out.push((Target::new(None, region), Clients::from_sdk_config(&config)));
    }
    out
}

async fn futures_join<F: std::future::Future<Output = usize> + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<usize> {
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

async fn page_walk(lambda: aws_sdk_lambda::Client) -> usize {
    let mut pages = lambda
        .list_functions()
        .max_items(50)
        .into_paginator()
        .send();
    let mut n = 0;
    while let Some(page) = pages.next().await {
        page.expect("ListFunctions");
        n += 1;
    }
    n
}

/// Calls per second the emulator serves at `concurrency`, measured with ListAliases.
async fn emulator_throughput(clients: &Clients, calls: usize, concurrency: usize) -> f64 {
    let name = clients
        .lambda
        .list_functions()
        .send()
        .await
        .expect("list")
        .functions()[0]
        .function_name()
        .unwrap()
        .to_owned();
    let permits = Arc::new(Semaphore::new(concurrency));
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let (lambda, permits, name) = (clients.lambda.clone(), permits.clone(), name.clone());
        tasks.spawn(async move {
            let _p = permits.acquire_owned().await.unwrap();
            lambda
                .list_aliases()
                .function_name(name)
                .send()
                .await
                .expect("ListAliases");
        });
    }
    while tasks.join_next().await.is_some() {}
    calls as f64 / start.elapsed().as_secs_f64()
}
