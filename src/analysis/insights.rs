//! Pushing the aggregation to CloudWatch Logs Insights for very large windows: the queries, and
//! reading their one-row answers back into figures. Two queries per function or service: warm
//! invocations, and cold ones (percentiles of each cannot be merged afterwards).

use std::collections::BTreeMap;

use super::histogram::Percentiles;
use super::latency::{LatencyStats, Window};

/// Logs Insights bills about this much per GB it scans.
pub const USD_PER_GB_SCANNED: f64 = 0.005;

/// Which invocations a query aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Warm,
    Cold,
}

/// The query for `kind` over log groups holding the records of `functions`; in shared groups
/// only their own streams (`…/NAME[VERSION]…`) count.
pub fn query(kind: Kind, functions: &[&str], shared_group: bool) -> String {
    let mut filter = String::from("filter @type = \"REPORT\"");
    filter.push_str(match kind {
        Kind::Warm => " and not ispresent(@initDuration) and not ispresent(@restoreDuration)",
        Kind::Cold => " and (ispresent(@initDuration) or ispresent(@restoreDuration))",
    });
    if shared_group && !functions.is_empty() {
        let names: Vec<String> = functions.iter().map(|n| regex_escape(n)).collect();
        filter.push_str(&format!(
            " and @logStream like /\\/({})\\[/",
            names.join("|")
        ));
    }
    let aggregate = match kind {
        Kind::Warm => {
            "| stats count(*) as n, pct(@duration, 50) as p50, pct(@duration, 90) as p90, \
             pct(@duration, 99) as p99, max(@duration) as max, sum(@billedDuration) as billed, \
             max(@maxMemoryUsed / 1000 / 1000) as used_mb, max(@memorySize / 1000 / 1000) as size_mb, \
             sum(strcontains(@message, \"Status: timeout\")) as timeouts, \
             sum(strcontains(@message, \"Status: error\")) as errors"
        }
        Kind::Cold => {
            "| fields @duration + coalesce(@initDuration, @restoreDuration, 0) as latency, \
             coalesce(@initDuration, @restoreDuration, 0) as init \
             | stats count(*) as n, pct(latency, 50) as p50, pct(latency, 99) as p99, \
             pct(init, 50) as init_p50, pct(init, 99) as init_p99, sum(@billedDuration) as billed, \
             sum(@billedDuration - ceil(@duration)) as cold_billed, \
             max(@maxMemoryUsed / 1000 / 1000) as used_mb, max(@memorySize / 1000 / 1000) as size_mb, \
             sum(strcontains(@message, \"Status: timeout\")) as timeouts, \
             sum(strcontains(@message, \"Status: error\")) as errors"
        }
    };
    format!("{filter}\n{aggregate}")
}

fn regex_escape(name: &str) -> String {
    name.chars()
        .flat_map(|c| {
            let escape = !(c.is_ascii_alphanumeric() || c == '_' || c == '-');
            escape.then_some('\\').into_iter().chain(std::iter::once(c))
        })
        .collect()
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
    fn queries_split_warm_from_cold_and_keep_a_shared_groups_own_streams() {
        let q = query(Kind::Warm, &["orders-prod-create"], true);
        assert!(q.contains("not ispresent(@initDuration)"));
        assert!(
            q.contains("@logStream like /\\/(orders-prod-create)\\[/"),
            "{q}"
        );
        assert!(q.contains("pct(@duration, 99) as p99"));
        let q = query(Kind::Cold, &["a", "b"], false);
        assert!(q.contains("(ispresent(@initDuration) or ispresent(@restoreDuration))"));
        assert!(!q.contains("@logStream"));
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
