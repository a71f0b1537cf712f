//! Quotas: a burst over a class's quota is throttled by exactly the excess, in each service's
//! own throttling shape, before it reaches the emulator; AWS's figures by default; one bucket per
//! account, region and class.

use std::time::Instant;

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::sdk::{
    EAST, Sdk, WEST, burst_of, expect_throttled, function_names, futures_join, now_secs,
    proxy_limiting, seed_functions, sum_query,
};
use crate::support::aws_proxy::{ApiClass, AwsProxy, ProxyOptions, Quotas};
use crate::support::emulator::Emulator;

#[tokio::test(flavor = "multi_thread")]
async fn a_lambda_burst_over_the_quota_is_throttled_by_the_excess_before_reaching_the_emulator() {
    let emulator = Emulator::start();
    let names: Vec<String> = (0..12).map(|i| format!("fn-{i:02}")).collect();
    let direct = seed_functions(&emulator, EAST, &names).await;
    let proxy = proxy_limiting(&emulator, ApiClass::LambdaControl, burst_of(5.0)).await;
    let sdk = Sdk::new(&proxy, EAST).await;

    // Twelve deletes at once: only the calls that get through delete anything.
    let calls = names.iter().map(|name| {
        let lambda = sdk.lambda.clone();
        let name = name.clone();
        async move {
            let deleted = lambda.delete_function().function_name(&name).send().await;
            deleted.map(|_| name)
        }
    });
    let passed = expect_throttled(futures_join(calls).await, "TooManyRequestsException", 429);

    assert_eq!(passed.len(), 5);
    let remaining = function_names(&direct.lambda).await;
    let expected: Vec<String> = names
        .iter()
        .filter(|n| !passed.contains(n))
        .cloned()
        .collect();
    assert_eq!(remaining, expected, "throttled deletes must not reach moto");
    let counts = proxy.counts().class(ApiClass::LambdaControl);
    assert_eq!(
        (counts.seen, counts.throttled, counts.passed),
        (12, 7, 5),
        "{}",
        proxy.counts()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn lambda_tells_how_long_to_wait_in_its_throttling_answer() {
    let emulator = Emulator::start();
    let proxy = proxy_limiting(&emulator, ApiClass::LambdaControl, burst_of(1.0)).await;
    let sdk = Sdk::new(&proxy, EAST).await;

    sdk.lambda
        .list_functions()
        .send()
        .await
        .expect("the first call passes");
    let error = sdk.lambda.list_functions().send().await.unwrap_err();
    let throttle = error.into_service_error();
    let aws_sdk_lambda::operation::list_functions::ListFunctionsError::TooManyRequestsException(e) =
        throttle
    else {
        panic!("not TooManyRequestsException: {throttle:?}");
    };
    let wait: u64 = e
        .retry_after_seconds()
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!(wait >= 1, "{e:?}");
    assert_eq!(e.r#type(), Some("User"));
    assert_eq!(e.message(), Some("Rate exceeded"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_logs_burst_over_the_filter_quota_gets_throttling_exceptions_for_the_excess() {
    let emulator = Emulator::start();
    let direct = aws_sdk_cloudwatchlogs::Client::new(&emulator.sdk_config(EAST).await);
    direct
        .create_log_group()
        .log_group_name("/aws/lambda/busy")
        .send()
        .await
        .unwrap();
    let proxy = proxy_limiting(&emulator, ApiClass::LogsFilterLogEvents, burst_of(5.0)).await;
    let sdk = Sdk::new(&proxy, EAST).await;

    let calls = (0..9).map(|_| {
        sdk.logs
            .filter_log_events()
            .log_group_name("/aws/lambda/busy")
            .send()
    });
    let passed = expect_throttled(futures_join(calls).await, "ThrottlingException", 400);

    assert_eq!(passed.len(), 5);
    let counts = proxy.counts().class(ApiClass::LogsFilterLogEvents);
    assert_eq!((counts.seen, counts.throttled, counts.passed), (9, 4, 5));
    // Another Logs class keeps its own bucket.
    sdk.logs
        .describe_log_groups()
        .send()
        .await
        .expect("DescribeLogGroups is not FilterLogEvents");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cloudwatch_burst_over_the_get_metric_data_quota_gets_cbor_throttling_errors() {
    let emulator = Emulator::start();
    let proxy = proxy_limiting(&emulator, ApiClass::CloudWatchGetMetricData, burst_of(4.0)).await;
    let sdk = Sdk::new(&proxy, EAST).await;
    let end = DateTime::from_secs(now_secs());
    let start = DateTime::from_secs(now_secs() - 3600);

    let calls = (0..10).map(|_| {
        sdk.cloudwatch
            .get_metric_data()
            .start_time(start)
            .end_time(end)
            .metric_data_queries(sum_query("a", "Invocations", "fn-a"))
            .send()
    });
    let passed = expect_throttled(futures_join(calls).await, "ThrottlingException", 400);

    assert_eq!(passed.len(), 4);
    let counts = proxy.counts().class(ApiClass::CloudWatchGetMetricData);
    assert_eq!((counts.seen, counts.throttled, counts.passed), (10, 6, 4));
}

#[tokio::test(flavor = "multi_thread")]
async fn aws_quotas_hold_a_control_plane_burst_to_its_rate_while_get_function_keeps_its_own() {
    let emulator = Emulator::start();
    seed_functions(&emulator, EAST, &["target".to_owned()]).await;
    let proxy = AwsProxy::start(&emulator.endpoint, ProxyOptions::default()).await;
    let sdk = Sdk::new(&proxy, EAST).await;
    let control = Quotas::aws().get(ApiClass::LambdaControl).unwrap();
    let get_function = Quotas::aws().get(ApiClass::LambdaGetFunction).unwrap();
    let burst = 3 * control.burst as usize;

    let start = Instant::now();
    let results = futures_join((0..burst).map(|_| sdk.lambda.list_functions().send())).await;
    let elapsed = start.elapsed().as_secs_f64();
    let passed = expect_throttled(results, "TooManyRequestsException", 429).len();

    // The bucket starts with its burst and refills at its rate while the burst goes on.
    let refilled = (elapsed * control.calls / control.per.as_secs_f64()).ceil() as usize;
    assert!(
        passed >= control.burst as usize && passed <= control.burst as usize + refilled,
        "{passed} of {burst} passed in {elapsed:.2} s: {}",
        proxy.counts()
    );
    // GetFunction has a bucket of its own, untouched by the control plane's.
    let calls = (0..get_function.burst as usize / 2)
        .map(|_| sdk.lambda.get_function().function_name("target").send());
    for result in futures_join(calls).await {
        result.expect("GetFunction is not throttled by the control plane's bucket");
    }
    assert_eq!(
        proxy.counts().class(ApiClass::LambdaGetFunction).throttled,
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_account_and_region_has_buckets_of_its_own() {
    let emulator = Emulator::start();
    let proxy = proxy_limiting(&emulator, ApiClass::LambdaControl, burst_of(3.0)).await;
    let east = Sdk::new(&proxy, EAST).await;
    let west = Sdk::new(&proxy, WEST).await;
    let other_account = Sdk::with_key(&proxy, EAST, "AKIAOTHERACCOUNT").await;

    // Each spends its own three calls, whatever the others spent before.
    for sdk in [&east, &west, &other_account] {
        for _ in 0..3 {
            sdk.lambda
                .list_functions()
                .send()
                .await
                .expect("a bucket of its own");
        }
        let spent = sdk.lambda.list_functions().send().await.unwrap_err();
        assert_eq!(spent.code(), Some("TooManyRequestsException"));
    }
    let counts = proxy.counts().class(ApiClass::LambdaControl);
    assert_eq!((counts.passed, counts.throttled), (9, 3));
}
