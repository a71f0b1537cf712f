//! The `--insights` read path, with `aws-smithy-mocks` standing in for Logs Insights: the
//! emulator understands only `fields`, `sort` and `limit`, never `filter` or `stats`.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_cloudwatchlogs::operation::start_query::StartQueryOutput;
use aws_sdk_cloudwatchlogs::types::{QueryStatistics, QueryStatus, ResultField};
use aws_smithy_mocks::mock;
use mfn_tui::analysis::latency::Window;
use mfn_tui::fleet::aws::AwsFleet;
use mfn_tui::fleet::inventory::service_key;
use mfn_tui::fleet::reports::insights_latency;
use mfn_tui::fleet::{Function, Target};
use support::mocks::clients;

const REGION: &str = "eu-west-1";

/// The log groups and text of a query as StartQuery received them.
type SentQuery = (Vec<String>, String);

fn function(name: &str) -> Function {
    let mut f = Function::new(
        name,
        &format!("arn:aws:lambda:{REGION}:1:function:{name}"),
        REGION,
    );
    f.placement.service = "users".into();
    f
}

fn fields(pairs: &[(&str, &str)]) -> Vec<ResultField> {
    pairs
        .iter()
        .map(|(k, v)| ResultField::builder().field(*k).value(*v).build())
        .collect()
}

/// Answers by query: warm or cold, over one group or both.
fn answer(id: &str) -> Vec<ResultField> {
    let both = id.contains("register") && id.contains("login");
    match (id.starts_with("warm"), both) {
        (true, false) => fields(&[
            ("n", "9"),
            ("p50", "50"),
            ("p90", "90"),
            ("p99", "90"),
            ("max", "91"),
            ("billed", "450"),
            ("used_mb", "120"),
            ("size_mb", "256"),
        ]),
        (false, false) => fields(&[
            ("n", "1"),
            ("p50", "350"),
            ("p99", "350"),
            ("init_p50", "250"),
            ("init_p99", "250"),
            ("billed", "350"),
            ("cold_billed", "250"),
            ("used_mb", "180"),
            ("size_mb", "256"),
        ]),
        (true, true) => fields(&[
            ("n", "18"),
            ("p50", "52"),
            ("p90", "88"),
            ("p99", "95"),
            ("max", "99"),
            ("billed", "900"),
            ("size_mb", "256"),
        ]),
        (false, true) => fields(&[
            ("n", "2"),
            ("p50", "340"),
            ("p99", "360"),
            ("init_p50", "240"),
            ("init_p99", "260"),
            ("billed", "700"),
            ("size_mb", "256"),
        ]),
    }
}

#[tokio::test]
async fn insights_figures_come_per_function_and_per_service_after_polling() {
    let queries: Arc<Mutex<Vec<SentQuery>>> = Arc::default();
    let polls: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let seen = queries.clone();
    let start =
        mock!(aws_sdk_cloudwatchlogs::Client::start_query).then_compute_output(move |req| {
            let groups = req.log_group_names().to_vec();
            let query = req.query_string().unwrap_or_default().to_owned();
            seen.lock().unwrap().push((groups.clone(), query.clone()));
            let kind = if query.contains("not ispresent(@initDuration)") {
                "warm"
            } else {
                "cold"
            };
            StartQueryOutput::builder()
                .query_id(format!("{kind}:{}", groups.join(",")))
                .build()
        });
    let counted = polls.clone();
    let results =
        mock!(aws_sdk_cloudwatchlogs::Client::get_query_results).then_compute_output(move |req| {
            let id = req.query_id().unwrap_or_default().to_owned();
            let mut polls = counted.lock().unwrap();
            let n = polls.entry(id.clone()).or_default();
            *n += 1;
            if *n == 1 {
                return GetQueryResultsOutput::builder()
                    .status(QueryStatus::Running)
                    .build();
            }
            GetQueryResultsOutput::builder()
                .status(QueryStatus::Complete)
                .results(answer(&id))
                .statistics(QueryStatistics::builder().bytes_scanned(1000.0).build())
                .build()
        });
    let clients = clients(&[], &[&start, &results]);
    let fleet = AwsFleet::with_clients(vec![(Target::new(None, REGION), clients)], 4);
    let (login, register) = (function("users-dev-login"), function("users-dev-register"));
    let window = Window {
        start_ms: 1_795_860_000_000,
        end_ms: 1_795_863_600_000,
    };

    let read = insights_latency(&fleet, &[login.clone(), register.clone()], window).await;

    assert!(read.failures.is_empty(), "{:?}", read.failures);
    let f = read.by_function[&login.arn];
    assert_eq!((f.invocations, f.cold_starts), (10, 1));
    assert_eq!(f.warm.unwrap().p90_ms, 90.0);
    assert_eq!((f.cold_p99_ms, f.init_p99_ms), (Some(350.0), Some(250.0)));
    assert_eq!((f.max_memory_used_mb, f.memory_mb), (180, 256));
    let s = read.by_service[&service_key(&login)];
    assert_eq!((s.invocations, s.cold_starts), (20, 2));
    assert_eq!(
        s.warm.unwrap().p99_ms,
        95.0,
        "the service's own query, not a merge"
    );
    // 2 functions and 1 service, a warm and a cold query each, every answer after one poll.
    assert_eq!(read.bytes_scanned, 6.0 * 1000.0);
    let queries = queries.lock().unwrap();
    assert_eq!(queries.len(), 6);
    assert!(
        queries.iter().any(|(g, _)| g.len() == 2),
        "the service query spans both groups"
    );
    assert!(
        queries
            .iter()
            .all(|(_, q)| q.contains("filter @type = \"REPORT\""))
    );
    assert!(
        polls.lock().unwrap().values().all(|&n| n == 2),
        "polled until complete"
    );
}
