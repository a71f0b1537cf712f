//! The whole function list with services, as the dashboard gets it: the project's discovery at
//! the dashboard's depth (`Depth::Background`), timed until every target is finished (the
//! dashboard's "discovery finished"; the versions and aliases it reads afterwards in the
//! background are stopped there), against the floor of one sequential `ListFunctions` page walk
//! per region with the raw SDK, the regions side by side, through the same proxy.

use std::sync::Arc;
use std::time::Instant;

use mfn_tui::config::Config;
use mfn_tui::fleet::{Depth, Fleet, Inventory};

use crate::harness::{Harness, REGIONS};
use crate::report::{Figure, Goal};

pub async fn figure(h: &Harness) -> (Figure, Inventory) {
    let mut figure = Figure {
        name: "function list with services (dashboard)",
        what: format!(
            "discovery at the dashboard's depth until every target is finished: {} functions over {} regions, grouped into services",
            h.sizes.total(),
            REGIONS.len()
        ),
        measured_s: Vec::new(),
        floor_s: Vec::new(),
        floor_what: "one sequential ListFunctions page walk per region (raw SDK, pages of 50), regions side by side, same proxy, same run".into(),
        goal: Goal::Ratio(1.2),
        runs: Vec::new(),
        floor_runs: Vec::new(),
        client_failures: 0,
        checks: Vec::new(),
    };
    let mut last = None;
    for _ in 0..h.sizes.runs {
        h.settle().await;
        let (pages, floor) = page_walk(h).await;
        figure.floor_s.push(floor);
        figure.floor_runs.push(h.proxy.take_counts());
        let expected_pages = h.sizes.per_region().div_ceil(50) * REGIONS.len();
        figure.checks.push((
            format!("the floor walked {pages} pages (expected {expected_pages})"),
            pages == expected_pages,
        ));

        h.settle().await;
        let fleet: Arc<dyn Fleet> = Arc::new(h.fleet().await);
        let started = Instant::now();
        let inventory = until_finished(fleet).await;
        figure.measured_s.push(started.elapsed().as_secs_f64());
        figure.runs.push(h.proxy.take_counts());
        figure.client_failures += inventory.real_failures().count();
        last = Some(inventory);
    }
    let inventory = last.expect("at least one run");
    let services = inventory.services();
    let grouped = inventory.functions().all(|f| {
        f.placement.service.starts_with("svc") && f.placement.stage.as_deref() == Some("prod")
    });
    figure.checks.push((
        format!(
            "{} functions found, {} services (expected {} and {})",
            inventory.function_count(),
            services.len(),
            h.sizes.total(),
            h.sizes.services * REGIONS.len()
        ),
        inventory.function_count() == h.sizes.total()
            && services.len() == h.sizes.services * REGIONS.len(),
    ));
    figure.checks.push((
        "every function grouped into its stack's service and stage".into(),
        grouped,
    ));
    (figure, inventory)
}

/// The project's discovery as the dashboard runs it, into an inventory, until every target is
/// finished; what it would go on to read in the background is stopped.
pub async fn until_finished(fleet: Arc<dyn Fleet>) -> Inventory {
    let targets = fleet.context().targets;
    let mut inventory = Inventory::new(Config::defaults().grouping);
    inventory.expect(&targets);
    let (sink, mut findings) = tokio::sync::mpsc::unbounded_channel();
    let discovery =
        tokio::spawn(async move { fleet.discover(targets, Depth::Background, sink).await });
    while inventory.pending_targets() > 0 {
        let Some(event) = findings.recv().await else {
            break;
        };
        inventory.apply(event);
    }
    discovery.abort();
    inventory
}

/// The floor: each region's pages one after another with the raw SDK, the regions side by
/// side; the pages walked and the seconds it took.
async fn page_walk(h: &Harness) -> (usize, f64) {
    let mut clients = Vec::new();
    for region in REGIONS {
        clients.push(aws_sdk_lambda::Client::new(&h.sdk_config(region).await));
    }
    let started = Instant::now();
    let walks: Vec<_> = clients
        .into_iter()
        .map(|lambda| {
            tokio::spawn(async move {
                let mut pages = lambda.list_functions().into_paginator().send();
                let mut n = 0;
                while let Some(page) = pages.next().await {
                    page.expect("a ListFunctions page");
                    n += 1;
                }
                n
            })
        })
        .collect();
    let mut pages = 0;
    for walk in walks {
        pages += walk.await.expect("a page walk");
    }
    (pages, started.elapsed().as_secs_f64())
}
