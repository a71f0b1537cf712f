//! Reading a big fleet's REPORT figures through Logs Insights, with `aws-smithy-mocks` standing
//! in for it: the emulator understands only `fields`, `sort` and `limit` of the query language,
//! never `filter`, `parse` or `stats … by`, and evaluates no percentile.

mod support;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use aws_sdk_cloudwatchlogs::operation::describe_log_groups::DescribeLogGroupsOutput;
use aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_cloudwatchlogs::operation::start_query::StartQueryOutput;
use aws_sdk_cloudwatchlogs::operation::stop_query::StopQueryOutput;
use aws_sdk_cloudwatchlogs::types::{LogGroup, QueryStatistics, QueryStatus, ResultField};
use aws_smithy_mocks::{Rule, mock};
use mfn_tui::analysis::latency::Window;
use mfn_tui::fleet::aws::AwsFleet;
use mfn_tui::fleet::insights_read::insights_latency;
use mfn_tui::fleet::inventory::service_key;
use mfn_tui::fleet::{Fleet, Function, Target};
use support::mocks::clients;

const REGION: &str = "eu-west-1";
const ACCOUNT: &str = "123456789012";
const WINDOW: Window = Window {
    start_ms: 1_795_860_000_000,
    end_ms: 1_795_863_600_000,
};

fn function(name: &str) -> Function {
    let mut f = Function::new(
        name,
        &format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"),
        REGION,
    );
    f.placement.service = "orders".into();
    f
}

fn fields(pairs: &[(&str, String)]) -> Vec<ResultField> {
    pairs
        .iter()
        .map(|(k, v)| ResultField::builder().field(*k).value(v).build())
        .collect()
}

/// Every log group of `names` exists but the ones in `never_invoked`.
fn log_groups(names: Vec<String>) -> Rule {
    mock!(aws_sdk_cloudwatchlogs::Client::describe_log_groups).then_output(move || {
        let mut out = DescribeLogGroupsOutput::builder();
        for n in &names {
            out = out.log_groups(
                LogGroup::builder()
                    .log_group_name(n)
                    .stored_bytes(1_000_000)
                    .creation_time(WINDOW.start_ms - 86_400_000)
                    .build(),
            );
        }
        out.build()
    })
}

/// The groups and text of each query StartQuery received.
type Sent = Arc<Mutex<Vec<(Vec<String>, String)>>>;

/// Answers each query with a row per group of its batch: warm, 9 invocations of the
/// function with p99 90; cold, 1 with p99 350 — and, for the shared group `/shared/orders`,
/// a row per function its streams name.
fn insights(sent: Sent) -> (Rule, Rule) {
    let start =
        mock!(aws_sdk_cloudwatchlogs::Client::start_query).then_compute_output(move |req| {
            let groups = req.log_group_names().to_vec();
            let query = req.query_string().unwrap_or_default().to_owned();
            let kind = if query.contains("filter not ispresent(init)") {
                "warm"
            } else {
                "cold"
            };
            sent.lock().unwrap().push((groups.clone(), query));
            StartQueryOutput::builder()
                .query_id(format!("{kind}|{}", groups.join(",")))
                .build()
        });
    let results =
        mock!(aws_sdk_cloudwatchlogs::Client::get_query_results).then_compute_output(|req| {
            let id = req.query_id().unwrap_or_default();
            let (kind, groups) = id.split_once('|').unwrap();
            let mut out = GetQueryResultsOutput::builder()
                .status(QueryStatus::Complete)
                .statistics(QueryStatistics::builder().bytes_scanned(1000.0).build());
            for group in groups.split(',') {
                let subjects: Vec<String> = if group == "/shared/orders" {
                    vec!["orders-dev-a".into(), "orders-dev-b".into()]
                } else {
                    vec![String::new()]
                };
                for fn_name in subjects {
                    let log = format!("{ACCOUNT}:{group}");
                    let row = if kind == "warm" {
                        fields(&[
                            ("@log", log),
                            ("fn", fn_name),
                            ("n", "9".into()),
                            ("p50", "50".into()),
                            ("p90", "80".into()),
                            ("p99", "90".into()),
                            ("max", "91".into()),
                            ("billed", "450".into()),
                            ("size_mb", "256".into()),
                        ])
                    } else {
                        fields(&[
                            ("@log", log),
                            ("fn", fn_name),
                            ("n", "1".into()),
                            ("p50", "350".into()),
                            ("p99", "350".into()),
                            ("init_p50", "250".into()),
                            ("init_p99", "250".into()),
                            ("billed", "350".into()),
                            ("size_mb", "256".into()),
                        ])
                    };
                    out = out.results(row);
                }
            }
            out.build()
        });
    (start, results)
}

#[tokio::test]
async fn a_big_fleet_is_read_in_queries_of_fifty_groups_that_exist_each_row_back_to_its_function() {
    let mut functions: Vec<Function> = (0..120)
        .map(|i| function(&format!("orders-dev-fn{i:03}")))
        .collect();
    // Two functions share a custom group; their streams name them.
    for name in ["orders-dev-a", "orders-dev-b"] {
        let mut f = function(name);
        f.log_group = "/shared/orders".into();
        functions.push(f);
    }
    // Twelve functions (…7) were never invoked: they have no log group at all.
    let existing: Vec<String> = functions
        .iter()
        .map(|f| f.log_group.clone())
        .filter(|g| !g.ends_with('7'))
        .collect();
    let sent: Sent = Arc::default();
    let (start, results) = insights(sent.clone());
    let groups = log_groups(existing);
    let fleet: Arc<dyn Fleet> = Arc::new(AwsFleet::with_clients(
        vec![(
            Target::new(None, REGION),
            clients(&[], &[&groups, &start, &results]),
        )],
        4,
    ));

    let read = insights_latency(fleet, &functions, WINDOW).await;

    assert!(read.failures.is_empty(), "{:?}", read.failures);
    let sent = sent.lock().unwrap();
    // 109 groups that exist: three batches (50, 50, 9), a warm and a cold query each.
    assert_eq!(sent.len(), 6, "{}", sent.len());
    assert_eq!(read.queries, 6);
    assert!(sent.iter().all(|(g, _)| g.len() <= 50));
    let queried: BTreeSet<&String> = sent.iter().flat_map(|(g, _)| g).collect();
    assert_eq!(queried.len(), 109);
    assert!(
        !queried.iter().any(|g| g.ends_with('7')),
        "a group that does not exist is never named"
    );
    assert!(
        sent.iter()
            .all(|(_, q)| q.contains("record.metrics.durationMs") && q.contains("by @log, fn")),
        "both REPORT forms, one row per group and function"
    );
    // Every function with a group has its own figures, those of a shared group included.
    assert_eq!(read.by_function.len(), 110);
    let f = read.by_function[&functions[0].arn];
    assert_eq!((f.invocations, f.cold_starts), (10, 1));
    assert_eq!(f.warm.unwrap().p99_ms, 90.0);
    assert_eq!(f.cold_p99_ms, Some(350.0));
    let shared = read.by_function[&functions[121].arn];
    assert_eq!(shared.invocations, 10, "orders-dev-b's own row");
    let service = read.by_service[&service_key(&functions[0])];
    assert_eq!(service.invocations, 1100);
    assert_eq!(
        service.warm, None,
        "a whole's percentiles are not made of its parts'"
    );
    assert_eq!(read.bytes_scanned, 6.0 * 1000.0);
}

#[tokio::test]
async fn a_query_nobody_waits_for_any_more_is_stopped() {
    let f = function("orders-dev-slow");
    let groups = log_groups(vec![f.log_group.clone()]);
    let start = mock!(aws_sdk_cloudwatchlogs::Client::start_query)
        .then_output(|| StartQueryOutput::builder().query_id("q-1").build());
    let polls = Arc::new(Mutex::new(0));
    let counted = polls.clone();
    let results = mock!(aws_sdk_cloudwatchlogs::Client::get_query_results)
        .match_requests(move |_| {
            *counted.lock().unwrap() += 1;
            true
        })
        .then_output(|| {
            GetQueryResultsOutput::builder()
                .status(QueryStatus::Running)
                .build()
        });
    let stopped = Arc::new(Mutex::new(Vec::new()));
    let seen = stopped.clone();
    let stop = mock!(aws_sdk_cloudwatchlogs::Client::stop_query)
        .match_requests(move |req| {
            seen.lock()
                .unwrap()
                .push(req.query_id().unwrap_or_default().to_owned());
            true
        })
        .then_output(|| StopQueryOutput::builder().success(true).build());
    let fleet: Arc<dyn Fleet> = Arc::new(AwsFleet::with_clients(
        vec![(
            Target::new(None, REGION),
            clients(&[], &[&groups, &start, &results, &stop]),
        )],
        4,
    ));
    let reading = tokio::spawn(async move { insights_latency(fleet, &[f], WINDOW).await });
    while *polls.lock().unwrap() < 2 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // The reader gives up (the dashboard's window changed, say).
    reading.abort();
    let _ = reading.await;
    for _ in 0..100 {
        if stopped.lock().unwrap().len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        *stopped.lock().unwrap(),
        vec!["q-1".to_string(), "q-1".to_string()],
        "the warm and the cold query, both running, both stopped"
    );
}
