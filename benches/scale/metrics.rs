//! Metrics figures (invocations, errors, throttles, average and maximum duration…) for every
//! function and alias, as the dashboard and `stats --source metrics` read them
//! (`read_metrics`: a call per 500 queries, each account-region under its `GetMetricData`
//! budget), against the floor of the same `GetMetricData` calls made one after another with the
//! raw SDK, through the same proxy, in the same run.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use mfn_tui::analysis::latency::Window;
use mfn_tui::analysis::metrics::{ASKED, period_s};
use mfn_tui::fleet::metrics::read_metrics;
use mfn_tui::fleet::{Fleet, Function, Target};

use crate::harness::{Harness, REGIONS};
use crate::report::{Figure, Goal};
use crate::support::seed::now_ms;

/// Queries one `GetMetricData` call takes (the API's limit, and the project's batch).
const QUERIES_PER_CALL: usize = 500;

pub async fn figure(h: &Harness, functions: &[Function]) -> Figure {
    let aliases: usize = functions.iter().map(|f| f.aliases.len()).sum();
    let mut figure = Figure {
        name: "metrics figures (dashboard, stats)",
        what: format!(
            "read_metrics over the last hour: {} queries ({} per function and alias) for {} functions and {aliases} aliases",
            (functions.len() + aliases) * ASKED.len(),
            ASKED.len(),
            functions.len()
        ),
        measured_s: Vec::new(),
        floor_s: Vec::new(),
        floor_what: "the same GetMetricData calls (500 queries each, percentiles apart) one after another, raw SDK, same proxy, same run".into(),
        goal: Goal::Ratio(1.3),
        runs: Vec::new(),
        floor_runs: Vec::new(),
        client_failures: 0,
        checks: Vec::new(),
    };
    let mut clients = BTreeMap::new();
    for region in REGIONS {
        clients.insert(
            region.to_owned(),
            aws_sdk_cloudwatch::Client::new(&h.sdk_config(region).await),
        );
    }
    let mut last = None;
    for _ in 0..h.sizes.runs {
        let window = Window::ending_at(now_ms(), 3_600_000);
        h.settle().await;
        let started = Instant::now();
        let calls = floor(&clients, functions, window).await;
        figure.floor_s.push(started.elapsed().as_secs_f64());
        figure.floor_runs.push(h.proxy.take_counts());
        figure
            .checks
            .push((format!("the floor made {calls} calls"), calls > 0));

        h.settle().await;
        let fleet: Arc<dyn Fleet> = Arc::new(h.fleet().await);
        let started = Instant::now();
        let metrics = read_metrics(fleet, functions, window).await;
        figure.measured_s.push(started.elapsed().as_secs_f64());
        figure.runs.push(h.proxy.take_counts());
        figure.client_failures += metrics.failures.len();
        last = Some(metrics);
    }
    let metrics = last.expect("at least one run");
    figure.checks.push((
        format!(
            "figures for {} functions and {} aliases (expected {} and {aliases})",
            metrics.by_function.len(),
            metrics.by_alias.len(),
            functions.len()
        ),
        metrics.by_function.len() == functions.len() && metrics.by_alias.len() == aliases,
    ));
    let seeded_right = functions.iter().filter(|f| !f.aliases.is_empty()).all(|f| {
        let m = &metrics.by_function[&f.arn];
        m.invocations == Some(10.0)
            && m.errors == Some(1.0)
            && m.throttles == Some(0.0)
            && m.duration_avg_ms.is_some_and(|a| (a - 123.4).abs() < 1e-9)
            && m.duration_max_ms == Some(300.0)
    });
    figure.checks.push((
        "the seeded datapoints read back (10 invocations, 1 error, 0 throttles, 123.4 ms average, 300 ms max)".into(),
        seeded_right,
    ));
    figure
}

/// The calls `read_metrics` makes, built the same way (per target, every function's and
/// alias's queries, plain statistics then percentiles, 500 a call), made one after another;
/// how many.
async fn floor(
    clients: &BTreeMap<String, aws_sdk_cloudwatch::Client>,
    functions: &[Function],
    window: Window,
) -> usize {
    let period = period_s(window.end_ms - window.start_ms, now_ms() - window.start_ms);
    let mut by_target: BTreeMap<Target, Vec<&Function>> = BTreeMap::new();
    for f in functions {
        by_target.entry(f.target.clone()).or_default().push(f);
    }
    let mut calls = 0;
    for (target, members) in by_target {
        let mut queries = Vec::new();
        for f in members {
            let resources = std::iter::once(None).chain(
                f.aliases
                    .iter()
                    .map(|a| Some(format!("{}:{}", f.name, a.name))),
            );
            for resource in resources {
                for (metric, stat) in ASKED {
                    queries.push((f.name.clone(), resource.clone(), metric.name(), stat));
                }
            }
        }
        let (percentiles, plain): (Vec<usize>, Vec<usize>) =
            (0..queries.len()).partition(|&i| queries[i].3.is_percentile());
        let cloudwatch = &clients[&target.region];
        for batch in plain
            .chunks(QUERIES_PER_CALL)
            .chain(percentiles.chunks(QUERIES_PER_CALL))
        {
            let data = batch.iter().map(|&i| {
                let (function, resource, metric, stat) = &queries[i];
                let mut m = Metric::builder()
                    .namespace("AWS/Lambda")
                    .metric_name(*metric)
                    .dimensions(
                        Dimension::builder()
                            .name("FunctionName")
                            .value(function)
                            .build(),
                    );
                if let Some(r) = resource {
                    m = m.dimensions(Dimension::builder().name("Resource").value(r).build());
                }
                MetricDataQuery::builder()
                    .id(format!("q{i}"))
                    .metric_stat(
                        MetricStat::builder()
                            .metric(m.build())
                            .period(period)
                            .stat(stat.name())
                            .build(),
                    )
                    .return_data(true)
                    .build()
            });
            cloudwatch
                .get_metric_data()
                .set_metric_data_queries(Some(data.collect()))
                .start_time(DateTime::from_millis(window.start_ms))
                .end_time(DateTime::from_millis(window.end_ms))
                .scan_by(ScanBy::TimestampAscending)
                .send()
                .await
                .expect("GetMetricData");
            calls += 1;
        }
    }
    calls
}
