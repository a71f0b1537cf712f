//! Discovery of one target, spending the control plane's budget where it matters: the
//! `ListFunctions` page walk first (with tags, routes, event sources and the account fetched
//! beside it, each under its own API's budget); then, as deep as the caller needs, the
//! functions' versions (one `FunctionVersion=ALL` walk, not a call per function) and aliases (a
//! call per function, the floor: there is no bulk call). The dashboard gets those after the
//! target is `Finished`, in the background, taking only the budget nobody else waits for.

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::budget::in_background;
use super::clients::Clients;
use super::errors::classify;
use super::{functions, routes, tags};
use crate::fleet::{Depth, DiscoveryEvent, DiscoverySink, FleetError, Target};

/// Functions whose versions and aliases were read already (by ARN), so the background walk
/// skips those the dashboard asked for first.
pub type Detailed = Arc<Mutex<HashSet<String>>>;

/// Discovers `target` as deep as `depth`, with at most `concurrency` per-function or per-API
/// calls in flight.
pub async fn discover_target(
    clients: Clients,
    target: Target,
    depth: Depth,
    sink: DiscoverySink,
    concurrency: usize,
    detailed: Detailed,
) {
    let report = Reporter {
        sink: sink.clone(),
        target: target.clone(),
    };
    report.send(DiscoveryEvent::Started(target.clone()));
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut per_function: JoinSet<()> = JoinSet::new();

    let account = async {
        // Asked once when the clients were built; asked again only where that failed, so the
        // failure is reported here.
        if let Some(me) = &clients.caller {
            report.send(DiscoveryEvent::Account {
                target: target.clone(),
                account: me.account.clone(),
            });
            return;
        }
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
    let bulk_tags = tags::all_function_tags(&clients);
    let api_routes = async {
        let budget = clients.budget.clone();
        let (rest, http) = tokio::join!(
            routes::rest_routes(&clients.rest, budget.clone(), permits.clone()),
            routes::http_routes(&clients.http, budget, permits.clone())
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
        match functions::event_sources(&clients).await {
            Ok(mappings) => report.send(DiscoveryEvent::EventSources {
                target: target.clone(),
                mappings,
            }),
            Err(e) => report.failed("ListEventSourceMappings", e),
        }
    };
    let walk = async {
        let mut arns = Vec::new();
        let walked = functions::walk_functions(&clients, &target, |page| {
            arns.extend(page.iter().map(|f| f.arn.clone()));
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
            for arn in &arns {
                spawn_tags(&mut per_function, &clients, &report, &permits, arn.clone());
            }
        }
    }
    let details = Details {
        clients: clients.clone(),
        report: report.clone(),
        permits,
        detailed,
    };
    match depth {
        Depth::Functions => {}
        Depth::Complete => details.all(&arns, &mut per_function).await,
        Depth::Background => {
            while per_function.join_next().await.is_some() {}
            report.send(DiscoveryEvent::Finished(target));
            in_background(details.all(&arns, &mut per_function)).await;
            while per_function.join_next().await.is_some() {}
            return;
        }
    }
    while per_function.join_next().await.is_some() {}
    report.send(DiscoveryEvent::Finished(target));
}

/// Reads the versions and aliases of functions.
struct Details {
    clients: Clients,
    report: Reporter,
    permits: Arc<Semaphore>,
    detailed: Detailed,
}

impl Details {
    /// Every function's versions in one walk, then the aliases of those not read yet, each
    /// waiting for its turn under `tasks`.
    async fn all(&self, arns: &[String], tasks: &mut JoinSet<()>) {
        match functions::all_versions(&self.clients).await {
            Ok(by_function) => {
                for arn in arns {
                    self.report.send(DiscoveryEvent::Versions {
                        function_arn: arn.clone(),
                        versions: by_function.get(arn).cloned().unwrap_or_default(),
                    });
                }
            }
            Err(e) => self.report.failed("ListFunctions (all versions)", e),
        }
        for arn in arns {
            if self
                .detailed
                .lock()
                .expect("the detailed set")
                .contains(arn)
            {
                continue;
            }
            // Background work waits here, so the dashboard's own reads get ahead of it.
            let permit = self.permits.clone().acquire_owned().await.ok();
            if self
                .detailed
                .lock()
                .expect("the detailed set")
                .contains(arn)
            {
                continue;
            }
            let (clients, report, arn) = (self.clients.clone(), self.report.clone(), arn.clone());
            let read = async move {
                let _permit = permit;
                let name = short(&arn).to_owned();
                match functions::aliases(&clients, &name).await {
                    Ok(aliases) => report.send(DiscoveryEvent::Aliases {
                        function_arn: arn,
                        aliases,
                    }),
                    Err(e) => report.failed(&format!("ListAliases {name}"), e),
                }
            };
            tasks.spawn(in_same_urgency(read));
        }
    }
}

/// The urgency of the task that spawns `work` carried into the new task.
fn in_same_urgency<F>(work: F) -> impl Future<Output = ()> + Send + 'static
where
    F: Future<Output = ()> + Send + 'static,
{
    let background = super::budget::is_background();
    async move {
        if background {
            in_background(work).await;
        } else {
            work.await;
        }
    }
}

/// Reads the versions and aliases of `arns` now, ahead of any background work (the functions
/// on the operator's screen), and marks them read.
pub async fn details(clients: Clients, arns: Vec<String>, sink: DiscoverySink, detailed: Detailed) {
    let mut reads = JoinSet::new();
    for arn in arns {
        detailed
            .lock()
            .expect("the detailed set")
            .insert(arn.clone());
        let (clients, sink) = (clients.clone(), sink.clone());
        reads.spawn(async move {
            let name = short(&arn).to_owned();
            let (versions, aliases) = tokio::join!(
                functions::versions(&clients, &name),
                functions::aliases(&clients, &name)
            );
            // A failure here is not a discovery failure: the background walk tries again.
            if let Ok(versions) = versions {
                let _ = sink.send(DiscoveryEvent::Versions {
                    function_arn: arn.clone(),
                    versions,
                });
            }
            if let Ok(aliases) = aliases {
                let _ = sink.send(DiscoveryEvent::Aliases {
                    function_arn: arn,
                    aliases,
                });
            }
        });
    }
    while reads.join_next().await.is_some() {}
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

fn spawn_tags(
    tasks: &mut JoinSet<()>,
    clients: &Clients,
    report: &Reporter,
    permits: &Arc<Semaphore>,
    arn: String,
) {
    let (clients, report, permits) = (clients.clone(), report.clone(), permits.clone());
    tasks.spawn(async move {
        let _permit = permits.acquire_owned().await.ok();
        match functions::tags(&clients, &arn).await {
            Ok(tags) => report.send(DiscoveryEvent::Tags {
                target: report.target.clone(),
                tags: [(arn, tags)].into(),
            }),
            Err(e) => report.failed(&format!("ListTags {}", short(&arn)), e),
        }
    });
}

/// The function name at the end of an ARN.
fn short(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}
