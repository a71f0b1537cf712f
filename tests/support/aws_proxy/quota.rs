//! API quotas as token buckets, one per account-region and API class, with AWS's published
//! figures as the default.
//!
//! Where AWS publishes a figure it is used as is; where it does not, the choice is ours:
//! - burst: AWS does not publish the bucket sizes, so each bucket holds one second of its rate
//!   (15 calls for the Lambda control plane) and starts full;
//! - `StartQuery` 5/s, `GetQueryResults` 10/s, `StopQuery` 5/s: AWS says only "a few per second"
//!   for Logs Insights; these are in that range and below what a poller needs at 30 concurrent
//!   queries, so a client must pace its polling (the 30-concurrent-query cap is not modelled);
//! - no quota where AWS publishes none that binds a dashboard: Invoke (concurrency-bound, not
//!   rate-bound), the other Logs calls, Resource Groups Tagging, API Gateway, STS.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::classify::{ApiClass, Scope};

/// A rate: `calls` per `per`, in bursts of up to `burst` calls.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quota {
    pub calls: f64,
    pub per: Duration,
    pub burst: f64,
}

impl Quota {
    /// `calls` a second, in bursts of one second's worth.
    pub fn per_second(calls: f64) -> Quota {
        Quota::new(calls, Duration::from_secs(1))
    }

    /// `calls` per `per`, in bursts of `calls`: `Quota::new(15.0, Duration::from_secs(3600))` lets
    /// exactly 15 calls of a burst through within a test.
    pub fn new(calls: f64, per: Duration) -> Quota {
        Quota {
            calls,
            per,
            burst: calls.max(1.0),
        }
    }

    pub fn with_burst(self, burst: f64) -> Quota {
        Quota { burst, ..self }
    }

    fn tokens_per_second(&self) -> f64 {
        self.calls / self.per.as_secs_f64()
    }
}

/// The quota of each class; a class without one is never throttled.
#[derive(Debug, Clone, Default)]
pub struct Quotas {
    by_class: HashMap<ApiClass, Quota>,
}

impl Quotas {
    /// AWS's published per-account-region quotas (see the module documentation for the choices).
    pub fn aws() -> Quotas {
        let published = [
            (ApiClass::LambdaControl, 15.0),
            (ApiClass::LambdaGetFunction, 100.0),
            (ApiClass::LambdaGetPolicy, 15.0),
            (ApiClass::LogsFilterLogEvents, 5.0),
            (ApiClass::LogsGetLogEvents, 25.0),
            (ApiClass::LogsDescribeLogGroups, 5.0),
            (ApiClass::LogsDescribeLogStreams, 5.0),
            (ApiClass::LogsStartQuery, 5.0),
            (ApiClass::LogsGetQueryResults, 10.0),
            (ApiClass::LogsStopQuery, 5.0),
            (ApiClass::CloudWatchGetMetricData, 50.0),
            (ApiClass::CloudWatchPutMetricData, 500.0),
            (ApiClass::CloudWatchListMetrics, 25.0),
        ];
        Quotas {
            by_class: published
                .into_iter()
                .map(|(class, rate)| (class, Quota::per_second(rate)))
                .collect(),
        }
    }

    /// No quota at all: the proxy only adds latency (and faults).
    pub fn unlimited() -> Quotas {
        Quotas::default()
    }

    /// The same, with `class` limited to `quota`.
    pub fn with(mut self, class: ApiClass, quota: Quota) -> Quotas {
        self.by_class.insert(class, quota);
        self
    }

    /// The same, with `class` unlimited.
    pub fn without(mut self, class: ApiClass) -> Quotas {
        self.by_class.remove(&class);
        self
    }

    pub fn get(&self, class: ApiClass) -> Option<Quota> {
        self.by_class.get(&class).copied()
    }
}

/// The token buckets of every account-region and class seen so far.
pub struct Buckets {
    state: Mutex<State>,
}

struct State {
    quotas: Quotas,
    buckets: HashMap<(Scope, ApiClass), Bucket>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Buckets {
    pub fn new(quotas: Quotas) -> Buckets {
        Buckets {
            state: Mutex::new(State {
                quotas,
                buckets: HashMap::new(),
            }),
        }
    }

    /// Replaces the quotas; every bucket starts full again.
    pub fn set_quotas(&self, quotas: Quotas) {
        let mut state = self.state.lock().unwrap();
        state.quotas = quotas;
        state.buckets.clear();
    }

    /// Takes a token for a call of `class` by `scope`: `Err(wait)` when the bucket is empty, with
    /// how long until it holds one again.
    pub fn take(&self, scope: &Scope, class: ApiClass) -> Result<(), Duration> {
        let mut state = self.state.lock().unwrap();
        let Some(quota) = state.quotas.get(class) else {
            return Ok(());
        };
        let now = Instant::now();
        let bucket = state
            .buckets
            .entry((scope.clone(), class))
            .or_insert(Bucket {
                tokens: quota.burst,
                at: now,
            });
        let rate = quota.tokens_per_second();
        bucket.tokens =
            (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * rate).min(quota.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        }
    }
}
