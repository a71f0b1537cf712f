//! Latency of a function (or a service) over a window, accumulated report by report in bounded
//! memory: counts, three histograms and a fixed number of time buckets.

use serde::Serialize;

use super::histogram::{Histogram, Percentiles};
use super::report::{InvocationReport, InvocationStatus};

/// Time buckets of the series behind sparklines, whatever the window.
pub const SERIES_BUCKETS: usize = 48;

/// A time window, in milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    pub start_ms: i64,
    pub end_ms: i64,
}

impl Window {
    /// The last `since_ms` up to now (the caller reads the clock).
    pub fn ending_at(end_ms: i64, since_ms: i64) -> Window {
        Window {
            start_ms: end_ms - since_ms,
            end_ms,
        }
    }

    pub fn len_ms(&self) -> i64 {
        (self.end_ms - self.start_ms).max(1)
    }
}

/// One time bucket of the series behind the sparklines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Bucket {
    pub invocations: u64,
    pub cold_starts: u64,
    pub errors: u64,
    pub max_latency_ms: f64,
}

/// Everything the latency panel and `stats` show, for one function or a roll-up.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyStats {
    pub window: Window,
    pub invocations: u64,
    pub cold_starts: u64,
    /// Duration of warm invocations.
    pub warm: Histogram,
    /// What a caller saw on a cold start: init (or restore) plus duration.
    pub cold: Histogram,
    /// Init (or restore) duration alone.
    pub init: Histogram,
    pub timeouts: u64,
    pub errors: u64,
    pub max_memory_used_mb: u32,
    /// Configured memory as the reports give it (the largest seen).
    pub memory_mb: u32,
    /// Billed milliseconds, summed.
    pub billed_ms: f64,
    /// Billed milliseconds × MB, summed: GB-seconds once divided by 1024 × 1000.
    pub billed_mb_ms: f64,
    /// The part of `billed_mb_ms` that init or restore added.
    pub cold_billed_mb_ms: f64,
    pub series: Vec<Bucket>,
}

impl LatencyStats {
    pub fn new(window: Window, buckets: usize) -> Self {
        LatencyStats {
            window,
            invocations: 0,
            cold_starts: 0,
            warm: Histogram::default(),
            cold: Histogram::default(),
            init: Histogram::default(),
            timeouts: 0,
            errors: 0,
            max_memory_used_mb: 0,
            memory_mb: 0,
            billed_ms: 0.0,
            billed_mb_ms: 0.0,
            cold_billed_mb_ms: 0.0,
            series: vec![Bucket::default(); buckets.max(1)],
        }
    }

    /// Adds one invocation that happened at `timestamp_ms`.
    pub fn record(&mut self, report: &InvocationReport, timestamp_ms: i64) {
        self.invocations += 1;
        let memory = f64::from(report.memory_size_mb);
        self.billed_ms += report.billed_ms();
        self.billed_mb_ms += report.billed_ms() * memory;
        if report.is_cold() {
            self.cold_starts += 1;
            self.cold.record(report.latency_ms());
            if let Some(init) = report.init_duration_ms.or(report.restore_duration_ms) {
                self.init.record(init);
            }
            // Whatever the bill holds beyond the invocation's own (rounded-up) duration.
            let extra = (report.billed_ms() - report.duration_ms.ceil()).max(0.0);
            self.cold_billed_mb_ms += extra * memory;
        } else {
            self.warm.record(report.duration_ms);
        }
        match report.status {
            InvocationStatus::Timeout => self.timeouts += 1,
            InvocationStatus::Error => self.errors += 1,
            InvocationStatus::Success => {}
        }
        self.max_memory_used_mb = self.max_memory_used_mb.max(report.max_memory_used_mb);
        self.memory_mb = self.memory_mb.max(report.memory_size_mb);

        let n = self.series.len() as i64;
        let i = ((timestamp_ms - self.window.start_ms) * n / self.window.len_ms()).clamp(0, n - 1);
        let b = &mut self.series[i as usize];
        b.invocations += 1;
        b.cold_starts += u64::from(report.is_cold());
        b.errors += u64::from(report.status != InvocationStatus::Success);
        b.max_latency_ms = b.max_latency_ms.max(report.latency_ms());
    }

    /// Adds a function's figures into a roll-up (a service, the fleet).
    pub fn merge(&mut self, other: &LatencyStats) {
        self.invocations += other.invocations;
        self.cold_starts += other.cold_starts;
        self.warm.merge(&other.warm);
        self.cold.merge(&other.cold);
        self.init.merge(&other.init);
        self.timeouts += other.timeouts;
        self.errors += other.errors;
        self.max_memory_used_mb = self.max_memory_used_mb.max(other.max_memory_used_mb);
        self.memory_mb = self.memory_mb.max(other.memory_mb);
        self.billed_ms += other.billed_ms;
        self.billed_mb_ms += other.billed_mb_ms;
        self.cold_billed_mb_ms += other.cold_billed_mb_ms;
        if self.series.len() == other.series.len() {
            for (a, b) in self.series.iter_mut().zip(&other.series) {
                a.invocations += b.invocations;
                a.cold_starts += b.cold_starts;
                a.errors += b.errors;
                a.max_latency_ms = a.max_latency_ms.max(b.max_latency_ms);
            }
        }
    }

    /// Cold starts as a percentage of invocations.
    pub fn cold_start_pct(&self) -> f64 {
        if self.invocations == 0 {
            0.0
        } else {
            self.cold_starts as f64 * 100.0 / self.invocations as f64
        }
    }

    pub fn warm_percentiles(&self) -> Option<Percentiles> {
        self.warm.percentiles()
    }

    pub fn cold_percentiles(&self) -> Option<Percentiles> {
        self.cold.percentiles()
    }

    pub fn init_percentiles(&self) -> Option<Percentiles> {
        self.init.percentiles()
    }

    /// Billed GB-seconds.
    pub fn billed_gb_seconds(&self) -> f64 {
        self.billed_mb_ms / 1024.0 / 1000.0
    }

    pub fn cold_start_gb_seconds(&self) -> f64 {
        self.cold_billed_mb_ms / 1024.0 / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::report::parse;

    fn window() -> Window {
        Window {
            start_ms: 0,
            end_ms: 60_000,
        }
    }

    fn cold() -> InvocationReport {
        parse("REPORT RequestId: c\tDuration: 395.99 ms\tBilled Duration: 662 ms\tMemory Size: 512 MB\tMax Memory Used: 301 MB\tInit Duration: 265.72 ms").unwrap()
    }

    fn warm(ms: f64) -> InvocationReport {
        parse(&format!("REPORT RequestId: w\tDuration: {ms} ms\tBilled Duration: {} ms\tMemory Size: 512 MB\tMax Memory Used: 120 MB", ms.ceil())).unwrap()
    }

    #[test]
    fn cold_and_warm_invocations_are_counted_apart() {
        let mut s = LatencyStats::new(window(), 6);
        s.record(&cold(), 1_000);
        for i in 0..9 {
            s.record(&warm(10.0 + f64::from(i)), 20_000 + i64::from(i));
        }
        assert_eq!((s.invocations, s.cold_starts), (10, 1));
        assert_eq!(s.cold_start_pct(), 10.0);
        assert_eq!(s.warm.count(), 9);
        let cold = s.cold_percentiles().unwrap();
        assert!((cold.p50_ms - 661.71).abs() / 661.71 < 0.01);
        assert!((s.init_percentiles().unwrap().p99_ms - 265.72).abs() / 265.72 < 0.01);
        assert_eq!(s.max_memory_used_mb, 301);
        assert_eq!(s.memory_mb, 512);
        assert_eq!(s.series[0].cold_starts, 1);
        assert_eq!(s.series[2].invocations, 9);
    }

    #[test]
    fn billed_gb_seconds_include_billed_init_and_the_cold_part_is_what_init_added() {
        let mut s = LatencyStats::new(window(), 1);
        s.record(&cold(), 0);
        // 662 ms × 0.5 GB = 0.331 GB-s, of which (662 − 396) ms × 0.5 GB came from the cold start.
        assert!((s.billed_gb_seconds() - 0.331).abs() < 1e-9);
        assert!((s.cold_start_gb_seconds() - 0.133).abs() < 1e-9);
    }

    #[test]
    fn a_roll_up_adds_its_functions() {
        let (mut a, mut b) = (
            LatencyStats::new(window(), 4),
            LatencyStats::new(window(), 4),
        );
        a.record(&cold(), 0);
        b.record(&warm(20.0), 59_999);
        let mut service = LatencyStats::new(window(), 4);
        service.merge(&a);
        service.merge(&b);
        assert_eq!((service.invocations, service.cold_starts), (2, 1));
        assert_eq!(service.series[3].invocations, 1);
        assert!((service.billed_gb_seconds() - (0.331 + 0.01)).abs() < 1e-9);
    }
}
