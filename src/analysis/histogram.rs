//! A latency histogram of bounded size: logarithmic buckets 2% wide, so any percentile comes
//! back within 1% of the true value, whatever the number of samples.

use serde::Serialize;

/// Relative width of a bucket: bucket `i` holds values in `(MIN·G^(i-1), MIN·G^i]`.
const GROWTH: f64 = 1.02;
/// The smallest value told apart from zero, in milliseconds.
const MIN: f64 = 0.01;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    /// Bucket 0 holds values at or below `MIN`.
    counts: Vec<u64>,
    total: u64,
    min: f64,
    max: f64,
}

/// Percentiles for views and JSON, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Percentiles {
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Histogram {
    pub fn record(&mut self, value_ms: f64) {
        if !value_ms.is_finite() || value_ms < 0.0 {
            return;
        }
        let i = bucket(value_ms);
        if self.counts.len() <= i {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += 1;
        if self.total == 0 {
            self.min = value_ms;
            self.max = value_ms;
        } else {
            self.min = self.min.min(value_ms);
            self.max = self.max.max(value_ms);
        }
        self.total += 1;
    }

    /// Adds another histogram's samples (a service from its functions).
    pub fn merge(&mut self, other: &Histogram) {
        if other.total == 0 {
            return;
        }
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        if self.total == 0 {
            (self.min, self.max) = (other.min, other.max);
        } else {
            self.min = self.min.min(other.min);
            self.max = self.max.max(other.max);
        }
        self.total += other.total;
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    pub fn max(&self) -> Option<f64> {
        (self.total > 0).then_some(self.max)
    }

    /// The value below which a fraction `q` (0..=1) of the samples fall, within 1%.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(representative(i).clamp(self.min, self.max));
            }
        }
        Some(self.max)
    }

    pub fn percentiles(&self) -> Option<Percentiles> {
        Some(Percentiles {
            p50_ms: self.quantile(0.5)?,
            p90_ms: self.quantile(0.9)?,
            p99_ms: self.quantile(0.99)?,
            max_ms: self.max,
        })
    }

    /// Counts in `bars` equal-width bins of log(latency) between min and max, for a picture.
    pub fn shape(&self, bars: usize) -> Vec<(f64, u64)> {
        if self.total == 0 || bars == 0 {
            return Vec::new();
        }
        let (lo, hi) = (bucket(self.min), bucket(self.max));
        let span = (hi - lo + 1).max(1);
        let mut out: Vec<(f64, u64)> = (0..bars.min(span))
            .map(|b| (representative(lo + b * span / bars.min(span)), 0))
            .collect();
        let n = out.len();
        for (i, &c) in self.counts.iter().enumerate().skip(lo).take(span) {
            out[((i - lo) * n / span).min(n - 1)].1 += c;
        }
        out
    }
}

fn bucket(value_ms: f64) -> usize {
    // 1 / ln(1.02): a multiplication instead of a second logarithm and a division per sample.
    const INV_LN_GROWTH: f64 = 50.498_349_791_843_9;
    if value_ms <= MIN {
        0
    } else {
        ((value_ms * (1.0 / MIN)).ln() * INV_LN_GROWTH).ceil() as usize
    }
}

/// The geometric middle of bucket `i`: within √1.02 − 1 < 1% of anything in it.
fn representative(i: usize) -> f64 {
    if i == 0 {
        MIN
    } else {
        MIN * GROWTH.powf(i as f64 - 0.5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic, spread over four orders of magnitude.
    fn samples(n: usize) -> Vec<f64> {
        let mut x: u64 = 0x2545F4914F6CDD1D;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let u = (x % 1_000_000) as f64 / 1_000_000.0;
                0.5 * 10f64.powf(u * 4.0)
            })
            .collect()
    }

    fn exact(sorted: &[f64], q: f64) -> f64 {
        let rank = ((q * sorted.len() as f64).ceil() as usize).max(1);
        sorted[rank - 1]
    }

    #[test]
    fn percentiles_are_within_one_percent_of_the_exact_values() {
        let values = samples(50_000);
        let mut h = Histogram::default();
        values.iter().for_each(|v| h.record(*v));
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0] {
            let (got, want) = (h.quantile(q).unwrap(), exact(&sorted, q));
            assert!((got - want).abs() / want <= 0.01, "q{q}: {got} vs {want}");
        }
        assert_eq!(h.count(), 50_000);
        assert_eq!(h.max(), Some(sorted[sorted.len() - 1]));
    }

    #[test]
    fn the_bucket_constant_is_one_over_ln_growth() {
        assert!((50.498_349_791_843_9 - 1.0 / GROWTH.ln()).abs() < 1e-9);
    }

    #[test]
    fn memory_is_bounded_by_the_range_not_the_count() {
        let mut h = Histogram::default();
        for v in samples(200_000) {
            h.record(v);
        }
        // 0.5 ms .. 5 s is ln(1e6)/ln(1.02) ≈ 700 buckets, whatever the count.
        assert!(h.counts.len() < 800, "{}", h.counts.len());
    }

    #[test]
    fn merging_equals_recording_everything_in_one() {
        let values = samples(10_000);
        let (mut a, mut b, mut all) = (
            Histogram::default(),
            Histogram::default(),
            Histogram::default(),
        );
        for (i, v) in values.iter().enumerate() {
            if i % 3 == 0 {
                a.record(*v)
            } else {
                b.record(*v)
            }
            all.record(*v);
        }
        a.merge(&b);
        assert_eq!(a, all);
    }

    #[test]
    fn an_empty_histogram_has_no_percentiles_and_one_value_is_its_own_percentiles() {
        assert!(Histogram::default().percentiles().is_none());
        let mut h = Histogram::default();
        h.record(42.0);
        let p = h.percentiles().unwrap();
        assert_eq!((p.p50_ms, p.p99_ms, p.max_ms), (42.0, 42.0, 42.0));
    }

    #[test]
    fn the_shape_counts_every_sample_once() {
        let mut h = Histogram::default();
        for v in samples(1_000) {
            h.record(v);
        }
        let shape = h.shape(20);
        assert_eq!(shape.len(), 20);
        assert_eq!(shape.iter().map(|(_, c)| c).sum::<u64>(), 1_000);
    }
}
