//! CloudWatch through the proxy: the SDK's RPC v2 CBOR becomes moto's JSON 1.0 and back, values
//! and timestamps intact, gzip bodies unpacked, and moto's errors (its HTML 500 on a percentile,
//! its JSON validation errors) parsed by the SDK as service errors; where asked, percentiles are
//! answered with no data instead.

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{MetricDatum, ScanBy, StatisticSet};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::sdk::{EAST, Sdk, dimension, now_secs, query, status, sum_query};
use crate::support::aws_proxy::{ApiClass, AwsProxy, ProxyOptions};
use crate::support::emulator::Emulator;

#[tokio::test(flavor = "multi_thread")]
async fn metrics_put_through_the_proxy_come_back_with_their_values_and_timestamps() {
    let emulator = Emulator::start();
    let proxy = AwsProxy::start(&emulator.endpoint, ProxyOptions::default()).await;
    let sdk = Sdk::new(&proxy, EAST).await;
    // A window of ten one-minute periods starting on a whole minute an hour ago.
    let start = (now_secs() - 3600) / 60 * 60;
    let minute = |k: i64| DateTime::from_secs(start + 60 * k);
    let invocations = [(1, 3.0), (2, 7.0), (5, 1.0)];
    let durations = [(1, (2.0, 30.5, 10.0, 20.5)), (5, (1.0, 4.25, 4.25, 4.25))];

    let mut data: Vec<MetricDatum> = invocations
        .iter()
        .map(|(k, v)| {
            MetricDatum::builder()
                .metric_name("Invocations")
                .dimensions(dimension("fn-a"))
                .timestamp(minute(*k))
                .value(*v)
                .build()
        })
        .collect();
    data.extend(durations.iter().map(|(k, (count, sum, min, max))| {
        MetricDatum::builder()
            .metric_name("Duration")
            .dimensions(dimension("fn-a"))
            .timestamp(minute(*k))
            .statistic_values(
                StatisticSet::builder()
                    .sample_count(*count)
                    .sum(*sum)
                    .minimum(*min)
                    .maximum(*max)
                    .build(),
            )
            .build()
    }));
    sdk.cloudwatch
        .put_metric_data()
        .namespace("AWS/Lambda")
        .set_metric_data(Some(data))
        .send()
        .await
        .expect("PutMetricData through the proxy");

    let answer = sdk
        .cloudwatch
        .get_metric_data()
        .start_time(minute(0))
        .end_time(minute(10))
        .scan_by(ScanBy::TimestampAscending)
        .metric_data_queries(sum_query("invocations", "Invocations", "fn-a"))
        .metric_data_queries(query("max", "Duration", "fn-a", "Maximum"))
        .metric_data_queries(query("avg", "Duration", "fn-a", "Average"))
        .send()
        .await
        .expect("GetMetricData through the proxy");
    let series = |id: &str| {
        let result = answer
            .metric_data_results()
            .iter()
            .find(|r| r.id() == Some(id))
            .unwrap_or_else(|| panic!("no result {id}: {answer:?}"));
        let times: Vec<DateTime> = result.timestamps().to_vec();
        (times, result.values().to_vec())
    };
    let put_times = |ks: &[i64]| ks.iter().map(|k| minute(*k)).collect::<Vec<_>>();

    let (times, values) = series("invocations");
    assert_eq!(times, put_times(&[1, 2, 5]));
    assert_eq!(
        values,
        invocations.iter().map(|(_, v)| *v).collect::<Vec<_>>()
    );
    let (times, values) = series("max");
    assert_eq!(times, put_times(&[1, 5]));
    assert_eq!(
        values,
        durations.iter().map(|(_, d)| d.3).collect::<Vec<_>>()
    );
    let (_, values) = series("avg");
    assert_eq!(
        values,
        durations.iter().map(|(_, d)| d.1 / d.0).collect::<Vec<_>>()
    );

    let listed = sdk
        .cloudwatch
        .list_metrics()
        .namespace("AWS/Lambda")
        .send()
        .await
        .expect("ListMetrics through the proxy");
    let mut names: Vec<&str> = listed
        .metrics()
        .iter()
        .filter_map(|m| m.metric_name())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names, ["Duration", "Invocations"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_put_large_enough_for_the_sdk_to_gzip_arrives_whole() {
    let emulator = Emulator::start();
    let proxy = AwsProxy::start(&emulator.endpoint, ProxyOptions::default()).await;
    let sdk = Sdk::new(&proxy, EAST).await;
    let start = (now_secs() - 3600) / 60 * 60;
    // 300 datums with long names: well over the SDK's 10 KB compression threshold.
    let functions: Vec<String> = (0..300)
        .map(|i| format!("a-function-with-a-long-name-to-make-the-body-large-{i:03}"))
        .collect();
    let data = functions.iter().enumerate().map(|(i, f)| {
        MetricDatum::builder()
            .metric_name("Errors")
            .dimensions(dimension(f))
            .timestamp(DateTime::from_secs(start))
            .value(i as f64)
            .build()
    });
    sdk.cloudwatch
        .put_metric_data()
        .namespace("AWS/Lambda")
        .set_metric_data(Some(data.collect()))
        .send()
        .await
        .expect("a large PutMetricData through the proxy");

    let answer = sdk
        .cloudwatch
        .get_metric_data()
        .start_time(DateTime::from_secs(start))
        .end_time(DateTime::from_secs(start + 60))
        .metric_data_queries(sum_query("first", "Errors", &functions[0]))
        .metric_data_queries(sum_query("last", "Errors", &functions[299]))
        .send()
        .await
        .expect("GetMetricData");
    let values: Vec<Vec<f64>> = answer
        .metric_data_results()
        .iter()
        .map(|r| r.values().to_vec())
        .collect();
    assert_eq!(values, [vec![0.0], vec![299.0]]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_percentile_moto_cannot_answer_comes_back_as_a_service_error_the_sdk_parses() {
    let emulator = Emulator::start();
    let proxy = AwsProxy::start(&emulator.endpoint, ProxyOptions::default()).await;
    let sdk = Sdk::new(&proxy, EAST).await;
    let now = now_secs();
    sdk.cloudwatch
        .put_metric_data()
        .namespace("AWS/Lambda")
        .metric_data(
            MetricDatum::builder()
                .metric_name("Duration")
                .dimensions(dimension("fn-a"))
                .timestamp(DateTime::from_secs(now - 120))
                .value(12.0)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let get = |stats: &[&str]| {
        let mut call = sdk
            .cloudwatch
            .get_metric_data()
            .start_time(DateTime::from_secs(now - 600))
            .end_time(DateTime::from_secs(now));
        for (i, stat) in stats.iter().enumerate() {
            call = call.metric_data_queries(query(&format!("q{i}"), "Duration", "fn-a", stat));
        }
        call.send()
    };

    let error = get(&["Average", "p99"]).await.unwrap_err();
    assert_eq!(status(&error), Some(500));
    let service_error = error.as_service_error().expect("a service error, parsed");
    assert_eq!(service_error.code(), Some("InternalServiceFault"));
    assert!(
        service_error.message().unwrap_or_default().contains("500"),
        "{service_error:?}"
    );
    get(&["Average"]).await.expect("without the percentile");
    let counts = proxy.counts().class(ApiClass::CloudWatchGetMetricData);
    assert_eq!((counts.passed, counts.upstream_errors), (2, 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_error_moto_answers_in_json_reaches_the_sdk_with_its_query_compatible_code() {
    let emulator = Emulator::start();
    let proxy = AwsProxy::start(&emulator.endpoint, ProxyOptions::default()).await;
    let sdk = Sdk::new(&proxy, EAST).await;
    let at = DateTime::from_secs(now_secs());

    let error = sdk
        .cloudwatch
        .get_metric_data()
        .start_time(at)
        .end_time(at)
        .metric_data_queries(sum_query("a", "Invocations", "fn-a"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&error), Some(400));
    assert_eq!(error.code(), Some("ValidationError"));
    assert!(
        error.message().unwrap_or_default().contains("StartTime"),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn where_asked_a_percentile_is_answered_with_no_data_and_the_rest_of_the_call_with_its_values()
 {
    let emulator = Emulator::start();
    let options = ProxyOptions::default().percentiles_without_data();
    let proxy = AwsProxy::start(&emulator.endpoint, options).await;
    let sdk = Sdk::new(&proxy, EAST).await;
    let now = now_secs();
    sdk.cloudwatch
        .put_metric_data()
        .namespace("AWS/Lambda")
        .metric_data(
            MetricDatum::builder()
                .metric_name("Duration")
                .dimensions(dimension("fn-a"))
                .timestamp(DateTime::from_secs(now - 120))
                .value(12.0)
                .build(),
        )
        .send()
        .await
        .unwrap();

    let answer = sdk
        .cloudwatch
        .get_metric_data()
        .start_time(DateTime::from_secs(now - 600))
        .end_time(DateTime::from_secs(now))
        .metric_data_queries(query("avg", "Duration", "fn-a", "Average"))
        .metric_data_queries(query("p99", "Duration", "fn-a", "p99"))
        .send()
        .await
        .expect("the call succeeds despite its percentile");
    let values: Vec<(&str, Vec<f64>)> = answer
        .metric_data_results()
        .iter()
        .map(|r| (r.id().unwrap_or_default(), r.values().to_vec()))
        .collect();
    assert_eq!(values, [("avg", vec![12.0]), ("p99", vec![])]);
    let counts = proxy.counts().class(ApiClass::CloudWatchGetMetricData);
    assert_eq!((counts.passed, counts.upstream_errors), (1, 0));
}
