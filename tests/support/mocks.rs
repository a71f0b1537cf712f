//! SDK clients answered by `aws-smithy-mocks` rules, for the code paths the emulator cannot
//! serve: each test names the Lambda and CloudWatch Logs rules it needs; STS says who the
//! caller is ([`CALLER`]); the other services get none.

use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use mfn_tui::fleet::aws::Clients;
use mfn_tui::fleet::aws::budget::{Budget, QuotaSettings};

/// The identity every mocked fleet acts as.
pub const CALLER: &str = "arn:aws:sts::123456789012:assumed-role/oncall/alice";

pub fn clients(lambda: &[&Rule], logs: &[&Rule]) -> Clients {
    clients_with_metrics(lambda, logs, &[])
}

/// [`clients`] with CloudWatch metrics rules too.
pub fn clients_with_metrics(lambda: &[&Rule], logs: &[&Rule], metrics: &[&Rule]) -> Clients {
    let none: &[&Rule] = &[];
    let caller = mock!(aws_sdk_sts::Client::get_caller_identity).then_output(|| {
        GetCallerIdentityOutput::builder()
            .arn(CALLER)
            .account("123456789012")
            .build()
    });
    Clients {
        budget: std::sync::Arc::new(Budget::new(QuotaSettings::default())),
        lambda: mock_client!(aws_sdk_lambda, RuleMode::MatchAny, lambda),
        tagging: mock_client!(aws_sdk_resourcegroupstagging, RuleMode::MatchAny, none),
        rest: mock_client!(aws_sdk_apigateway, RuleMode::MatchAny, none),
        http: mock_client!(aws_sdk_apigatewayv2, RuleMode::MatchAny, none),
        sts: mock_client!(aws_sdk_sts, RuleMode::MatchAny, &[&caller]),
        logs: mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, logs),
        metrics: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, metrics),
        caller: None,
    }
}
