//! Discovery of one target: the `ListFunctions` page walk runs while tags, routes, event sources
//! and the account are fetched beside it, and each page's aliases and versions are fetched as
//! soon as the page arrives, under one bound on calls in flight.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::clients::Clients;
use super::errors::classify;
use super::{functions, routes, tags};
use crate::fleet::{DiscoveryEvent, DiscoverySink, FleetError, Target};

/// Discovers `target` with at most `concurrency` per-function or per-API calls in flight.
pub async fn discover_target(
    clients: Clients,
    target: Target,
    sink: DiscoverySink,
    concurrency: usize,
) {
    let report = Reporter {
        sink: sink.clone(),
        target: target.clone(),
    };
    report.send(DiscoveryEvent::Started(target.clone()));
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut per_function: JoinSet<()> = JoinSet::new();

    let account = async {
        match clients.sts.get_caller_identity().send().await {
            Ok(out) => report.send(DiscoveryEvent::Account {
                target: target.clone(),
                account: out.account().unwrap_or_default().to_owned(),
            }),
            Err(e) => report.failed(
                "GetCallerIdentity",
                classify("sts", "GetCallerIdentity", &e),
            ),
        }
    };
    let bulk_tags = tags::all_function_tags(&clients.tagging);
    let api_routes = async {
        let (rest, http) = tokio::join!(
            routes::rest_routes(&clients.rest, permits.clone()),
            routes::http_routes(&clients.http, permits.clone())
        );
        let mut found = Vec::new();
        for (scope, result) in [("GetRestApis", rest), ("GetApis", http)] {
            match result {
                Ok(per_api) => {
                    for api in per_api {
                        match api {
                            Ok(routes) => found.extend(routes),
                            Err((scope, e)) => report.failed(&scope, e),
                        }
                    }
                }
                Err(e) => report.failed(scope, e),
            }
        }
        report.send(DiscoveryEvent::Routes {
            target: target.clone(),
            routes: found,
        });
    };
    let event_sources = async {
        match functions::event_sources(&clients.lambda).await {
            Ok(mappings) => report.send(DiscoveryEvent::EventSources {
                target: target.clone(),
                mappings,
            }),
            Err(e) => report.failed("ListEventSourceMappings", e),
        }
    };
    let walk = async {
        let mut arns = Vec::new();
        let walked = functions::walk_functions(&clients.lambda, &target, |page| {
            for f in &page {
                arns.push(f.arn.clone());
                spawn_details(&mut per_function, &clients, &report, &permits, &f.arn);
            }
            report.send(DiscoveryEvent::Functions {
                target: target.clone(),
                functions: page,
            });
        })
        .await;
        if let Err(e) = walked {
            report.failed(crate::fleet::inventory::LIST_FUNCTIONS, e);
        }
        arns
    };
    let ((), tags, (), (), arns) =
        tokio::join!(account, bulk_tags, api_routes, event_sources, walk);

    match tags {
        Ok(tags) => report.send(DiscoveryEvent::Tags {
            target: target.clone(),
            tags,
        }),
        Err(e) => {
            tracing::warn!(%target, error = %e, "bulk tags unavailable, falling back to ListTags");
            for arn in arns {
                spawn_tags(&mut per_function, &clients, &report, &permits, arn);
            }
        }
    }
    while per_function.join_next().await.is_some() {}
    report.send(DiscoveryEvent::Finished(target));
}

/// Sends findings of one target.
#[derive(Clone)]
struct Reporter {
    sink: DiscoverySink,
    target: Target,
}

impl Reporter {
    fn send(&self, event: DiscoveryEvent) {
        // A closed sink means nobody is listening any more (the UI quit); nothing to do.
        let _ = self.sink.send(event);
    }

    fn failed(&self, scope: &str, error: FleetError) {
        tracing::warn!(target = %self.target, scope, error = %error, "discovery call failed");
        self.send(DiscoveryEvent::Failed {
            target: self.target.clone(),
            scope: scope.to_owned(),
            error,
        });
    }
}

/// Runs one call under the bound on calls in flight; its result becomes a finding, or a failure
/// reported under `scope`.
fn spawn_bounded<T, F>(
    tasks: &mut JoinSet<()>,
    permits: &Arc<Semaphore>,
    report: &Reporter,
    scope: String,
    call: F,
    found: impl FnOnce(T) -> DiscoveryEvent + Send + 'static,
) where
    F: Future<Output = Result<T, FleetError>> + Send + 'static,
    T: Send + 'static,
{
    let (permits, report) = (permits.clone(), report.clone());
    tasks.spawn(async move {
        let _permit = permits.acquire_owned().await.ok();
        match call.await {
            Ok(value) => report.send(found(value)),
            Err(e) => report.failed(&scope, e),
        }
    });
}

/// A function's aliases and versions, by name: every client is of one account and region, and
/// the emulator takes no ARN for these calls.
fn spawn_details(
    tasks: &mut JoinSet<()>,
    clients: &Clients,
    report: &Reporter,
    permits: &Arc<Semaphore>,
    arn: &str,
) {
    let name = short(arn).to_owned();
    let (lambda, n, a) = (clients.lambda.clone(), name.clone(), arn.to_owned());
    spawn_bounded(
        tasks,
        permits,
        report,
        format!("ListAliases {name}"),
        async move { functions::aliases(&lambda, &n).await },
        move |aliases| DiscoveryEvent::Aliases {
            function_arn: a,
            aliases,
        },
    );
    let (lambda, n, a) = (clients.lambda.clone(), name.clone(), arn.to_owned());
    spawn_bounded(
        tasks,
        permits,
        report,
        format!("ListVersionsByFunction {name}"),
        async move { functions::versions(&lambda, &n).await },
        move |versions| DiscoveryEvent::Versions {
            function_arn: a,
            versions,
        },
    );
}

fn spawn_tags(
    tasks: &mut JoinSet<()>,
    clients: &Clients,
    report: &Reporter,
    permits: &Arc<Semaphore>,
    arn: String,
) {
    let (lambda, a, target) = (clients.lambda.clone(), arn.clone(), report.target.clone());
    spawn_bounded(
        tasks,
        permits,
        report,
        format!("ListTags {}", short(&arn)),
        async move { functions::tags(&lambda, &a).await },
        move |tags| DiscoveryEvent::Tags {
            target,
            tags: [(arn, tags)].into(),
        },
    );
}

/// The function name at the end of an ARN.
fn short(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}
