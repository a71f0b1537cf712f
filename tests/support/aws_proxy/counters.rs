//! What the proxy did with the calls of each API class: seen, throttled, faulted, passed to the
//! emulator, and answered there with an error; read, reset and summarised in one line.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;

use super::classify::ApiClass;

/// The calls of one class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassCounts {
    /// Requests received.
    pub seen: u64,
    /// Answered with the service's throttling error, by the quota or by a throttling fault.
    pub throttled: u64,
    /// Answered (or not) by any other fault.
    pub faulted: u64,
    /// Passed on to the emulator.
    pub passed: u64,
    /// Passed on, and answered there with a 4xx/5xx or not at all.
    pub upstream_errors: u64,
}

impl ClassCounts {
    fn add(&mut self, other: &ClassCounts) {
        self.seen += other.seen;
        self.throttled += other.throttled;
        self.faulted += other.faulted;
        self.passed += other.passed;
        self.upstream_errors += other.upstream_errors;
    }
}

/// A snapshot of every class that saw a call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    by_class: BTreeMap<ApiClass, ClassCounts>,
}

impl Counts {
    /// The calls of `class` (all zero if it saw none).
    pub fn class(&self, class: ApiClass) -> ClassCounts {
        self.by_class.get(&class).copied().unwrap_or_default()
    }

    /// Every class added up.
    pub fn total(&self) -> ClassCounts {
        let mut total = ClassCounts::default();
        for counts in self.by_class.values() {
            total.add(counts);
        }
        total
    }

    /// The classes that saw calls, in [`ApiClass::ALL`] order.
    pub fn classes(&self) -> impl Iterator<Item = (ApiClass, ClassCounts)> + '_ {
        self.by_class.iter().map(|(k, v)| (*k, *v))
    }

    /// One line for a benchmark's output:
    /// `calls 412 · throttled 3 (0.7%) · faulted 0 · upstream errors 0 | lambda:control 400/3 …`
    /// (per class: seen/throttled).
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.total();
        let share = if total.seen == 0 {
            0.0
        } else {
            100.0 * total.throttled as f64 / total.seen as f64
        };
        write!(
            f,
            "calls {} · throttled {} ({share:.1}%) · faulted {} · upstream errors {}",
            total.seen, total.throttled, total.faulted, total.upstream_errors
        )?;
        for (class, counts) in self.classes() {
            write!(f, " | {class} {}/{}", counts.seen, counts.throttled)?;
        }
        Ok(())
    }
}

/// What happened to one call, as the proxy records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Throttled,
    Faulted,
    Passed { upstream_error: bool },
}

/// The live counters, shared by every connection.
#[derive(Default)]
pub struct Counters {
    counts: Mutex<Counts>,
}

impl Counters {
    pub fn seen(&self, class: ApiClass) {
        self.update(class, |c| c.seen += 1);
    }

    pub fn record(&self, class: ApiClass, outcome: Outcome) {
        self.update(class, |c| match outcome {
            Outcome::Throttled => c.throttled += 1,
            Outcome::Faulted => c.faulted += 1,
            Outcome::Passed { upstream_error } => {
                c.passed += 1;
                c.upstream_errors += u64::from(upstream_error);
            }
        });
    }

    pub fn snapshot(&self) -> Counts {
        self.counts.lock().unwrap().clone()
    }

    /// The counts so far, and zero from now on.
    pub fn take(&self) -> Counts {
        std::mem::take(&mut *self.counts.lock().unwrap())
    }

    fn update(&self, class: ApiClass, f: impl FnOnce(&mut ClassCounts)) {
        f(self
            .counts
            .lock()
            .unwrap()
            .by_class
            .entry(class)
            .or_default());
    }
}
