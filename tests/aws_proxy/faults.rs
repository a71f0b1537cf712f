//! Faults: each mode, and what the SDK surfaces for it, so that tests of the dashboard under a
//! hostile AWS can rely on them; rules pick calls by class, operation and region, every Nth or a
//! seeded share, and change while the proxy runs.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::sdk::{EAST, Sdk, WEST, codes, function_names, lambda_with_timeout};
use crate::support::aws_proxy::{ApiClass, AwsProxy, Fault, FaultRule, ProxyOptions, Quotas};
use crate::support::emulator::Emulator;
use crate::support::seed::{FunctionSpec, Seeder};

/// A proxy without quotas, with `rule` in force.
async fn faulty(emulator: &Emulator, rule: FaultRule) -> AwsProxy {
    let options = ProxyOptions::new().quotas(Quotas::unlimited()).fault(rule);
    AwsProxy::start(&emulator.endpoint, options).await
}

/// Which of `n` ListFunctions calls, one after another, failed with TooManyRequestsException.
async fn throttled_calls(sdk: &Sdk, n: usize) -> Vec<usize> {
    let mut throttled = Vec::new();
    for i in 1..=n {
        match sdk.lambda.list_functions().send().await {
            Ok(_) => {}
            Err(e) if e.code() == Some("TooManyRequestsException") => throttled.push(i),
            Err(e) => panic!("call {i}: {e:?}"),
        }
    }
    throttled
}

#[tokio::test(flavor = "multi_thread")]
async fn a_throttle_every_third_call_throttles_exactly_those() {
    let emulator = Emulator::start();
    let rule = FaultRule::new(Fault::Throttle)
        .class(ApiClass::LambdaControl)
        .every(3);
    let proxy = faulty(&emulator, rule).await;
    let sdk = Sdk::new(&proxy, EAST).await;

    assert_eq!(throttled_calls(&sdk, 9).await, [3, 6, 9]);
    sdk.lambda
        .get_function()
        .function_name("none")
        .send()
        .await
        .expect_err("GetFunction is another class: moto answers (not found)");
    let counts = proxy.counts();
    assert_eq!(counts.class(ApiClass::LambdaControl).throttled, 3);
    assert_eq!(counts.class(ApiClass::LambdaGetFunction).throttled, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_seeded_share_throttles_the_same_calls_in_every_run() {
    let emulator = Emulator::start();
    let rule = || FaultRule::new(Fault::Throttle).share(0.3, 7);
    let mut runs = Vec::new();
    for _ in 0..2 {
        let proxy = faulty(&emulator, rule()).await;
        runs.push(throttled_calls(&Sdk::new(&proxy, EAST).await, 40).await);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(!runs[0].is_empty() && runs[0].len() < 40, "{:?}", runs[0]);
    let other_seed = faulty(&emulator, FaultRule::new(Fault::Throttle).share(0.3, 8)).await;
    let other = throttled_calls(&Sdk::new(&other_seed, EAST).await, 40).await;
    assert_ne!(other, runs[0], "another seed, other calls");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_error_is_each_services_internal_error_and_the_sdk_retries_it() {
    let emulator = Emulator::start();
    let proxy = faulty(&emulator, FaultRule::new(Fault::ServerError(503))).await;
    let sdk = Sdk::new(&proxy, EAST).await;

    let reported = sdk.one_call_each().await;
    assert_eq!(
        codes(&reported),
        [
            Some("ServiceException"),
            Some("ServiceUnavailableException"),
            Some("InternalServiceFault"),
            Some("ServiceUnavailable"),
        ]
    );
    assert!(reported.iter().flatten().all(|r| r.status == Some(503)));

    // With the SDK's standard retries, a 5xx is tried again: three attempts for one call.
    proxy.reset_counts();
    let retrying = proxy
        .sdk_config(EAST)
        .await
        .to_builder()
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(1)),
        )
        .build();
    aws_sdk_lambda::Client::new(&retrying)
        .list_functions()
        .send()
        .await
        .unwrap_err();
    assert_eq!(proxy.counts().class(ApiClass::LambdaControl).faulted, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_reset_is_an_io_dispatch_failure() {
    let emulator = Emulator::start();
    let proxy = faulty(&emulator, FaultRule::new(Fault::ConnectionReset)).await;
    let sdk = Sdk::new(&proxy, EAST).await;

    let error = sdk.lambda.list_functions().send().await.unwrap_err();
    let SdkError::DispatchFailure(failure) = &error else {
        panic!("not a dispatch failure: {error:?}");
    };
    assert!(failure.is_io(), "{failure:?}");
    assert_eq!(proxy.counts().class(ApiClass::LambdaControl).faulted, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hang_is_a_timeout_and_other_calls_still_pass() {
    let emulator = Emulator::start();
    let rule = FaultRule::new(Fault::Hang).operation("ListFunctions");
    let proxy = faulty(&emulator, rule).await;
    let lambda = lambda_with_timeout(&proxy, Duration::from_secs(1)).await;

    let error = lambda.list_functions().send().await.unwrap_err();
    assert!(matches!(error, SdkError::TimeoutError(_)), "{error:?}");
    lambda
        .list_event_source_mappings()
        .send()
        .await
        .expect("another operation of the same class is answered");
}

/// The SDK's whole error, as a program that prints it with `{:?}` would show it.
fn shown<E: std::fmt::Debug>(error: &E) -> String {
    format!("{error:?}")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_body_is_a_response_error_without_the_body() {
    let emulator = Emulator::start();
    seed_secret_function(&emulator).await;
    let rule = FaultRule::new(Fault::TruncatedBody).operation("ListFunctions");
    let proxy = faulty(&emulator, rule).await;
    let sdk = Sdk::new(&proxy, EAST).await;

    let error = sdk.lambda.list_functions().send().await.unwrap_err();
    assert!(matches!(error, SdkError::ResponseError(_)), "{error:?}");
    assert!(!shown(&error).contains(SECRET), "{error:?}");
    assert_eq!(proxy.counts().class(ApiClass::LambdaControl).faulted, 1);
    proxy.clear_faults();
    assert_eq!(function_names(&sdk.lambda).await, ["holds-a-secret"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_short_body_is_an_unhandled_service_error_that_carries_what_arrived() {
    let emulator = Emulator::start();
    seed_secret_function(&emulator).await;
    let rule = FaultRule::new(Fault::ShortBody { missing: 3 }).operation("ListFunctions");
    let proxy = faulty(&emulator, rule).await;
    let sdk = Sdk::new(&proxy, EAST).await;

    // The SDK cannot parse the cut JSON and reports an error without a code, holding the raw
    // answer: printed with {:?}, it shows the function's environment.
    let error = sdk.lambda.list_functions().send().await.unwrap_err();
    assert!(matches!(error, SdkError::ServiceError(_)), "{error:?}");
    assert_eq!(error.code(), None);
    assert!(shown(&error).contains(SECRET), "{error:?}");
}

const SECRET: &str = "s3cr3t-db-password";

async fn seed_secret_function(emulator: &Emulator) {
    let seeder = Seeder::new(emulator, EAST, &emulator.create_lambda_role()).await;
    seeder
        .function(&FunctionSpec::new("holds-a-secret").env("DB_PASSWORD", SECRET))
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_garbage_body_is_an_unhandled_service_error_that_carries_the_body_and_its_secret() {
    let emulator = Emulator::start();
    let secret = "s3cr3t-in-the-garbage";
    let rule = FaultRule::new(Fault::GarbageBody {
        secret: Some(secret.to_owned()),
    });
    let proxy = faulty(&emulator, rule).await;
    let sdk = Sdk::new(&proxy, EAST).await;

    // The SDK cannot parse the 200 and reports an error without a code, holding the raw
    // answer: printed with {:?}, it shows the body, secret included.
    for reported in sdk.one_call_each().await {
        let reported = reported.expect("no call succeeds");
        assert!(reported.shown.starts_with("ServiceError"), "{reported:?}");
        assert_eq!(reported.code, None, "{reported:?}");
        assert!(reported.shown.contains(secret), "{reported:?}");
    }
    assert_eq!(proxy.counts().total().faulted, 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_denied_region_answers_access_denied_in_each_services_shape() {
    let emulator = Emulator::start();
    let proxy = faulty(&emulator, FaultRule::new(Fault::AccessDenied).region(WEST)).await;
    let west = Sdk::new(&proxy, WEST).await;
    let east = Sdk::new(&proxy, EAST).await;

    let reported = west.one_call_each().await;
    assert_eq!(
        codes(&reported),
        [
            Some("AccessDeniedException"),
            Some("AccessDeniedException"),
            Some("AccessDeniedException"),
            Some("AccessDenied"),
        ]
    );
    let lambda = reported[0].as_ref().unwrap();
    assert_eq!(lambda.status, Some(403));
    assert!(lambda.shown.contains("lambda:ListFunctions"), "{lambda:?}");
    assert!(
        east.one_call_each().await.iter().all(Option::is_none),
        "another region is allowed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_token_answers_in_each_services_shape_until_cleared() {
    let emulator = Emulator::start();
    let proxy = faulty(&emulator, FaultRule::new(Fault::ExpiredToken)).await;
    let sdk = Sdk::new(&proxy, EAST).await;

    let reported = sdk.one_call_each().await;
    assert_eq!(
        codes(&reported),
        [
            Some("ExpiredTokenException"),
            Some("ExpiredTokenException"),
            Some("ExpiredTokenException"),
            Some("ExpiredToken"),
        ]
    );
    assert_eq!(reported[0].as_ref().unwrap().status, Some(403));

    proxy.clear_faults();
    sdk.lambda
        .list_functions()
        .send()
        .await
        .expect("faults cleared");
    proxy.set_faults(vec![FaultRule::new(Fault::ExpiredToken).first(1)]);
    sdk.lambda.list_functions().send().await.unwrap_err();
    sdk.lambda
        .list_functions()
        .send()
        .await
        .expect("only the first call");
}
