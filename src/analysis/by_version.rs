//! A canary's two versions side by side: REPORT records grouped by the version their log stream
//! names (`YYYY/MM/DD/[VERSION]…`), each with its share of the alias's traffic.

use std::collections::BTreeMap;

use serde::Serialize;

use super::latency::{LatencyStats, Window};
use super::report;

/// One version's figures over a window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionFigures {
    pub version: String,
    /// Its share of the alias's traffic.
    pub share: f64,
    pub invocations: u64,
    /// Function errors and timeouts.
    pub errors: u64,
    pub warm_p50_ms: Option<f64>,
    pub warm_p99_ms: Option<f64>,
    pub cold_p99_ms: Option<f64>,
}

impl VersionFigures {
    /// The columns of [`VersionFigures::row`], for `canary --status` and the canary dialog.
    pub fn header() -> String {
        format!(
            "{:<10} {:>6} {:>8} {:>7} {:>9} {:>9} {:>9}",
            "VERSION", "SHARE", "INVOKES", "ERRORS", "WARM P50", "WARM P99", "COLD P99"
        )
    }

    /// The version's figures as one line of a side-by-side table.
    pub fn row(&self) -> String {
        let ms = |v: Option<f64>| v.map_or("-".to_owned(), crate::units::millis);
        format!(
            "{:<10} {:>5.0}% {:>8} {:>7} {:>9} {:>9} {:>9}",
            self.version,
            self.share * 100.0,
            self.invocations,
            self.errors,
            ms(self.warm_p50_ms),
            ms(self.warm_p99_ms),
            ms(self.cold_p99_ms)
        )
    }
}

/// The version a log stream belongs to: `2026/11/28/[3]abc…` → `3`.
pub fn stream_version(stream: &str) -> Option<&str> {
    let start = stream.find('[')? + 1;
    let end = start + stream[start..].find(']')?;
    Some(&stream[start..end])
}

/// The figures of each version of an alias, folded one record at a time: memory stays that of
/// one histogram set per version, however many records stream through.
#[derive(Debug, Clone)]
pub struct ByVersion {
    stats: BTreeMap<String, (f64, LatencyStats)>,
}

impl ByVersion {
    /// Counts for each version in `weights` (version → share) over `window`.
    pub fn new(weights: &BTreeMap<String, f64>, window: Window) -> ByVersion {
        ByVersion {
            stats: weights
                .iter()
                .map(|(v, share)| (v.clone(), (*share, LatencyStats::new(window, 1))))
                .collect(),
        }
    }

    /// Counts one log record (stream, timestamp, message) if it is a REPORT record, in either
    /// format, of one of the versions.
    pub fn add(&mut self, stream: &str, timestamp_ms: i64, message: &str) {
        let Some(version) = stream_version(stream) else {
            return;
        };
        let Some((_, stats)) = self.stats.get_mut(version) else {
            return;
        };
        if let Some(rep) = report::parse(message) {
            stats.record(&rep, timestamp_ms);
        }
    }

    /// Each version's figures, by version.
    pub fn figures(&self) -> Vec<VersionFigures> {
        self.stats
            .iter()
            .map(|(version, (share, s))| VersionFigures {
                version: version.clone(),
                share: *share,
                invocations: s.invocations,
                errors: s.errors + s.timeouts,
                warm_p50_ms: s.warm.percentiles().map(|p| p.p50_ms),
                warm_p99_ms: s.warm.percentiles().map(|p| p.p99_ms),
                cold_p99_ms: s.cold.percentiles().map(|p| p.p99_ms),
            })
            .collect()
    }
}

/// The figures of each version in `weights` (version → share) from `records` (stream,
/// timestamp, message); records of other versions, and lines that are not REPORT, are left out.
pub fn by_version<'a>(
    records: impl IntoIterator<Item = (&'a str, i64, &'a str)>,
    weights: &BTreeMap<String, f64>,
    window: Window,
) -> Vec<VersionFigures> {
    let mut tally = ByVersion::new(weights, window);
    for (stream, timestamp_ms, message) in records {
        tally.add(stream, timestamp_ms, message);
    }
    tally.figures()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_names_its_version() {
        assert_eq!(stream_version("2026/11/28/[3]0123abcd"), Some("3"));
        assert_eq!(
            stream_version("2026/11/28/[$LATEST]0123abcd"),
            Some("$LATEST")
        );
        assert_eq!(stream_version("2026/11/28/orders-create[12]ff"), Some("12"));
        assert_eq!(stream_version("no version here"), None);
    }

    #[test]
    fn reports_are_counted_under_their_version() {
        let weights = BTreeMap::from([("1".to_string(), 0.9), ("2".to_string(), 0.1)]);
        let ok = "REPORT RequestId: a\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB";
        let json = r#"{"time":"2026-11-28T10:00:00.000Z","type":"platform.report","record":{"requestId":"j","metrics":{"durationMs":12.0,"billedDurationMs":12,"memorySizeMB":128,"maxMemoryUsedMB":50},"status":"success"}}"#;
        let bad = "REPORT RequestId: b\tDuration: 30.00 ms\tBilled Duration: 30 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\tStatus: error\tError Type: Runtime.ExitError";
        let records = [
            ("2026/11/28/[1]aa", 1, ok),
            ("2026/11/28/[1]aa", 2, json),
            ("2026/11/28/[2]bb", 3, bad),
            ("2026/11/28/[2]bb", 4, "START RequestId: b Version: 2"),
            ("2026/11/28/[3]cc", 5, ok),
        ];
        let window = Window {
            start_ms: 0,
            end_ms: 10,
        };
        let figures = by_version(records, &weights, window);
        assert_eq!(figures.len(), 2);
        assert_eq!(
            (
                figures[0].version.as_str(),
                figures[0].invocations,
                figures[0].errors
            ),
            ("1", 2, 0)
        );
        assert_eq!(
            (
                figures[1].version.as_str(),
                figures[1].invocations,
                figures[1].errors
            ),
            ("2", 1, 1)
        );
        assert_eq!(figures[1].share, 0.1);
    }
}
