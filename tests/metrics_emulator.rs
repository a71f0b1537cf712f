//! Fleet figures from CloudWatch's `AWS/Lambda` metrics against the emulator, through the
//! loopback test proxy that translates the SDK's CBOR for moto: `stats --source metrics`
//! gives per function and per service the invocations, errors (handled ones too), throttles
//! (invocations that never ran, so no REPORT line shows them), duration and concurrency, from a
//! handful of `GetMetricData` calls; a refused percentile loses no other figure.

mod support;

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StatisticSet};
use serde_json::Value;
use support::aws_proxy::{ApiClass, AwsProxy, ProxyOptions};
use support::cli::{entry, mfn_against};
use support::emulator::Emulator;
use support::seed::{FunctionSpec, Seeder};

const REGION: &str = "us-east-1";

/// Puts `metric` of `function` as one statistic set ten minutes ago.
async fn put(
    cw: &aws_sdk_cloudwatch::Client,
    function: &str,
    metric: &str,
    set: (f64, f64, f64, f64),
) {
    let (count, sum, min, max) = set;
    cw.put_metric_data()
        .namespace("AWS/Lambda")
        .metric_data(
            MetricDatum::builder()
                .metric_name(metric)
                .dimensions(
                    Dimension::builder()
                        .name("FunctionName")
                        .value(function)
                        .build(),
                )
                .timestamp(DateTime::from_millis(support::seed::now_ms() - 600_000))
                .statistic_values(
                    StatisticSet::builder()
                        .sample_count(count)
                        .sum(sum)
                        .minimum(min)
                        .maximum(max)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("put metric data");
}

#[tokio::test(flavor = "multi_thread")]
async fn stats_reads_errors_throttles_and_duration_of_every_function_from_metrics() {
    let emulator = Emulator::start();
    let role = emulator.create_lambda_role();
    let seeder = Seeder::new(&emulator, REGION, &role).await;
    for name in ["orders-dev-create", "orders-dev-list"] {
        seeder
            .function(&FunctionSpec::new(name).tag("aws:cloudformation:stack-name", "orders-dev"))
            .await;
    }
    let proxy = AwsProxy::start(&emulator.endpoint, ProxyOptions::new()).await;
    let cw = aws_sdk_cloudwatch::Client::new(&proxy.sdk_config(REGION).await);
    // create: 200 invocations, 10 of them errors, 4 throttled, 25 ms on average, 90 at most.
    put(
        &cw,
        "orders-dev-create",
        "Invocations",
        (200.0, 200.0, 1.0, 1.0),
    )
    .await;
    put(&cw, "orders-dev-create", "Errors", (200.0, 10.0, 0.0, 1.0)).await;
    put(&cw, "orders-dev-create", "Throttles", (4.0, 4.0, 1.0, 1.0)).await;
    put(
        &cw,
        "orders-dev-create",
        "Duration",
        (200.0, 5_000.0, 2.0, 90.0),
    )
    .await;
    put(
        &cw,
        "orders-dev-create",
        "ConcurrentExecutions",
        (1.0, 3.0, 3.0, 3.0),
    )
    .await;
    // list: 300 invocations, no error, 50 ms on average, 120 at most.
    put(
        &cw,
        "orders-dev-list",
        "Invocations",
        (300.0, 300.0, 1.0, 1.0),
    )
    .await;
    put(&cw, "orders-dev-list", "Errors", (300.0, 0.0, 0.0, 0.0)).await;
    put(
        &cw,
        "orders-dev-list",
        "Duration",
        (300.0, 15_000.0, 5.0, 120.0),
    )
    .await;
    proxy.reset_counts();

    let (code, stdout, stderr) = mfn_against(
        &proxy.endpoint,
        REGION,
        &["stats", "--source", "metrics", "--json"],
    );
    let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stderr}"));
    let create = &entry(&doc, "functions", "orders-dev-create")["metrics"];
    assert_eq!(create["invocations"], 200.0);
    assert_eq!(create["errors"], 10.0);
    assert_eq!(create["throttles"], 4.0);
    assert_eq!(create["duration_avg_ms"], 25.0);
    assert_eq!(create["duration_max_ms"], 90.0);
    assert_eq!(create["concurrency_max"], 3.0);
    let list = &entry(&doc, "functions", "orders-dev-list")["metrics"];
    assert_eq!(
        list["throttles"],
        Value::Null,
        "no datapoint is null, not zero"
    );
    let service = &entry(&doc, "services", "orders")["metrics"];
    assert_eq!(service["invocations"], 500.0);
    assert_eq!(service["errors"], 10.0);
    assert_eq!(service["duration_avg_ms"], 40.0, "weighed by invocations");
    assert_eq!(service["duration_max_ms"], 120.0);
    assert_eq!(
        doc["functions"][0]["invocations"],
        Value::Null,
        "no REPORT record was read"
    );
    assert_eq!(doc["sources"]["metrics"], true);
    assert_eq!(doc["sources"]["report"], Value::Null);
    // The emulator refuses percentiles: that call fails, and only its figures are missing.
    assert_eq!(create["duration_p99_ms"], Value::Null);
    let errors = doc["errors"].as_array().unwrap();
    assert!(
        errors.len() <= 1
            && errors
                .iter()
                .all(|e| e.as_str().unwrap().contains("GetMetricData")),
        "{errors:?}"
    );
    assert_eq!(
        code,
        Some(if errors.is_empty() { 0 } else { 3 }),
        "{stderr}"
    );
    let counts = proxy.counts();
    let calls = counts.class(ApiClass::CloudWatchGetMetricData).seen;
    assert!(
        (1..=3).contains(&calls),
        "two functions' figures in a call or two (and the percentiles' own): {}",
        counts.summary()
    );
}
