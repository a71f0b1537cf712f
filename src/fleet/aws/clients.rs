//! The SDK clients of one target, built from the standard AWS configuration, with the rate
//! budget of the account and region they call.

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};

use super::budget::{Api, Budget, QuotaSettings};
use crate::fleet::Target;

/// The clients of one profile × region.
#[derive(Clone, Debug)]
pub struct Clients {
    /// Shared by every task calling this account and region (and by another profile of the
    /// same account).
    pub budget: Arc<Budget>,
    pub lambda: aws_sdk_lambda::Client,
    pub tagging: aws_sdk_resourcegroupstagging::Client,
    pub rest: aws_sdk_apigateway::Client,
    pub http: aws_sdk_apigatewayv2::Client,
    pub sts: aws_sdk_sts::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub metrics: aws_sdk_cloudwatch::Client,
    /// Who these clients act as, once STS has said (asked once, when they are built; `None`
    /// where it was not asked or could not answer, and the asker asks again).
    pub caller: Option<Caller>,
}

/// STS's answer to `GetCallerIdentity`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub account: String,
    pub arn: String,
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
            // Standard: the budget keeps calls under the quotas; a throttle that happens anyway
            // (someone else's deploy spent the quota) is retried with backoff. The adaptive
            // mode's own rate limiter spaced attempts seconds apart inside the SDK, where the
            // wait counted against the operation timeout.
            .retry_config(RetryConfig::standard().with_max_attempts(settings.max_attempts))
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

    /// Clients sharing one loaded configuration, under a budget of their own at the default
    /// rates.
    pub fn from_sdk_config(config: &aws_config::SdkConfig) -> Clients {
        Clients {
            budget: Arc::new(Budget::new(QuotaSettings::default())),
            lambda: aws_sdk_lambda::Client::new(config),
            tagging: aws_sdk_resourcegroupstagging::Client::new(config),
            rest: aws_sdk_apigateway::Client::new(config),
            http: aws_sdk_apigatewayv2::Client::new(config),
            sts: aws_sdk_sts::Client::new(config),
            logs: aws_sdk_cloudwatchlogs::Client::new(config),
            metrics: aws_sdk_cloudwatch::Client::new(config),
            caller: None,
        }
    }
}

impl Clients {
    /// Waits for `api`'s turn in this account and region's budget.
    pub async fn turn(&self, api: Api) {
        self.budget.take(api).await;
    }

    /// These clients under `budget` (the one of their account and region).
    pub fn under(mut self, budget: Arc<Budget>) -> Clients {
        self.budget = budget;
        self
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
