//! The fleet of the bench, seeded straight into the emulator (not through the proxy, and not
//! measured): in each region `services` Serverless services (`svcNNN`, stage `prod`, functions
//! `svcNNN-prod-fnNNN` tagged with their stack `svcNNN-prod`, as CloudFormation tags them, so
//! discovery groups them by stack), one function in ten with a published version and an alias
//! `live`, and CloudWatch datapoints for those (the emulator's `GetMetricData` costs queries ×
//! stored datapoints, so a datapoint for every function would make each call take seconds).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StatisticSet};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, Runtime};
use mfn_tui::fleet::{Alias, DiscoveryEvent, Inventory};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::harness::{REGIONS, Sizes};
use crate::support::aws_proxy::{AwsProxy, ProxyOptions, Quotas};
use crate::support::emulator::Emulator;
use crate::support::seed::{now_ms, zip_bytes};

/// Calls in flight while seeding (the emulator serves about 160 calls/s from 32 at once).
const SEEDING_CONCURRENCY: usize = 32;

/// One alias every this many functions of a region.
pub const ALIAS_EVERY: usize = 10;

/// What was seeded.
#[derive(Debug, Clone, Default)]
pub struct Seeded {
    /// (region, function name) of every function.
    pub functions: Vec<(String, String)>,
    /// (region, function name) of the functions with the alias `live` on version 1.
    pub aliased: BTreeSet<(String, String)>,
}

impl Seeded {
    pub fn in_region(&self, region: &str) -> usize {
        self.functions.iter().filter(|(r, _)| r == region).count()
    }

    /// Adds the seeded alias `live` to the functions of `inventory` that have one, as the
    /// dashboard's background reads would find it (the figures that start from a known fleet
    /// need not wait a minute for those reads).
    pub fn add_aliases(&self, inventory: &mut Inventory) {
        let arns: Vec<String> = inventory
            .functions()
            .filter(|f| self.aliased.contains(&(f.region.clone(), f.name.clone())))
            .map(|f| f.arn.clone())
            .collect();
        for function_arn in arns {
            inventory.apply(DiscoveryEvent::Aliases {
                function_arn,
                aliases: vec![Alias {
                    name: "live".into(),
                    version: "1".into(),
                    weights: [("1".to_owned(), 1.0)].into(),
                    description: String::new(),
                }],
            });
        }
    }
}

pub fn function_name(service: usize, function: usize) -> String {
    format!("svc{service:03}-prod-fn{function:03}")
}

pub async fn seed(emulator: &Emulator, sizes: &Sizes) -> Seeded {
    let started = Instant::now();
    let role = emulator.create_lambda_role();
    let mut seeded = Seeded::default();
    let permits = Arc::new(Semaphore::new(SEEDING_CONCURRENCY));
    let mut creates = JoinSet::new();
    for region in REGIONS {
        let lambda = aws_sdk_lambda::Client::new(&emulator.sdk_config(region).await);
        for s in 0..sizes.services {
            for f in 0..sizes.per_service {
                let name = function_name(s, f);
                let aliased = (s * sizes.per_service + f).is_multiple_of(ALIAS_EVERY);
                seeded.functions.push((region.to_owned(), name.clone()));
                if aliased {
                    seeded.aliased.insert((region.to_owned(), name.clone()));
                }
                let (lambda, permits, role) = (lambda.clone(), permits.clone(), role.clone());
                creates.spawn(async move {
                    let _permit = permits.acquire_owned().await.expect("permits");
                    create(&lambda, &role, s, &name, aliased).await;
                });
            }
        }
    }
    while let Some(done) = creates.join_next().await {
        done.expect("a seeding task");
    }
    put_metrics(emulator, &seeded).await;
    println!(
        "seeded {} functions ({} with an alias) in {} services over {} regions in {:.1} s",
        seeded.functions.len(),
        seeded.aliased.len(),
        sizes.services * REGIONS.len(),
        REGIONS.len(),
        started.elapsed().as_secs_f64()
    );
    seeded
}

async fn create(
    lambda: &aws_sdk_lambda::Client,
    role: &str,
    service: usize,
    name: &str,
    aliased: bool,
) {
    lambda
        .create_function()
        .function_name(name)
        .runtime(Runtime::Python312)
        .role(role)
        .handler("handler.main")
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(zip_bytes(name)))
                .build(),
        )
        .tags(
            "aws:cloudformation:stack-name",
            format!("svc{service:03}-prod"),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("create {name}: {e:?}"));
    if aliased {
        let v = lambda
            .publish_version()
            .function_name(name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("publish {name}: {e:?}"));
        lambda
            .create_alias()
            .function_name(name)
            .name("live")
            .function_version(v.version().unwrap_or("1"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("alias {name}: {e:?}"));
    }
}

/// Ten minutes ago, each aliased function: 10 invocations, 1 error, no throttle, durations of
/// 12 to 300 ms (1,234 ms in all). The SDK speaks CloudWatch in CBOR, which the emulator does
/// not: the datapoints go through a proxy of their own (no latency, no quota) that translates.
async fn put_metrics(emulator: &Emulator, seeded: &Seeded) {
    let translator = AwsProxy::start(
        &emulator.endpoint,
        ProxyOptions::new().quotas(Quotas::unlimited()),
    )
    .await;
    let at = DateTime::from_millis(now_ms() - 600_000);
    for region in REGIONS {
        let cloudwatch = aws_sdk_cloudwatch::Client::new(&translator.sdk_config(region).await);
        let datums: Vec<MetricDatum> = seeded
            .aliased
            .iter()
            .filter(|(r, _)| r == region)
            .flat_map(|(_, name)| {
                let datum = |metric: &str| {
                    MetricDatum::builder()
                        .metric_name(metric)
                        .dimensions(
                            Dimension::builder()
                                .name("FunctionName")
                                .value(name)
                                .build(),
                        )
                        .timestamp(at)
                };
                [
                    datum("Invocations").value(10.0).build(),
                    datum("Errors").value(1.0).build(),
                    datum("Throttles").value(0.0).build(),
                    datum("Duration")
                        .statistic_values(
                            StatisticSet::builder()
                                .sample_count(10.0)
                                .sum(1234.0)
                                .minimum(12.0)
                                .maximum(300.0)
                                .build(),
                        )
                        .build(),
                ]
            })
            .collect();
        for batch in datums.chunks(1000) {
            cloudwatch
                .put_metric_data()
                .namespace("AWS/Lambda")
                .set_metric_data(Some(batch.to_vec()))
                .send()
                .await
                .expect("put metric data");
        }
    }
}
