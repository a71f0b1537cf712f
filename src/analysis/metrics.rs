//! Fleet figures from CloudWatch's `AWS/Lambda` metrics: what to ask for each function (one
//! value per metric and statistic over the window), and the figures those values make — per
//! function, and rolled up per service. Unlike REPORT lines, `Errors` counts handled errors the
//! runtime reported and `Throttles` the invocations that never ran.

use serde::Serialize;

/// An `AWS/Lambda` metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LambdaMetric {
    Invocations,
    Errors,
    Throttles,
    Duration,
    ConcurrentExecutions,
}

impl LambdaMetric {
    /// CloudWatch's name of it.
    pub fn name(self) -> &'static str {
        match self {
            LambdaMetric::Invocations => "Invocations",
            LambdaMetric::Errors => "Errors",
            LambdaMetric::Throttles => "Throttles",
            LambdaMetric::Duration => "Duration",
            LambdaMetric::ConcurrentExecutions => "ConcurrentExecutions",
        }
    }
}

/// A statistic over the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stat {
    Sum,
    SampleCount,
    Maximum,
    P50,
    P99,
}

impl Stat {
    /// CloudWatch's name of it.
    pub fn name(self) -> &'static str {
        match self {
            Stat::Sum => "Sum",
            Stat::SampleCount => "SampleCount",
            Stat::Maximum => "Maximum",
            Stat::P50 => "p50",
            Stat::P99 => "p99",
        }
    }

    /// Percentiles are asked apart: an endpoint that refuses them (the emulator does) must
    /// not take the other figures with it.
    pub fn is_percentile(self) -> bool {
        matches!(self, Stat::P50 | Stat::P99)
    }

    /// The window's value from the values of its periods (usually one).
    pub fn combine(self, values: &[f64]) -> Option<f64> {
        if values.is_empty() {
            return None;
        }
        Some(match self {
            Stat::Sum | Stat::SampleCount => values.iter().sum(),
            // A percentile over several periods is bounded by the largest of theirs.
            Stat::Maximum | Stat::P50 | Stat::P99 => {
                values.iter().copied().fold(f64::MIN, f64::max)
            }
        })
    }
}

/// What is asked of every function, in this order.
pub const ASKED: [(LambdaMetric, Stat); 9] = [
    (LambdaMetric::Invocations, Stat::Sum),
    (LambdaMetric::Errors, Stat::Sum),
    (LambdaMetric::Throttles, Stat::Sum),
    (LambdaMetric::Duration, Stat::Sum),
    (LambdaMetric::Duration, Stat::SampleCount),
    (LambdaMetric::Duration, Stat::Maximum),
    (LambdaMetric::ConcurrentExecutions, Stat::Maximum),
    (LambdaMetric::Duration, Stat::P50),
    (LambdaMetric::Duration, Stat::P99),
];

/// One function's (or alias's, or service's) figures; `None` where there was no datapoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct MetricFigures {
    pub invocations: Option<f64>,
    pub errors: Option<f64>,
    pub throttles: Option<f64>,
    pub duration_avg_ms: Option<f64>,
    pub duration_p50_ms: Option<f64>,
    pub duration_p99_ms: Option<f64>,
    pub duration_max_ms: Option<f64>,
    pub concurrency_max: Option<f64>,
    /// Duration's sum and count, kept to roll averages up exactly.
    #[serde(skip)]
    duration_sum_ms: Option<f64>,
    #[serde(skip)]
    duration_count: Option<f64>,
}

impl MetricFigures {
    /// The figures of the values answered for [`ASKED`] (same order).
    pub fn from_values(values: &[Option<f64>]) -> MetricFigures {
        let at = |i: usize| values.get(i).copied().flatten();
        let (sum, count) = (at(3), at(4));
        MetricFigures {
            invocations: at(0),
            errors: at(1),
            throttles: at(2),
            duration_avg_ms: average(sum, count),
            duration_p50_ms: at(7),
            duration_p99_ms: at(8),
            duration_max_ms: at(5),
            concurrency_max: at(6),
            duration_sum_ms: sum,
            duration_count: count,
        }
    }

    /// Errors as a share of invocations, in percent.
    pub fn error_pct(&self) -> Option<f64> {
        let invocations = self.invocations.filter(|n| *n > 0.0)?;
        Some(self.errors.unwrap_or(0.0) / invocations * 100.0)
    }

    /// Folds `other` in (a service's roll-up): counts add, averages weigh by their samples,
    /// maxima take the larger; percentiles of a whole cannot be made of its parts' and stay
    /// `None`.
    pub fn merge(&mut self, other: &MetricFigures) {
        let add = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
        };
        let max = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (a, b) => a.or(b),
        };
        self.invocations = add(self.invocations, other.invocations);
        self.errors = add(self.errors, other.errors);
        self.throttles = add(self.throttles, other.throttles);
        self.duration_sum_ms = add(self.duration_sum_ms, other.duration_sum_ms);
        self.duration_count = add(self.duration_count, other.duration_count);
        self.duration_avg_ms = average(self.duration_sum_ms, self.duration_count);
        self.duration_max_ms = max(self.duration_max_ms, other.duration_max_ms);
        self.concurrency_max = max(self.concurrency_max, other.concurrency_max);
        self.duration_p50_ms = None;
        self.duration_p99_ms = None;
    }
}

fn average(sum: Option<f64>, count: Option<f64>) -> Option<f64> {
    match (sum, count) {
        (Some(s), Some(n)) if n > 0.0 => Some(s / n),
        _ => None,
    }
}

/// The period that makes one datapoint of a window of `window_ms` starting `age_ms` ago: a
/// whole number of minutes, of hours once the start is over 15 days old (CloudWatch keeps
/// older data at coarser periods only).
pub fn period_s(window_ms: i64, age_ms: i64) -> i32 {
    let step: i64 = if age_ms > 15 * 86_400_000 { 3600 } else { 60 };
    let seconds = (window_ms.max(1) + 999) / 1000;
    let period = (seconds + step - 1) / step * step;
    i32::try_from(period).unwrap_or(i32::MAX - (i32::MAX % 3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(values: [Option<f64>; 9]) -> MetricFigures {
        MetricFigures::from_values(&values)
    }

    #[test]
    fn the_average_is_the_sum_over_the_samples_and_errors_count_against_invocations() {
        let f = figures([
            Some(200.0),
            Some(10.0),
            Some(3.0),
            Some(5_000.0),
            Some(200.0),
            Some(90.0),
            Some(4.0),
            None,
            None,
        ]);
        assert_eq!(f.duration_avg_ms, Some(25.0));
        assert_eq!(f.error_pct(), Some(5.0));
        assert_eq!(f.throttles, Some(3.0));
        assert_eq!(
            f.duration_p99_ms, None,
            "a refused percentile is only missing"
        );
        assert_eq!(f.duration_max_ms, Some(90.0));
    }

    #[test]
    fn a_service_adds_counts_weighs_averages_and_keeps_the_largest_maximum() {
        let mut a = figures([
            Some(100.0),
            Some(1.0),
            None,
            Some(1_000.0),
            Some(100.0),
            Some(30.0),
            Some(2.0),
            Some(8.0),
            Some(20.0),
        ]);
        let b = figures([
            Some(300.0),
            Some(0.0),
            Some(7.0),
            Some(9_000.0),
            Some(300.0),
            Some(80.0),
            Some(5.0),
            None,
            None,
        ]);
        a.merge(&b);
        assert_eq!(a.invocations, Some(400.0));
        assert_eq!(a.throttles, Some(7.0));
        assert_eq!(a.duration_avg_ms, Some(25.0));
        assert_eq!(a.duration_max_ms, Some(80.0));
        assert_eq!(a.concurrency_max, Some(5.0));
        assert_eq!(a.duration_p99_ms, None);
        assert_eq!(a.error_pct(), Some(0.25));
    }

    #[test]
    fn no_datapoint_is_no_figure_not_zero() {
        let f = figures([None; 9]);
        assert_eq!(f.invocations, None);
        assert_eq!(f.error_pct(), None);
        assert_eq!(Stat::Sum.combine(&[]), None);
        assert_eq!(Stat::Sum.combine(&[2.0, 3.0]), Some(5.0));
        assert_eq!(Stat::Maximum.combine(&[2.0, 3.0]), Some(3.0));
    }

    #[test]
    fn one_period_spans_the_window_in_minutes_or_hours() {
        assert_eq!(period_s(3_600_000, 3_600_000), 3600);
        assert_eq!(period_s(90_500, 0), 120);
        assert_eq!(period_s(30 * 86_400_000, 30 * 86_400_000), 30 * 86_400);
        assert_eq!(period_s(60_000 * 61, 20 * 86_400_000), 7200);
    }
}
