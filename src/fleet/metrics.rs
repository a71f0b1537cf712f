//! Reading the fleet's figures from CloudWatch metrics: every function's queries (and those of
//! the aliases it is known to have, through the `Resource` dimension), one target at a time
//! and all targets at once, folded per function and alias and rolled up per service.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::task::JoinSet;

use crate::analysis::latency::Window;
use crate::analysis::metrics::{ASKED, MetricFigures};

use super::inventory::service_key;
use super::{Fleet, FleetError, Function, MetricQuery, ServiceKey, Target};

/// What the metrics said, and which reads failed (by target).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FleetMetrics {
    /// By function ARN.
    pub by_function: BTreeMap<String, MetricFigures>,
    /// By function ARN and alias name.
    pub by_alias: BTreeMap<(String, String), MetricFigures>,
    pub by_service: BTreeMap<ServiceKey, MetricFigures>,
    pub failures: Vec<(Target, FleetError)>,
}

impl FleetMetrics {
    /// Whether the provider has no metrics at all (a local fleet): not a failure to report
    /// where other figures stand in.
    pub fn unsupported(&self) -> bool {
        !self.failures.is_empty()
            && self
                .failures
                .iter()
                .all(|(_, e)| matches!(e, FleetError::Unsupported(_)))
    }
}

/// Who a block of [`ASKED`] queries is about.
#[derive(Debug, Clone)]
enum Subject {
    Function(String),
    Alias(String, String),
}

/// Reads the metrics of `functions` over `window`.
pub async fn read_metrics(
    fleet: Arc<dyn Fleet>,
    functions: &[Function],
    window: Window,
) -> FleetMetrics {
    let mut by_target: BTreeMap<Target, Vec<&Function>> = BTreeMap::new();
    for f in functions {
        by_target.entry(f.target.clone()).or_default().push(f);
    }
    let mut reads = JoinSet::new();
    for (target, members) in by_target {
        let mut queries = Vec::new();
        let mut subjects = Vec::new();
        for f in members {
            let mut block = |resource: Option<String>, subject: Subject| {
                subjects.push(subject);
                queries.extend(ASKED.iter().map(|&(metric, stat)| MetricQuery {
                    function: f.name.clone(),
                    resource: resource.clone(),
                    metric,
                    stat,
                }));
            };
            block(None, Subject::Function(f.arn.clone()));
            for a in &f.aliases {
                block(
                    Some(format!("{}:{}", f.name, a.name)),
                    Subject::Alias(f.arn.clone(), a.name.clone()),
                );
            }
        }
        let fleet = fleet.clone();
        reads.spawn(async move {
            let answer = fleet.metrics(&target, queries, window).await;
            (target, subjects, answer)
        });
    }
    let mut out = FleetMetrics::default();
    while let Some(Ok((target, subjects, answer))) = reads.join_next().await {
        let answer = match answer {
            Ok(a) => a,
            Err(e) => {
                out.failures.push((target, e));
                continue;
            }
        };
        out.failures
            .extend(answer.failures.into_iter().map(|e| (target.clone(), e)));
        for (subject, values) in subjects.into_iter().zip(answer.values.chunks(ASKED.len())) {
            let figures = MetricFigures::from_values(values);
            match subject {
                Subject::Function(arn) => {
                    out.by_function.insert(arn, figures);
                }
                Subject::Alias(arn, alias) => {
                    out.by_alias.insert((arn, alias), figures);
                }
            }
        }
    }
    for f in functions {
        if let Some(figures) = out.by_function.get(&f.arn) {
            out.by_service
                .entry(service_key(f))
                .or_default()
                .merge(figures);
        }
    }
    out
}
