//! Classification: each call the SDK makes is counted in the API class whose quota it spends,
//! whatever the emulator answers it.

use aws_sdk_cloudwatch::primitives::DateTime;

use crate::sdk::{EAST, Sdk, now_secs, sum_query};
use crate::support::aws_proxy::{ApiClass, AwsProxy, ProxyOptions, Quotas};
use crate::support::emulator::Emulator;

#[tokio::test(flavor = "multi_thread")]
async fn every_call_is_counted_in_the_class_whose_quota_it_spends() {
    let emulator = Emulator::start();
    let options = ProxyOptions::new().quotas(Quotas::unlimited());
    let proxy = AwsProxy::start(&emulator.endpoint, options).await;
    let sdk = Sdk::new(&proxy, EAST).await;
    let config = proxy.sdk_config(EAST).await;
    let tagging = aws_sdk_resourcegroupstagging::Client::new(&config);
    let rest = aws_sdk_apigateway::Client::new(&config);
    let http = aws_sdk_apigatewayv2::Client::new(&config);
    let (f, group) = ("absent", "/aws/lambda/absent");
    let now = DateTime::from_secs(now_secs());

    // Answers do not matter (most are "not found"): only where each call is counted.
    let _ = sdk.lambda.list_functions().send().await;
    let _ = sdk.lambda.list_aliases().function_name(f).send().await;
    let _ = sdk
        .lambda
        .list_versions_by_function()
        .function_name(f)
        .send()
        .await;
    let _ = sdk
        .lambda
        .get_function_configuration()
        .function_name(f)
        .send()
        .await;
    let _ = sdk.lambda.get_function().function_name(f).send().await;
    let _ = sdk.lambda.get_policy().function_name(f).send().await;
    let _ = sdk.lambda.invoke().function_name(f).send().await;
    let _ = sdk
        .logs
        .filter_log_events()
        .log_group_name(group)
        .send()
        .await;
    let _ = sdk
        .logs
        .get_log_events()
        .log_group_name(group)
        .log_stream_name("s")
        .send()
        .await;
    let _ = sdk.logs.describe_log_groups().send().await;
    let _ = sdk
        .logs
        .describe_log_streams()
        .log_group_name(group)
        .send()
        .await;
    let _ = sdk
        .logs
        .start_query()
        .log_group_name(group)
        .query_string("fields @message")
        .start_time(0)
        .end_time(1)
        .send()
        .await;
    let _ = sdk.logs.get_query_results().query_id("q").send().await;
    let _ = sdk.logs.stop_query().query_id("q").send().await;
    let _ = sdk
        .logs
        .create_log_group()
        .log_group_name(group)
        .send()
        .await;
    let _ = sdk
        .cloudwatch
        .get_metric_data()
        .start_time(now)
        .end_time(now)
        .metric_data_queries(sum_query("a", "Errors", f))
        .send()
        .await;
    let _ = sdk.cloudwatch.put_metric_data().namespace("N").send().await;
    let _ = sdk.cloudwatch.list_metrics().send().await;
    let _ = sdk.cloudwatch.describe_alarms().send().await;
    let _ = tagging.get_resources().send().await;
    let _ = rest.get_rest_apis().send().await;
    let _ = http.get_apis().send().await;
    let _ = sdk.sts.get_caller_identity().send().await;

    let counts = proxy.counts();
    let seen: Vec<(ApiClass, u64)> = counts.classes().map(|(c, n)| (c, n.seen)).collect();
    let expected = [
        (ApiClass::LambdaControl, 4),
        (ApiClass::LambdaGetFunction, 1),
        (ApiClass::LambdaGetPolicy, 1),
        (ApiClass::LambdaInvoke, 1),
        (ApiClass::LogsFilterLogEvents, 1),
        (ApiClass::LogsGetLogEvents, 1),
        (ApiClass::LogsDescribeLogGroups, 1),
        (ApiClass::LogsDescribeLogStreams, 1),
        (ApiClass::LogsStartQuery, 1),
        (ApiClass::LogsGetQueryResults, 1),
        (ApiClass::LogsStopQuery, 1),
        (ApiClass::LogsOther, 1),
        (ApiClass::CloudWatchGetMetricData, 1),
        (ApiClass::CloudWatchPutMetricData, 1),
        (ApiClass::CloudWatchListMetrics, 1),
        (ApiClass::CloudWatchOther, 1),
        (ApiClass::Tagging, 1),
        (ApiClass::ApiGateway, 2),
        (ApiClass::Sts, 1),
    ];
    assert_eq!(seen, expected, "{counts}");
}
