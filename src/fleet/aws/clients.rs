//! The SDK clients discovery needs for one target, built from the standard AWS configuration.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};

use crate::fleet::Target;

/// The clients of one profile × region.
#[derive(Clone, Debug)]
pub struct Clients {
    pub lambda: aws_sdk_lambda::Client,
    pub tagging: aws_sdk_resourcegroupstagging::Client,
    pub rest: aws_sdk_apigateway::Client,
    pub http: aws_sdk_apigatewayv2::Client,
    pub sts: aws_sdk_sts::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
}

/// How calls are made: endpoint override, retries, timeouts.
#[derive(Debug, Clone)]
pub struct CallSettings {
    /// `--endpoint-url`; `AWS_ENDPOINT_URL` and the per-service variables are honoured by the
    /// SDK's own loader when this is `None`.
    pub endpoint_url: Option<String>,
    pub max_attempts: u32,
    pub connect_timeout: Duration,
    pub operation_timeout: Duration,
}

impl Clients {
    /// Loads the standard configuration chain (environment, profiles, SSO, credential process)
    /// for `target`.
    pub async fn load(target: &Target, settings: &CallSettings) -> Clients {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(target.region.clone()))
            // Adaptive: on throttling, the client also slows its own rate, so a large fleet
            // settles at the account's quota instead of failing calls.
            .retry_config(RetryConfig::adaptive().with_max_attempts(settings.max_attempts))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(settings.connect_timeout)
                    .operation_timeout(settings.operation_timeout)
                    .build(),
            );
        if let Some(profile) = &target.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(url) = &settings.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        Clients::from_sdk_config(&loader.load().await)
    }

    /// Clients sharing one loaded configuration.
    pub fn from_sdk_config(config: &aws_config::SdkConfig) -> Clients {
        Clients {
            lambda: aws_sdk_lambda::Client::new(config),
            tagging: aws_sdk_resourcegroupstagging::Client::new(config),
            rest: aws_sdk_apigateway::Client::new(config),
            http: aws_sdk_apigatewayv2::Client::new(config),
            sts: aws_sdk_sts::Client::new(config),
            logs: aws_sdk_cloudwatchlogs::Client::new(config),
        }
    }
}

/// The region the default chain would pick for `profile` (`AWS_REGION`, the profile's `region`).
pub async fn default_region(profile: Option<&str>) -> Option<String> {
    let mut chain = aws_config::default_provider::region::DefaultRegionChain::builder();
    if let Some(p) = profile {
        chain = chain.profile_name(p);
    }
    chain.build().region().await.map(|r| r.to_string())
}
