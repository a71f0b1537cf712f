//! SDK clients through the proxy, one attempt a call, and what the tests read off their errors.

use std::error::Error as StdError;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_runtime::retries::classifiers::AwsErrorCodeClassifier;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
use aws_sdk_lambda::config::{Credentials, SharedCredentialsProvider};
use aws_smithy_runtime_api::client::interceptors::context::{self, Input, InterceptorContext};
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, OrchestratorError};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryReason,
};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::retry::ErrorKind;

use crate::support::aws_proxy::{ApiClass, AwsProxy, ProxyOptions, Quota, Quotas};
use crate::support::emulator::Emulator;
use crate::support::seed::{FunctionSpec, Seeder};

pub const EAST: &str = "us-east-1";
pub const WEST: &str = "eu-west-1";

/// A quota that lets `calls` of a burst through and refills too slowly to matter in a test.
pub fn burst_of(calls: f64) -> Quota {
    Quota::new(calls, Duration::from_secs(3600))
}

/// A proxy with only `class` limited, to `quota`.
pub async fn proxy_limiting(emulator: &Emulator, class: ApiClass, quota: Quota) -> AwsProxy {
    let quotas = Quotas::unlimited().with(class, quota);
    AwsProxy::start(&emulator.endpoint, ProxyOptions::new().quotas(quotas)).await
}

/// Clients through `proxy` for `region`, without retries so every call is one attempt.
pub struct Sdk {
    pub lambda: aws_sdk_lambda::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub sts: aws_sdk_sts::Client,
}

impl Sdk {
    pub async fn new(proxy: &AwsProxy, region: &str) -> Sdk {
        Sdk::from_config(single_attempt(proxy.sdk_config(region).await))
    }

    /// The same, signed with another access key (another account, to moto).
    pub async fn with_key(proxy: &AwsProxy, region: &str, key: &str) -> Sdk {
        let credentials = Credentials::new(key, "secret", None, None, "test");
        let config = proxy
            .sdk_config(region)
            .await
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(credentials))
            .build();
        Sdk::from_config(single_attempt(config))
    }

    /// One call through each service's protocol: Lambda `ListFunctions` (REST-JSON), Logs
    /// `DescribeLogGroups` (JSON 1.1), CloudWatch `ListMetrics` (CBOR), STS
    /// `GetCallerIdentity` (query); what the SDK reported for each, `None` where it succeeded.
    pub async fn one_call_each(&self) -> [Option<Reported>; 4] {
        [
            Reported::of(self.lambda.list_functions().send().await),
            Reported::of(self.logs.describe_log_groups().send().await),
            Reported::of(self.cloudwatch.list_metrics().send().await),
            Reported::of(self.sts.get_caller_identity().send().await),
        ]
    }

    pub fn from_config(config: SdkConfig) -> Sdk {
        Sdk {
            lambda: aws_sdk_lambda::Client::new(&config),
            logs: aws_sdk_cloudwatchlogs::Client::new(&config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&config),
            sts: aws_sdk_sts::Client::new(&config),
        }
    }
}

/// What the SDK reports for a failed call.
#[derive(Debug)]
pub struct Reported {
    pub code: Option<String>,
    pub status: Option<u16>,
    /// The error as `{:?}` prints it.
    pub shown: String,
}

impl Reported {
    fn of<O, E: ProvideErrorMetadata + std::fmt::Debug>(
        result: Result<O, SdkError<E, HttpResponse>>,
    ) -> Option<Reported> {
        let error = result.err()?;
        Some(Reported {
            code: error.code().map(str::to_owned),
            status: status(&error),
            shown: format!("{error:?}"),
        })
    }
}

/// The error codes of [`Sdk::one_call_each`], `None` for a call without one (or that passed).
pub fn codes(reported: &[Option<Reported>]) -> Vec<Option<&str>> {
    reported
        .iter()
        .map(|r| r.as_ref().and_then(|r| r.code.as_deref()))
        .collect()
}

/// A Lambda client through `proxy` that gives up on an attempt after `timeout`.
pub async fn lambda_with_timeout(proxy: &AwsProxy, timeout: Duration) -> aws_sdk_lambda::Client {
    let config = single_attempt(proxy.sdk_config(EAST).await);
    let config = config
        .to_builder()
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(timeout)
                .build(),
        )
        .build();
    aws_sdk_lambda::Client::new(&config)
}

pub fn single_attempt(config: SdkConfig) -> SdkConfig {
    config
        .to_builder()
        .retry_config(RetryConfig::disabled())
        .build()
}

/// Whether the SDK's own retry classifier calls `error` a throttling error.
pub fn sdk_calls_it_throttling<E>(error: SdkError<E, HttpResponse>) -> bool
where
    E: StdError + ProvideErrorMetadata + Send + Sync + 'static,
{
    let SdkError::ServiceError(service_error) = error else {
        return false;
    };
    let mut ctx = InterceptorContext::new(Input::erase(()));
    ctx.set_output_or_error(Err(OrchestratorError::operation(context::Error::erase(
        service_error.into_err(),
    ))));
    matches!(
        AwsErrorCodeClassifier::<E>::new().classify_retry(&ctx),
        RetryAction::RetryIndicated(RetryReason::RetryableError {
            kind: ErrorKind::ThrottlingError,
            ..
        })
    )
}

/// The HTTP status of a service error's answer.
pub fn status<E>(error: &SdkError<E, HttpResponse>) -> Option<u16> {
    error.raw_response().map(|r| r.status().as_u16())
}

/// The successes among `results`, checking every error is the throttling error `code` with
/// HTTP `status`, parsed as a service error and classified as throttling by the SDK.
pub fn expect_throttled<O, E>(
    results: Vec<Result<O, SdkError<E, HttpResponse>>>,
    code: &str,
    status: u16,
) -> Vec<O>
where
    E: StdError + ProvideErrorMetadata + Send + Sync + 'static,
{
    let mut passed = Vec::new();
    for result in results {
        match result {
            Ok(output) => passed.push(output),
            Err(error) => {
                assert_eq!(error.code(), Some(code), "{error:?}");
                assert_eq!(self::status(&error), Some(status), "{error:?}");
                assert!(
                    sdk_calls_it_throttling(error),
                    "not classified as throttling"
                );
            }
        }
    }
    passed
}

pub async fn seed_functions(emulator: &Emulator, region: &str, names: &[String]) -> Seeder {
    let seeder = Seeder::new(emulator, region, &emulator.create_lambda_role()).await;
    for name in names {
        seeder.function(&FunctionSpec::new(name)).await;
    }
    seeder
}

pub async fn function_names(lambda: &aws_sdk_lambda::Client) -> Vec<String> {
    let mut names: Vec<String> = lambda
        .list_functions()
        .send()
        .await
        .expect("ListFunctions")
        .functions()
        .iter()
        .filter_map(|f| f.function_name().map(str::to_owned))
        .collect();
    names.sort();
    names
}

pub async fn futures_join<F>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut outputs = Vec::new();
    for handle in handles {
        outputs.push(handle.await.expect("the call's task"));
    }
    outputs
}

pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub fn dimension(function: &str) -> Dimension {
    Dimension::builder()
        .name("FunctionName")
        .value(function)
        .build()
}

pub fn query(id: &str, metric: &str, function: &str, stat: &str) -> MetricDataQuery {
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(
            MetricStat::builder()
                .metric(
                    Metric::builder()
                        .namespace("AWS/Lambda")
                        .metric_name(metric)
                        .dimensions(dimension(function))
                        .build(),
                )
                .period(60)
                .stat(stat)
                .build(),
        )
        .build()
}

pub fn sum_query(id: &str, metric: &str, function: &str) -> MetricDataQuery {
    query(id, metric, function, "Sum")
}
