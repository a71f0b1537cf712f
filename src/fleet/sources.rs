//! Where a window's figures come from, decided once for both faces: CloudWatch metrics for the
//! whole fleet at once (invocations, errors, throttles, duration — a handful of calls), and the
//! platform's REPORT records (cold and warm latency, init, memory, exact billing) from the logs
//! where reading them is cheap enough, from Logs Insights where the logs are too many to page
//! through at `FilterLogEvents`' 5 calls a second, or not at all where either would cost more
//! than the operator allowed.

use serde::Deserialize;

use super::reports::ScanEstimate;
use crate::units::bytes;

/// What the operator asked for (`--source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureSource {
    Metrics,
    Logs,
    Insights,
    Auto,
}

/// How the REPORT records of a window are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportPlan {
    /// Paging `FilterLogEvents` over each log group.
    Logs,
    /// Logs Insights aggregating, up to 50 log groups a query.
    Insights,
    /// Not read; why, and what to do to read them.
    Skip(String),
}

/// When `auto` pages the logs itself (`[figures]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoRules {
    /// At most this many log groups (each a `FilterLogEvents` walk at 5 calls a second)…
    pub logs_max_groups: usize,
    /// …and at most this many bytes to scan.
    pub logs_max_bytes: u64,
}

impl FigureSource {
    /// Whether CloudWatch metrics are read.
    pub fn metrics(self) -> bool {
        matches!(self, FigureSource::Metrics | FigureSource::Auto)
    }

    /// How the REPORT records are read, given what the window would scan (`None`: not
    /// known) and the bytes past which reading wants a yes (`allowed`).
    pub fn report_plan(
        self,
        estimate: &ScanEstimate,
        known: bool,
        rules: &AutoRules,
        allowed: u64,
    ) -> ReportPlan {
        match self {
            FigureSource::Metrics => ReportPlan::Skip("--source metrics reads no log".into()),
            FigureSource::Logs => ReportPlan::Logs,
            FigureSource::Insights => ReportPlan::Insights,
            FigureSource::Auto => {
                let few = estimate.groups <= rules.logs_max_groups;
                if few && (!known || estimate.bytes <= rules.logs_max_bytes) {
                    ReportPlan::Logs
                } else if known && estimate.bytes <= allowed {
                    ReportPlan::Insights
                } else if !known {
                    ReportPlan::Skip(format!(
                        "cold and warm figures not read: {} log groups of unknown size; --source insights or --source logs reads them",
                        estimate.groups
                    ))
                } else {
                    ReportPlan::Skip(format!(
                        "cold and warm figures not read: the window would scan about {} in {} log groups, more than [logs] confirm_scan_bytes; --source insights --yes reads them (about ${:.2})",
                        bytes(estimate.bytes),
                        estimate.groups,
                        estimate.bytes as f64 / 1e9 * crate::analysis::insights::USD_PER_GB_SCANNED
                    ))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: AutoRules = AutoRules {
        logs_max_groups: 40,
        logs_max_bytes: 100 << 20,
    };

    fn plan(groups: usize, bytes: u64) -> ReportPlan {
        FigureSource::Auto.report_plan(&ScanEstimate { bytes, groups }, true, &RULES, 1 << 30)
    }

    #[test]
    fn auto_pages_a_few_small_groups_and_lets_insights_aggregate_many() {
        assert_eq!(plan(8, 1 << 20), ReportPlan::Logs);
        assert_eq!(
            plan(2000, 200 << 20),
            ReportPlan::Insights,
            "too many groups to page"
        );
        assert_eq!(
            plan(8, 500 << 20),
            ReportPlan::Insights,
            "too many bytes to page"
        );
        let ReportPlan::Skip(why) = plan(2000, 4 << 30) else {
            panic!("past the allowed bytes nothing is read");
        };
        assert!(why.contains("--source insights --yes"), "{why}");
    }

    #[test]
    fn the_sources_asked_for_by_name_are_read_whatever_they_cost() {
        let big = ScanEstimate {
            bytes: 4 << 30,
            groups: 2000,
        };
        assert_eq!(
            FigureSource::Logs.report_plan(&big, true, &RULES, 1),
            ReportPlan::Logs
        );
        assert!(matches!(
            FigureSource::Metrics.report_plan(&big, true, &RULES, 1),
            ReportPlan::Skip(_)
        ));
        assert!(FigureSource::Auto.metrics() && !FigureSource::Logs.metrics());
    }
}
