//! Faults the proxy injects, as rules chosen by API class, operation and region, and fired for
//! all the calls they match, every Nth, the first N, or a seeded share; set when the proxy starts
//! or while it runs.

use std::sync::Mutex;

use super::classify::{ApiClass, Call};

/// What a faulty AWS does to one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The service's own throttling error, as if the quota were spent.
    Throttle,
    /// A 5xx (the status given) in the service's internal-error shape.
    ServerError(u16),
    /// The request is read, then the connection is reset (RST), with no answer.
    ConnectionReset,
    /// The request is read and never answered; the connection stays open until the proxy stops.
    Hang,
    /// The emulator's real answer, its headers promising the whole body, cut after half of it
    /// and the connection closed: the HTTP client fails reading it.
    TruncatedBody,
    /// The emulator's real answer without its last `missing` bytes, as a complete HTTP message
    /// (`Content-Length` says so): the HTTP client reads it whole and the SDK's parser fails on
    /// it, holding what it got.
    ShortBody { missing: usize },
    /// A `200` whose body no parser of the service can read, with `secret` in it where given.
    GarbageBody { secret: Option<String> },
    /// The service's AccessDenied error (a denied region: with [`FaultRule::region`]).
    AccessDenied,
    /// The service's expired-token error (`ExpiredTokenException`, STS `ExpiredToken`).
    ExpiredToken,
}

/// Which of the matching calls a rule fires on.
#[derive(Debug, Clone, PartialEq)]
enum Pick {
    All,
    /// The Nth, 2Nth… matching call.
    EveryNth(u64),
    /// The first N matching calls, then none.
    First(u64),
    /// Each matching call with probability `share`, drawn from a generator seeded with `seed`:
    /// the same calls in the same order fire the same way in every run.
    Share {
        share: f64,
        seed: u64,
    },
}

/// A fault and the calls it applies to; without a filter it applies to every call.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    pub fault: Fault,
    classes: Vec<ApiClass>,
    operations: Vec<String>,
    regions: Vec<String>,
    pick: Pick,
}

impl FaultRule {
    /// `fault` on every call.
    pub fn new(fault: Fault) -> FaultRule {
        FaultRule {
            fault,
            classes: Vec::new(),
            operations: Vec::new(),
            regions: Vec::new(),
            pick: Pick::All,
        }
    }

    /// Only calls of `class` (several calls of this widen the rule).
    pub fn class(mut self, class: ApiClass) -> FaultRule {
        self.classes.push(class);
        self
    }

    /// Only calls of `operation` (`ListFunctions`, `FilterLogEvents`, `GetMetricData`…).
    pub fn operation(mut self, operation: &str) -> FaultRule {
        self.operations.push(operation.to_owned());
        self
    }

    /// Only calls signed for `region`.
    pub fn region(mut self, region: &str) -> FaultRule {
        self.regions.push(region.to_owned());
        self
    }

    /// Fires on the Nth, 2Nth… matching call.
    pub fn every(mut self, n: u64) -> FaultRule {
        self.pick = Pick::EveryNth(n.max(1));
        self
    }

    /// Fires on the first `n` matching calls only.
    pub fn first(mut self, n: u64) -> FaultRule {
        self.pick = Pick::First(n);
        self
    }

    /// Fires on a `share` (0 to 1) of the matching calls, chosen by a generator seeded with `seed`.
    pub fn share(mut self, share: f64, seed: u64) -> FaultRule {
        self.pick = Pick::Share { share, seed };
        self
    }

    fn matches(&self, call: &Call) -> bool {
        (self.classes.is_empty() || self.classes.contains(&call.class))
            && (self.operations.is_empty() || self.operations.contains(&call.operation))
            && (self.regions.is_empty() || self.regions.contains(&call.scope.region))
    }
}

/// A rule and what it has matched so far.
struct Armed {
    rule: FaultRule,
    matched: u64,
    random: u64,
}

impl Armed {
    fn new(rule: FaultRule) -> Armed {
        let random = match rule.pick {
            Pick::Share { seed, .. } => seed,
            _ => 0,
        };
        Armed {
            rule,
            matched: 0,
            random,
        }
    }

    /// Counts a matching call; whether the rule fires on it.
    fn fires(&mut self) -> bool {
        self.matched += 1;
        match self.rule.pick {
            Pick::All => true,
            Pick::EveryNth(n) => self.matched.is_multiple_of(n),
            Pick::First(n) => self.matched <= n,
            Pick::Share { share, .. } => {
                let draw = (splitmix64(&mut self.random) >> 11) as f64 / (1u64 << 53) as f64;
                draw < share
            }
        }
    }
}

/// SplitMix64: a small, well-mixed generator, so a seed means the same draws everywhere.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The rules in force. They are tried in order; every rule a call matches counts it, and the
/// first that fires decides the call.
#[derive(Default)]
pub struct Faults {
    rules: Mutex<Vec<Armed>>,
}

impl Faults {
    pub fn new(rules: Vec<FaultRule>) -> Faults {
        let faults = Faults::default();
        faults.set(rules);
        faults
    }

    /// Replaces every rule (their counts start again).
    pub fn set(&self, rules: Vec<FaultRule>) {
        *self.rules.lock().unwrap() = rules.into_iter().map(Armed::new).collect();
    }

    pub fn add(&self, rule: FaultRule) {
        self.rules.lock().unwrap().push(Armed::new(rule));
    }

    /// The fault for `call`, if a rule fires on it.
    pub fn pick(&self, call: &Call) -> Option<Fault> {
        let mut fired = None;
        for armed in self.rules.lock().unwrap().iter_mut() {
            if armed.rule.matches(call) && armed.fires() && fired.is_none() {
                fired = Some(armed.rule.fault.clone());
            }
        }
        fired
    }
}
