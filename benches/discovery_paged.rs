//! Discovery cost where the emulator cannot show it: AWS-sized pages (50 functions a
//! `ListFunctions` page, 100 a `GetResources` page) and a server whose throughput is not one
//! Python process. The AWS SDK clients run their real code path with `aws-smithy-mocks` rules for
//! the answers and an HTTP client that takes a fixed latency per call (default 50 ms).
//!
//! Compares the sequential `ListFunctions` page walk, a straightforward sequential client making
//! the same calls, and mfn-tui's discovery at two concurrencies, for 2 × 1,000 functions.
//!
//! `cargo bench --bench discovery_paged` (env: MFN_BENCH_PER_REGION, MFN_BENCH_LATENCY_MS,
//! MFN_BENCH_SEQUENTIAL=0 to skip the slow sequential client).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use aws_sdk_lambda::operation::list_aliases::ListAliasesOutput;
use aws_sdk_lambda::operation::list_event_source_mappings::ListEventSourceMappingsOutput;
use aws_sdk_lambda::operation::list_functions::ListFunctionsOutput;
use aws_sdk_lambda::operation::list_versions_by_function::ListVersionsByFunctionOutput;
use aws_sdk_lambda::types::{AliasConfiguration, FunctionConfiguration};
use aws_sdk_resourcegroupstagging::operation::get_resources::GetResourcesOutput;
use aws_sdk_resourcegroupstagging::types::{ResourceTagMapping, Tag};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use mfn_tui::fleet::aws::{AwsFleet, Clients};
use mfn_tui::fleet::grouping::GroupingRules;
use mfn_tui::fleet::{Depth, Inventory, Target, discover_to_end};
use support::sequential::sequential_client;

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

/// Every call takes `latency`; the mock rules then supply the modeled answer.
#[derive(Debug, Clone)]
struct Latency(Duration);

impl HttpConnector for Latency {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let latency = self.0;
        HttpConnectorFuture::new(async move {
            tokio::time::sleep(latency).await;
            Ok(HttpResponse::new(
                418.try_into().unwrap(),
                SdkBody::from("answered by a mock rule"),
            ))
        })
    }
}

impl HttpClient for Latency {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

fn names(region: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("svc{:02}{}-prod-fn{:03}", i / 25, &region[..2], i % 25))
        .collect()
}

fn arn(region: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:123456789012:function:{name}")
}

fn clients(region: &'static str, all: Vec<String>, latency: Duration) -> Clients {
    let http = SharedHttpClient::new(Latency(latency));
    let fns = all.clone();
    let lambda_rules: Vec<Rule> = vec![
        mock!(aws_sdk_lambda::Client::list_functions).then_compute_output(move |req| {
            let start: usize = req.marker().map(|m| m.parse().unwrap()).unwrap_or(0);
            let end = (start + 50).min(fns.len());
            let page = fns[start..end].iter().map(|n| {
                FunctionConfiguration::builder()
                    .function_name(n)
                    .function_arn(arn(region, n))
                    .build()
            });
            let mut out = ListFunctionsOutput::builder().set_functions(Some(page.collect()));
            if end < fns.len() {
                out = out.next_marker(end.to_string());
            }
            out.build()
        }),
        mock!(aws_sdk_lambda::Client::list_aliases).then_output(|| {
            ListAliasesOutput::builder()
                .aliases(
                    AliasConfiguration::builder()
                        .name("live")
                        .function_version("1")
                        .build(),
                )
                .build()
        }),
        mock!(aws_sdk_lambda::Client::list_versions_by_function).then_output(|| {
            ListVersionsByFunctionOutput::builder()
                .versions(FunctionConfiguration::builder().version("1").build())
                .build()
        }),
        mock!(aws_sdk_lambda::Client::list_event_source_mappings)
            .then_output(|| ListEventSourceMappingsOutput::builder().build()),
    ];
    let h = http.clone();
    let lambda = mock_client!(
        aws_sdk_lambda,
        RuleMode::MatchAny,
        &lambda_rules,
        move |b| b.http_client(h.clone())
    );
    let tags = all.clone();
    let h = http.clone();
    let tagging = mock_client!(
        aws_sdk_resourcegroupstagging,
        RuleMode::MatchAny,
        &[
            &mock!(aws_sdk_resourcegroupstagging::Client::get_resources).then_compute_output(
                move |req| {
                    let start: usize = req
                        .pagination_token()
                        .filter(|t| !t.is_empty())
                        .map(|t| t.parse().unwrap())
                        .unwrap_or(0);
                    let end = (start + 100).min(tags.len());
                    let page = tags[start..end].iter().map(|n| {
                        ResourceTagMapping::builder()
                            .resource_arn(arn(region, n))
                            .tags(
                                Tag::builder()
                                    .key("aws:cloudformation:stack-name")
                                    .value(n.split("-fn").next().unwrap())
                                    .build()
                                    .unwrap(),
                            )
                            .build()
                    });
                    GetResourcesOutput::builder()
                        .set_resource_tag_mapping_list(Some(page.collect()))
                        .pagination_token(if end < tags.len() {
                            end.to_string()
                        } else {
                            String::new()
                        })
                        .build()
                }
            )
        ],
        move |b| b.http_client(h.clone())
    );
    let h = http.clone();
    let rest = mock_client!(
        aws_sdk_apigateway,
        RuleMode::MatchAny,
        &[
            &mock!(aws_sdk_apigateway::Client::get_rest_apis).then_output(|| {
                aws_sdk_apigateway::operation::get_rest_apis::GetRestApisOutput::builder().build()
            })
        ],
        move |b| b.http_client(h.clone())
    );
    let h = http.clone();
    let http_apis = mock_client!(
        aws_sdk_apigatewayv2,
        RuleMode::MatchAny,
        &[
            &mock!(aws_sdk_apigatewayv2::Client::get_apis).then_output(|| {
                aws_sdk_apigatewayv2::operation::get_apis::GetApisOutput::builder().build()
            })
        ],
        move |b| b.http_client(h.clone())
    );
    let h = http.clone();
    let sts = mock_client!(
        aws_sdk_sts,
        RuleMode::MatchAny,
        &[
            &mock!(aws_sdk_sts::Client::get_caller_identity).then_output(|| {
                aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput::builder()
                    .account("123456789012")
                    .build()
            })
        ],
        move |b| b.http_client(h.clone())
    );
    let no_rules: &[&Rule] = &[];
    Clients {
        budget: std::sync::Arc::new(mfn_tui::fleet::aws::budget::Budget::new(
            mfn_tui::fleet::aws::budget::QuotaSettings::default(),
        )),
        lambda,
        tagging,
        rest,
        http: http_apis,
        sts,
        logs: mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, no_rules),
        metrics: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, no_rules),
        caller: None,
    }
}

async fn page_walk(lambda: aws_sdk_lambda::Client) -> usize {
    let mut pages = lambda.list_functions().into_paginator().send();
    let mut n = 0;
    while let Some(page) = pages.next().await {
        page.expect("ListFunctions");
        n += 1;
    }
    n
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let per_region = env("MFN_BENCH_PER_REGION", 1000);
    let latency = Duration::from_millis(env("MFN_BENCH_LATENCY_MS", 50) as u64);
    let targets: Vec<(Target, Clients)> = REGIONS
        .iter()
        .map(|r| {
            (
                Target::new(None, r),
                clients(r, names(r, per_region), latency),
            )
        })
        .collect();
    let functions = per_region * REGIONS.len();
    println!(
        "{functions} functions in {} services over {} regions, {} ms per call, pages of 50\n",
        functions / 25,
        REGIONS.len(),
        latency.as_millis()
    );

    let start = Instant::now();
    let walks: Vec<_> = targets
        .iter()
        .map(|(_, c)| tokio::spawn(page_walk(c.lambda.clone())))
        .collect();
    let mut pages = 0;
    for w in walks {
        pages += w.await.unwrap();
    }
    let walk = start.elapsed();

    let mut rows = vec![format!(
        "| sequential ListFunctions page walk ({pages} pages, regions side by side) | {:.2} s | 1.00× |",
        walk.as_secs_f64()
    )];
    for concurrency in [32, 64] {
        let mut runs = Vec::new();
        for _ in 0..3 {
            let fleet = AwsFleet::with_clients(targets.clone(), concurrency);
            let mut inventory = Inventory::new(GroupingRules::default());
            let start = Instant::now();
            discover_to_end(&fleet, Depth::Complete, &mut inventory).await;
            runs.push(start.elapsed().as_secs_f64());
            assert!(
                inventory.failures().is_empty(),
                "{:?}",
                inventory.failures()
            );
            assert_eq!(inventory.function_count(), functions);
            assert!(
                inventory
                    .functions()
                    .all(|f| f.aliases.len() == 1 && f.versions.len() == 1)
            );
            assert!(
                inventory
                    .functions()
                    .all(|f| f.placement.service.starts_with("svc"))
            );
        }
        runs.sort_by(f64::total_cmp);
        rows.push(format!(
            "| mfn-tui discovery with tags, aliases, versions, concurrency {concurrency} (median of 3) | {:.2} s | {:.2}× |",
            runs[1],
            runs[1] / walk.as_secs_f64()
        ));
    }
    if env("MFN_BENCH_SEQUENTIAL", 1) == 1 {
        let start = Instant::now();
        let mut n = 0;
        for (_, c) in &targets {
            n += sequential_client(c).await;
        }
        assert_eq!(n, functions);
        let s = start.elapsed().as_secs_f64();
        rows.push(format!(
            "| straightforward sequential client, same calls | {s:.2} s | {:.2}× |",
            s / walk.as_secs_f64()
        ));
    }
    println!("| what | time | × page walk |");
    println!("|---|---:|---:|");
    for r in rows {
        println!("{r}");
    }
}
