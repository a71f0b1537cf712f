//! Pushing the aggregation to CloudWatch Logs Insights for fleets too big to page through: the
//! queries (a warm and a cold one per batch of up to 50 log groups, one answer row per group
//! and function), and reading the rows back into figures.

use std::collections::BTreeMap;

use super::histogram::Percentiles;
use super::latency::{LatencyStats, Window};

/// Logs Insights bills about this much per GB it scans.
pub const USD_PER_GB_SCANNED: f64 = 0.005;

/// Log groups one Logs Insights query takes.
pub const GROUPS_PER_QUERY: usize = 50;

/// Which invocations a query aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Warm,
    Cold,
}

/// The query for `kind` over up to [`GROUPS_PER_QUERY`] log groups, one row per group and
/// function (`@log`, and `fn` where a shared group's stream names it: `…/NAME[VERSION]…`).
/// Both REPORT forms: the text line's discovered fields and the JSON `platform.report`
/// record's metrics; a SnapStart restore counts as a cold start.
pub fn query(kind: Kind) -> String {
    let fields = "filter @type = \"REPORT\" or type = \"platform.report\"\n\
         | parse @logStream /\\d{4}\\/\\d{2}\\/\\d{2}\\/(?<fn>[^\\[]+)\\[/\n\
         | fields coalesce(@duration, record.metrics.durationMs) as duration, \
         coalesce(@initDuration, record.metrics.initDurationMs, @restoreDuration, record.metrics.restoreDurationMs) as init, \
         coalesce(@billedDuration, record.metrics.billedDurationMs) as billed_ms, \
         coalesce(@maxMemoryUsed / 1000 / 1000, record.metrics.maxMemoryUsedMB) as used, \
         coalesce(@memorySize / 1000 / 1000, record.metrics.memorySizeMB) as size, \
         strcontains(@message, \"Status: timeout\") + strcontains(@message, \"\\\"status\\\":\\\"timeout\") as timed_out, \
         strcontains(@message, \"Status: error\") + strcontains(@message, \"\\\"status\\\":\\\"error\") as failed";
    let (filter, aggregate) = match kind {
        Kind::Warm => (
            "| filter not ispresent(init)",
            "| stats count(*) as n, pct(duration, 50) as p50, pct(duration, 90) as p90, \
             pct(duration, 99) as p99, max(duration) as max, sum(billed_ms) as billed, \
             max(used) as used_mb, max(size) as size_mb, sum(timed_out) as timeouts, \
             sum(failed) as errors by @log, fn",
        ),
        Kind::Cold => (
            "| filter ispresent(init)",
            "| stats count(*) as n, pct(duration + init, 50) as p50, pct(duration + init, 99) as p99, \
             pct(init, 50) as init_p50, pct(init, 99) as init_p99, sum(billed_ms) as billed, \
             sum(billed_ms - ceil(duration)) as cold_billed, max(used) as used_mb, \
             max(size) as size_mb, sum(timed_out) as timeouts, sum(failed) as errors by @log, fn",
        ),
    };
    format!("{fields}\n{filter}\n{aggregate}")
}

/// Who a row of a query's answer is about: its log group (`@log` is `ACCOUNT:GROUP`) and, in
/// a shared group, the function its streams name.
pub fn row_subject(row: &BTreeMap<String, String>) -> Option<(String, Option<String>)> {
    let log = row.get("@log")?;
    let group = log.split_once(':').map_or(log.as_str(), |(_, g)| g);
    let function = row.get("fn").filter(|f| !f.is_empty()).cloned();
    Some((group.to_owned(), function))
}

/// The figures of a function or a service, from its warm and cold answers.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct InsightsFigures {
    pub invocations: u64,
    pub cold_starts: u64,
    pub warm: Option<Percentiles>,
    pub cold_p50_ms: Option<f64>,
    pub cold_p99_ms: Option<f64>,
    pub init_p50_ms: Option<f64>,
    pub init_p99_ms: Option<f64>,
    pub timeouts: u64,
    pub errors: u64,
    pub max_memory_used_mb: u32,
    pub memory_mb: u32,
    pub billed_ms: f64,
    pub cold_billed_ms: f64,
}

/// Reads the one row of each answer (field → value).
pub fn figures(
    warm: &BTreeMap<String, String>,
    cold: &BTreeMap<String, String>,
) -> InsightsFigures {
    let num = |row: &BTreeMap<String, String>, key: &str| {
        row.get(key).and_then(|v| v.parse::<f64>().ok())
    };
    let count =
        |row: &BTreeMap<String, String>, key: &str| num(row, key).unwrap_or(0.0).max(0.0) as u64;
    let warm_n = count(warm, "n");
    let cold_n = count(cold, "n");
    let warm_p = (warm_n > 0).then(|| Percentiles {
        p50_ms: num(warm, "p50").unwrap_or(0.0),
        p90_ms: num(warm, "p90").unwrap_or(0.0),
        p99_ms: num(warm, "p99").unwrap_or(0.0),
        max_ms: num(warm, "max").unwrap_or(0.0),
    });
    let mb = |key: &str| {
        num(warm, key)
            .unwrap_or(0.0)
            .max(num(cold, key).unwrap_or(0.0))
            .round() as u32
    };
    InsightsFigures {
        invocations: warm_n + cold_n,
        cold_starts: cold_n,
        warm: warm_p,
        cold_p50_ms: num(cold, "p50").filter(|_| cold_n > 0),
        cold_p99_ms: num(cold, "p99").filter(|_| cold_n > 0),
        init_p50_ms: num(cold, "init_p50").filter(|_| cold_n > 0),
        init_p99_ms: num(cold, "init_p99").filter(|_| cold_n > 0),
        timeouts: count(warm, "timeouts") + count(cold, "timeouts"),
        errors: count(warm, "errors") + count(cold, "errors"),
        max_memory_used_mb: mb("used_mb"),
        memory_mb: mb("size_mb"),
        billed_ms: num(warm, "billed").unwrap_or(0.0) + num(cold, "billed").unwrap_or(0.0),
        cold_billed_ms: num(cold, "cold_billed").unwrap_or(0.0).max(0.0),
    }
}

impl InsightsFigures {
    /// Folds `other` in (a service's roll-up): counts and billing add, memory takes the
    /// larger; percentiles of a whole cannot be made of its parts' and stay `None`.
    pub fn merge(&mut self, other: &InsightsFigures) {
        self.invocations += other.invocations;
        self.cold_starts += other.cold_starts;
        self.timeouts += other.timeouts;
        self.errors += other.errors;
        self.billed_ms += other.billed_ms;
        self.cold_billed_ms += other.cold_billed_ms;
        self.max_memory_used_mb = self.max_memory_used_mb.max(other.max_memory_used_mb);
        self.memory_mb = self.memory_mb.max(other.memory_mb);
        self.warm = None;
        self.cold_p50_ms = None;
        self.cold_p99_ms = None;
        self.init_p50_ms = None;
        self.init_p99_ms = None;
    }

    /// The counts and billing the cost model needs, as statistics without histograms.
    pub fn as_latency_stats(&self, window: Window) -> LatencyStats {
        let mut s = LatencyStats::new(window, 1);
        let memory = f64::from(self.memory_mb);
        s.invocations = self.invocations;
        s.cold_starts = self.cold_starts;
        s.timeouts = self.timeouts;
        s.errors = self.errors;
        s.max_memory_used_mb = self.max_memory_used_mb;
        s.memory_mb = self.memory_mb;
        s.billed_ms = self.billed_ms;
        s.billed_mb_ms = self.billed_ms * memory;
        s.cold_billed_mb_ms = self.cold_billed_ms * memory;
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn queries_split_warm_from_cold_read_both_forms_and_answer_per_group_and_function() {
        let warm = query(Kind::Warm);
        assert!(warm.contains("| filter not ispresent(init)"), "{warm}");
        assert!(
            warm.contains("record.metrics.durationMs"),
            "the JSON form: {warm}"
        );
        assert!(warm.contains("@restoreDuration"), "SnapStart: {warm}");
        assert!(warm.ends_with("by @log, fn"), "{warm}");
        assert!(query(Kind::Cold).contains("pct(init, 99) as init_p99"));
        let row = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            row_subject(&row(&[("@log", "123:/aws/lambda/a"), ("fn", "")])),
            Some(("/aws/lambda/a".to_owned(), None))
        );
        assert_eq!(
            row_subject(&row(&[("@log", "123:/shared"), ("fn", "b")])),
            Some(("/shared".to_owned(), Some("b".to_owned())))
        );
    }

    #[test]
    fn answers_become_figures() {
        let warm = row(&[
            ("n", "9"),
            ("p50", "50"),
            ("p90", "90"),
            ("p99", "90"),
            ("max", "90"),
            ("billed", "450"),
            ("used_mb", "120.5"),
            ("size_mb", "256"),
            ("timeouts", "0"),
            ("errors", "1"),
        ]);
        let cold = row(&[
            ("n", "1"),
            ("p50", "350"),
            ("p99", "350"),
            ("init_p50", "250"),
            ("init_p99", "250"),
            ("billed", "350"),
            ("cold_billed", "250"),
            ("used_mb", "180"),
            ("size_mb", "256"),
            ("timeouts", "0"),
            ("errors", "0"),
        ]);
        let f = figures(&warm, &cold);
        assert_eq!((f.invocations, f.cold_starts, f.errors), (10, 1, 1));
        assert_eq!(f.warm.unwrap().p90_ms, 90.0);
        assert_eq!((f.cold_p99_ms, f.init_p50_ms), (Some(350.0), Some(250.0)));
        assert_eq!((f.max_memory_used_mb, f.memory_mb), (180, 256));
        let s = f.as_latency_stats(Window {
            start_ms: 0,
            end_ms: 3_600_000,
        });
        assert!((s.billed_gb_seconds() - 800.0 * 256.0 / 1024.0 / 1000.0).abs() < 1e-12);
        assert!((s.cold_start_gb_seconds() - 0.0625).abs() < 1e-12);
    }

    #[test]
    fn an_empty_answer_is_no_invocations() {
        let f = figures(&BTreeMap::new(), &BTreeMap::new());
        assert_eq!(f.invocations, 0);
        assert!(f.warm.is_none() && f.cold_p50_ms.is_none());
    }
}
