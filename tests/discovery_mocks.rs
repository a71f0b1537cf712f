//! What the emulator cannot show, through the same SDK code path with `aws-smithy-mocks`:
//! moto never paginates `ListFunctions` or `GetResources`, never throttles, and never denies.

use std::time::Duration;

use aws_sdk_lambda::error::ErrorMetadata;
use aws_sdk_lambda::operation::list_aliases::{ListAliasesError, ListAliasesOutput};
use aws_sdk_lambda::operation::list_event_source_mappings::ListEventSourceMappingsOutput;
use aws_sdk_lambda::operation::list_functions::{ListFunctionsError, ListFunctionsOutput};
use aws_sdk_lambda::operation::list_tags::ListTagsOutput;
use aws_sdk_lambda::operation::list_versions_by_function::ListVersionsByFunctionOutput;
use aws_sdk_lambda::types::{AliasConfiguration, FunctionConfiguration};
use aws_sdk_resourcegroupstagging::operation::get_resources::{
    GetResourcesError, GetResourcesOutput,
};
use aws_sdk_resourcegroupstagging::types::{ResourceTagMapping, Tag};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use mfn_tui::fleet::aws::{AwsFleet, Clients};
use mfn_tui::fleet::grouping::GroupingRules;
use mfn_tui::fleet::{Depth, FleetError, Inventory, Target, discover_to_end};

const ACCOUNT: &str = "210987654321";

fn arn(region: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}")
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-dev-fn{i:03}")).collect()
}

/// `ListFunctions` over pages of 50, chained by `Marker`/`NextMarker`.
fn list_functions_pages(region: &'static str, all: Vec<String>) -> Rule {
    mock!(aws_sdk_lambda::Client::list_functions).then_compute_output(move |req| {
        let start: usize = req.marker().map(|m| m.parse().unwrap()).unwrap_or(0);
        let end = (start + 50).min(all.len());
        let page = all[start..end]
            .iter()
            .map(|n| {
                FunctionConfiguration::builder()
                    .function_name(n)
                    .function_arn(arn(region, n))
                    .memory_size(128)
                    .build()
            })
            .collect();
        let mut out = ListFunctionsOutput::builder().set_functions(Some(page));
        if end < all.len() {
            out = out.next_marker(end.to_string());
        }
        out.build()
    })
}

fn empty_lambda_rules() -> Vec<Rule> {
    vec![
        mock!(aws_sdk_lambda::Client::list_versions_by_function)
            .then_output(|| ListVersionsByFunctionOutput::builder().build()),
        mock!(aws_sdk_lambda::Client::list_event_source_mappings)
            .then_output(|| ListEventSourceMappingsOutput::builder().build()),
    ]
}

/// Each function has one alias, `live`, so a test can see that every function was visited.
fn aliases_rule() -> Rule {
    mock!(aws_sdk_lambda::Client::list_aliases).then_compute_output(|req| {
        ListAliasesOutput::builder()
            .aliases(
                AliasConfiguration::builder()
                    .name("live")
                    .function_version("1")
                    .description(req.function_name().unwrap_or_default())
                    .build(),
            )
            .build()
    })
}

/// `GetResources` over pages of 100, tagging every function with `mfn:service=tagged`.
fn tag_pages(region: &'static str, all: Vec<String>) -> Rule {
    mock!(aws_sdk_resourcegroupstagging::Client::get_resources).then_compute_output(move |req| {
        assert_eq!(req.resources_per_page(), Some(100));
        let start: usize = req
            .pagination_token()
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().unwrap())
            .unwrap_or(0);
        let end = (start + 100).min(all.len());
        let page = all[start..end].iter().map(|n| {
            ResourceTagMapping::builder()
                .resource_arn(arn(region, n))
                .tags(
                    Tag::builder()
                        .key("mfn:service")
                        .value("tagged")
                        .build()
                        .unwrap(),
                )
                .build()
        });
        GetResourcesOutput::builder()
            .set_resource_tag_mapping_list(Some(page.collect()))
            .pagination_token(if end < all.len() {
                end.to_string()
            } else {
                String::new()
            })
            .build()
    })
}

fn quiet_clients(
    lambda: aws_sdk_lambda::Client,
    tagging: aws_sdk_resourcegroupstagging::Client,
) -> Clients {
    let rest = mock_client!(
        aws_sdk_apigateway,
        RuleMode::MatchAny,
        &[
            &mock!(aws_sdk_apigateway::Client::get_rest_apis).then_output(|| {
                aws_sdk_apigateway::operation::get_rest_apis::GetRestApisOutput::builder().build()
            })
        ]
    );
    let http = mock_client!(
        aws_sdk_apigatewayv2,
        RuleMode::MatchAny,
        &[
            &mock!(aws_sdk_apigatewayv2::Client::get_apis).then_output(|| {
                aws_sdk_apigatewayv2::operation::get_apis::GetApisOutput::builder().build()
            })
        ]
    );
    let sts = mock_client!(
        aws_sdk_sts,
        RuleMode::MatchAny,
        &[
            &mock!(aws_sdk_sts::Client::get_caller_identity).then_output(|| {
                aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput::builder()
                    .account(ACCOUNT)
                    .build()
            })
        ]
    );
    let no_rules: &[&Rule] = &[];
    Clients {
        budget: std::sync::Arc::new(mfn_tui::fleet::aws::budget::Budget::new(
            mfn_tui::fleet::aws::budget::QuotaSettings::default(),
        )),
        lambda,
        tagging,
        rest,
        http,
        sts,
        logs: mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, no_rules),
        metrics: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, no_rules),
        caller: None,
    }
}

fn fast_retries(b: aws_sdk_lambda::config::Builder) -> aws_sdk_lambda::config::Builder {
    b.retry_config(
        aws_sdk_lambda::config::retry::RetryConfig::standard()
            .with_max_attempts(3)
            .with_initial_backoff(Duration::from_millis(5)),
    )
}

async fn discover(clients: Vec<(Target, Clients)>) -> Inventory {
    let fleet = AwsFleet::with_clients(clients, 16);
    let mut inventory = Inventory::new(GroupingRules::default());
    discover_to_end(&fleet, Depth::Complete, &mut inventory).await;
    inventory
}

#[tokio::test]
async fn every_page_of_functions_and_tags_is_walked_and_every_function_gets_its_aliases() {
    let region = "eu-central-1";
    let all = names("billing", 120);
    let mut lambda_rules = vec![list_functions_pages(region, all.clone()), aliases_rule()];
    lambda_rules.extend(empty_lambda_rules());
    let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, &lambda_rules);
    let tagging = mock_client!(
        aws_sdk_resourcegroupstagging,
        RuleMode::MatchAny,
        &[&tag_pages(region, all.clone())]
    );
    let inv = discover(vec![(
        Target::new(None, region),
        quiet_clients(lambda, tagging),
    )])
    .await;

    assert!(inv.failures().is_empty(), "{:?}", inv.failures());
    assert_eq!(inv.function_count(), 120, "three pages of ListFunctions");
    for f in inv.functions() {
        assert_eq!(f.aliases.len(), 1, "{} has no aliases", f.name);
        assert_eq!(
            f.aliases[0].description, f.name,
            "aliases asked for the function itself"
        );
        assert_eq!(
            f.placement.service, "tagged",
            "{} missed its tags page",
            f.name
        );
    }
}

#[tokio::test]
async fn throttled_calls_are_retried_and_a_call_throttled_past_its_retries_is_reported_alone() {
    let region = "us-west-2";
    let all = names("search", 3);
    let throttled = || {
        ListAliasesError::generic(
            ErrorMetadata::builder()
                .code("TooManyRequestsException")
                .message("Rate exceeded")
                .build(),
        )
    };
    let alias = || {
        ListAliasesOutput::builder()
            .aliases(
                AliasConfiguration::builder()
                    .name("live")
                    .function_version("1")
                    .build(),
            )
            .build()
    };
    // search-dev-fn000 is throttled twice, then answers; search-dev-fn001 is always throttled.
    let recovers = mock!(aws_sdk_lambda::Client::list_aliases)
        .match_requests(|req| req.function_name() == Some("search-dev-fn000"))
        .sequence()
        .error(throttled)
        .times(2)
        .output(alias)
        .build();
    let never = mock!(aws_sdk_lambda::Client::list_aliases)
        .match_requests(|req| req.function_name() == Some("search-dev-fn001"))
        .then_error(throttled);
    let mut lambda_rules = vec![
        list_functions_pages(region, all.clone()),
        recovers.clone(),
        never.clone(),
        aliases_rule(),
    ];
    lambda_rules.extend(empty_lambda_rules());
    let lambda = mock_client!(
        aws_sdk_lambda,
        RuleMode::MatchAny,
        &lambda_rules,
        fast_retries
    );
    let tagging = mock_client!(
        aws_sdk_resourcegroupstagging,
        RuleMode::MatchAny,
        &[&tag_pages(region, all.clone())]
    );
    let inv = discover(vec![(
        Target::new(None, region),
        quiet_clients(lambda, tagging),
    )])
    .await;

    let aliases = |n: &str| inv.functions().find(|f| f.name == n).unwrap().aliases.len();
    assert_eq!(
        aliases("search-dev-fn000"),
        1,
        "recovered after two throttles"
    );
    assert_eq!(aliases("search-dev-fn001"), 0);
    assert_eq!(aliases("search-dev-fn002"), 1);
    assert_eq!(inv.function_count(), 3, "the rest of the fleet stays");
    let failures = inv.failures();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].scope, "ListAliases search-dev-fn001");
    assert!(matches!(failures[0].error, FleetError::Throttled { .. }));
    assert_eq!(
        recovers.num_calls(),
        3,
        "two throttled attempts and one answer"
    );
    assert_eq!(never.num_calls(), 3, "max_attempts, then given up");
}

#[tokio::test]
async fn access_denied_in_one_region_leaves_the_other_region_whole() {
    let (open, closed) = ("ap-south-1", "sa-east-1");
    let all = names("media", 4);
    let mut lambda_rules = vec![list_functions_pages(open, all.clone()), aliases_rule()];
    lambda_rules.extend(empty_lambda_rules());
    let open_lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, &lambda_rules);
    let open_tagging = mock_client!(
        aws_sdk_resourcegroupstagging,
        RuleMode::MatchAny,
        &[&tag_pages(open, all.clone())]
    );

    let denied = mock!(aws_sdk_lambda::Client::list_functions).then_error(|| {
        ListFunctionsError::generic(
            ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("User is not authorized to perform: lambda:ListFunctions")
                .build(),
        )
    });
    let mut closed_rules = vec![denied];
    closed_rules.extend(empty_lambda_rules());
    let closed_lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, &closed_rules);
    let closed_tagging = mock_client!(
        aws_sdk_resourcegroupstagging,
        RuleMode::MatchAny,
        &[&tag_pages(closed, Vec::new())]
    );

    let inv = discover(vec![
        (
            Target::new(None, open),
            quiet_clients(open_lambda, open_tagging),
        ),
        (
            Target::new(None, closed),
            quiet_clients(closed_lambda, closed_tagging),
        ),
    ])
    .await;

    assert_eq!(inv.function_count(), 4);
    assert!(inv.functions().all(|f| f.region == open));
    let open_t = Target::new(None, open);
    let closed_t = Target::new(None, closed);
    assert!(inv.functions_listed(&open_t) && !inv.target_failed(&open_t));
    assert!(!inv.functions_listed(&closed_t));
    let failure = &inv.failures()[0];
    assert_eq!(failure.target, closed_t);
    assert!(
        matches!(failure.error, FleetError::AccessDenied { .. }),
        "{:?}",
        failure.error
    );
    assert!(failure.error.to_string().contains("lambda:ListFunctions"));
    assert_eq!(inv.pending_targets(), 0, "both regions finished");
}

#[tokio::test]
async fn without_the_bulk_tagging_permission_tags_come_from_list_tags_per_function() {
    let region = "eu-north-1";
    let all = names("mail", 3);
    let mut lambda_rules = vec![
        list_functions_pages(region, all.clone()),
        aliases_rule(),
        mock!(aws_sdk_lambda::Client::list_tags).then_compute_output(|req| {
            let name = req
                .resource()
                .unwrap_or_default()
                .rsplit(':')
                .next()
                .unwrap()
                .to_owned();
            ListTagsOutput::builder()
                .tags("mfn:service", format!("svc-of-{name}"))
                .build()
        }),
    ];
    lambda_rules.extend(empty_lambda_rules());
    let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, &lambda_rules);
    let tagging = mock_client!(
        aws_sdk_resourcegroupstagging,
        RuleMode::MatchAny,
        &[
            &mock!(aws_sdk_resourcegroupstagging::Client::get_resources).then_error(|| {
                GetResourcesError::generic(
                    ErrorMetadata::builder()
                        .code("AccessDeniedException")
                        .build(),
                )
            })
        ]
    );
    let inv = discover(vec![(
        Target::new(None, region),
        quiet_clients(lambda, tagging),
    )])
    .await;

    assert!(inv.failures().is_empty(), "{:?}", inv.failures());
    for f in inv.functions() {
        assert_eq!(f.placement.service, format!("svc-of-{}", f.name));
    }
}

#[tokio::test]
async fn the_budget_spends_one_turn_per_call_made_and_none_for_the_end_of_a_walk() {
    use mfn_tui::fleet::aws::budget::{Api, Budget, QuotaSettings};
    let region = "eu-central-1";
    let all = names("billing", 120);
    let lambda_rules = vec![
        list_functions_pages(region, all.clone()),
        aliases_rule(),
        mock!(aws_sdk_lambda::Client::list_event_source_mappings)
            .then_output(|| ListEventSourceMappingsOutput::builder().build()),
    ];
    let tag_rule = tag_pages(region, all.clone());
    let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, &lambda_rules);
    let tagging = mock_client!(
        aws_sdk_resourcegroupstagging,
        RuleMode::MatchAny,
        &[&tag_rule]
    );
    // Rates high enough that the test does not wait; only the turns taken matter.
    let budget = std::sync::Arc::new(Budget::new(QuotaSettings {
        lambda_control_per_s: 100_000.0,
        tagging_per_s: 100_000.0,
        api_gateway_per_s: 100_000.0,
        ..QuotaSettings::default()
    }));
    let clients = quiet_clients(lambda, tagging).under(budget.clone());
    let inv = discover(vec![(Target::new(None, region), clients)]).await;
    assert!(inv.failures().is_empty(), "{:?}", inv.failures());
    assert_eq!(inv.function_count(), 120);

    let lambda_calls: usize = lambda_rules.iter().map(Rule::num_calls).sum();
    // The function list and every version (three pages each), the event sources, an alias
    // call per function.
    assert_eq!(lambda_calls, 3 + 3 + 1 + 120);
    let spent = budget.spent();
    assert_eq!(
        spent.calls[&Api::LambdaControl],
        lambda_calls as u64,
        "a turn for each call, none for the end of each walk"
    );
    assert_eq!(spent.calls[&Api::Tagging], tag_rule.num_calls() as u64);
}
