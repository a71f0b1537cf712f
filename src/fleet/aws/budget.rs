//! The client-side rate budget: every AWS call waits here for its API class's turn, per account
//! and region, before the SDK sees it — so an operation timeout measures the call and never
//! the queue, and the account keeps headroom under its quotas for everyone else's deploys.
//!
//! Each class is a rate with a small burst, scheduled like a generic cell-rate algorithm: a
//! call reserves the next free slot and sleeps until it. Background work (the dashboard's
//! versions and aliases of functions nobody is looking at) never reserves ahead: it takes a
//! slot only when one is free now, so anything the operator waits for goes first. A paged walk
//! takes a turn for each page it asks for, never one for its end ([`more_pages`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::Deserialize;
use tokio::time::Instant;

/// An API with its own quota per account and region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {
    /// Lambda's control plane: every call but Invoke, GetFunction and GetPolicy (15/s).
    LambdaControl,
    /// `GetFunction` (100/s).
    LambdaGetFunction,
    /// `FilterLogEvents` (5/s).
    FilterLogEvents,
    /// `GetLogEvents` (25/s).
    GetLogEvents,
    /// `DescribeLogGroups` and `DescribeLogStreams` (5/s).
    DescribeLogs,
    /// `StartQuery` (a few per second).
    StartQuery,
    /// `GetQueryResults` and `StopQuery`.
    QueryResults,
    /// CloudWatch `GetMetricData` (50/s).
    GetMetricData,
    /// Resource Groups Tagging `GetResources`.
    Tagging,
    /// API Gateway's management API.
    ApiGateway,
}

/// Calls per second each API may spend, per account and region (`[quota]`). The defaults sit
/// below AWS's published quotas.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaSettings {
    pub lambda_control_per_s: f64,
    pub get_function_per_s: f64,
    pub filter_log_events_per_s: f64,
    pub get_log_events_per_s: f64,
    pub describe_logs_per_s: f64,
    pub start_query_per_s: f64,
    pub query_results_per_s: f64,
    pub get_metric_data_per_s: f64,
    pub tagging_per_s: f64,
    pub api_gateway_per_s: f64,
    /// Calls a class may make at once after a pause, and never more than one second of its
    /// rate (see [`QuotaSettings::burst`]).
    pub burst: u32,
}

impl Default for QuotaSettings {
    /// The defaults of `assets/config.toml`.
    fn default() -> Self {
        crate::config::Config::defaults().quota
    }
}

impl QuotaSettings {
    fn rate(&self, api: Api) -> f64 {
        match api {
            Api::LambdaControl => self.lambda_control_per_s,
            Api::LambdaGetFunction => self.get_function_per_s,
            Api::FilterLogEvents => self.filter_log_events_per_s,
            Api::GetLogEvents => self.get_log_events_per_s,
            Api::DescribeLogs => self.describe_logs_per_s,
            Api::StartQuery => self.start_query_per_s,
            Api::QueryResults => self.query_results_per_s,
            Api::GetMetricData => self.get_metric_data_per_s,
            Api::Tagging => self.tagging_per_s,
            Api::ApiGateway => self.api_gateway_per_s,
        }
    }

    /// The calls `api` may make at once after a pause: `burst`, but never more than one second
    /// of its own rate. AWS's buckets hold about a second of their quota, so a class that never
    /// goes past its rate over any second (burst included) stays under a quota above that rate.
    fn burst(&self, api: Api) -> u32 {
        let second = self.rate(api).floor().max(1.0) as u32;
        self.burst.clamp(1, second)
    }

    /// Refuses a rate that is not a positive number.
    pub fn check(&self) -> Result<(), String> {
        let all = [
            ("lambda_control_per_s", self.lambda_control_per_s),
            ("get_function_per_s", self.get_function_per_s),
            ("filter_log_events_per_s", self.filter_log_events_per_s),
            ("get_log_events_per_s", self.get_log_events_per_s),
            ("describe_logs_per_s", self.describe_logs_per_s),
            ("start_query_per_s", self.start_query_per_s),
            ("query_results_per_s", self.query_results_per_s),
            ("get_metric_data_per_s", self.get_metric_data_per_s),
            ("tagging_per_s", self.tagging_per_s),
            ("api_gateway_per_s", self.api_gateway_per_s),
        ];
        match all.iter().find(|(_, r)| !(r.is_finite() && *r > 0.0)) {
            Some((name, r)) => Err(format!(
                "[quota] {name} = {r}: a rate must be a positive number of calls per second"
            )),
            None if self.burst == 0 => Err("[quota] burst must be at least 1".into()),
            None => Ok(()),
        }
    }
}

/// Whether a page's continuation token (`NextMarker`, `NextToken`, `PaginationToken`,
/// `position`) asks for another page, as the SDK's paginators read it: an empty token ends a
/// walk too. A walk takes a turn before each page it will ask for and none for its end, which
/// would otherwise cost a turn no call uses (half the rate of a walk of one page, such as a
/// function's `ListAliases`).
pub fn more_pages(token: Option<&str>) -> bool {
    token.is_some_and(|t| !t.is_empty())
}

/// Who waits for a call: the operator, or nobody in particular.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Now,
    /// Takes only a slot that is free now; yields to every `Now` call.
    Background,
}

tokio::task_local! {
    /// The urgency of the calls a task makes (`Now` outside any scope).
    static URGENCY: Urgency;
}

/// Runs `work` with every call it makes in the background (see [`Urgency::Background`]).
pub async fn in_background<F: std::future::Future>(work: F) -> F::Output {
    URGENCY.scope(Urgency::Background, work).await
}

fn urgency() -> Urgency {
    URGENCY.try_with(|u| *u).unwrap_or(Urgency::Now)
}

/// Whether the current task's calls are background work (a task spawned from it must say so
/// again: task-locals do not cross `spawn`).
pub fn is_background() -> bool {
    urgency() == Urgency::Background
}

/// One API's schedule: its spacing, its burst, and the next free slot.
#[derive(Debug)]
struct Schedule {
    interval: Duration,
    burst: u32,
    next: Instant,
    waited: Duration,
    calls: u64,
}

/// The budget of one account and region, shared by every task calling it.
#[derive(Debug)]
pub struct Budget {
    schedules: Mutex<HashMap<Api, Schedule>>,
    settings: QuotaSettings,
}

/// What a budget spent: calls and the time they waited, per API.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spent {
    pub calls: HashMap<Api, u64>,
    pub waited: HashMap<Api, Duration>,
}

impl Budget {
    pub fn new(settings: QuotaSettings) -> Budget {
        Budget {
            schedules: Mutex::new(HashMap::new()),
            settings,
        }
    }

    /// Waits for `api`'s next slot (the task's urgency decides whether it may reserve ahead).
    pub async fn take(&self, api: Api) {
        let urgency = urgency();
        loop {
            match self.reserve(api, urgency, Instant::now()) {
                Ok(wait) => {
                    if !wait.is_zero() {
                        tokio::time::sleep(wait).await;
                    }
                    return;
                }
                // Not free now: look again when it is.
                Err(until) => tokio::time::sleep(until).await,
            }
        }
    }

    /// Reserves a slot of `api` at or after `now`: how long to wait for it, or (background
    /// only) how long until one may be free.
    fn reserve(&self, api: Api, urgency: Urgency, now: Instant) -> Result<Duration, Duration> {
        let mut schedules = self.schedules.lock().expect("the budget's lock");
        let s = schedules.entry(api).or_insert_with(|| {
            let rate = self.settings.rate(api);
            Schedule {
                interval: Duration::from_secs_f64(1.0 / rate),
                burst: self.settings.burst(api),
                // Starts as after a pause: the burst is there to spend.
                next: now.checked_sub(Duration::from_secs(3600)).unwrap_or(now),
                waited: Duration::ZERO,
                calls: 0,
            }
        });
        // After a pause, up to `burst` calls may go at once.
        let catch_up = s.interval * (s.burst - 1);
        let earliest = now.checked_sub(catch_up).unwrap_or(now);
        let slot = s.next.max(earliest);
        if urgency == Urgency::Background && slot > now {
            return Err(slot - now);
        }
        s.next = slot + s.interval;
        let wait = slot.saturating_duration_since(now);
        s.waited += wait;
        s.calls += 1;
        Ok(wait)
    }

    /// Calls made and time waited so far, per API.
    pub fn spent(&self) -> Spent {
        let schedules = self.schedules.lock().expect("the budget's lock");
        Spent {
            calls: schedules.iter().map(|(a, s)| (*a, s.calls)).collect(),
            waited: schedules.iter().map(|(a, s)| (*a, s.waited)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(per_s: f64, burst: u32) -> Budget {
        Budget::new(QuotaSettings {
            lambda_control_per_s: per_s,
            burst,
            ..QuotaSettings::default()
        })
    }

    #[test]
    fn a_burst_is_never_more_than_one_second_of_its_apis_rate() {
        let settings = QuotaSettings {
            lambda_control_per_s: 12.0,
            tagging_per_s: 5.0,
            start_query_per_s: 0.5,
            burst: 15,
            ..QuotaSettings::default()
        };
        assert_eq!(settings.burst(Api::LambdaControl), 12);
        assert_eq!(settings.burst(Api::Tagging), 5);
        assert_eq!(settings.burst(Api::StartQuery), 1, "at least one call");
        let small = QuotaSettings {
            burst: 3,
            ..settings
        };
        assert_eq!(
            small.burst(Api::LambdaControl),
            3,
            "a smaller burst is kept"
        );

        // 12 at once, then one every 1/12 s: 12 + 11 go within the first 950 ms.
        let b = Budget::new(settings);
        let now = Instant::now();
        let early = (0..40)
            .map(|_| b.reserve(Api::LambdaControl, Urgency::Now, now).unwrap())
            .filter(|w| *w <= Duration::from_millis(950))
            .count();
        assert_eq!(early, 12 + 11);
    }

    #[test]
    fn calls_are_spaced_at_the_rate_after_a_burst() {
        let b = budget(10.0, 3);
        let now = Instant::now();
        let waits: Vec<Duration> = (0..6)
            .map(|_| b.reserve(Api::LambdaControl, Urgency::Now, now).unwrap())
            .collect();
        let ms: Vec<u128> = waits.iter().map(Duration::as_millis).collect();
        assert_eq!(ms, vec![0, 0, 0, 100, 200, 300]);
    }

    #[test]
    fn background_calls_take_only_free_slots_and_yield_to_the_operators() {
        let b = budget(10.0, 1);
        let now = Instant::now();
        assert_eq!(
            b.reserve(Api::LambdaControl, Urgency::Background, now),
            Ok(Duration::ZERO)
        );
        // The next slot is 100 ms away: the background call does not reserve it…
        assert_eq!(
            b.reserve(Api::LambdaControl, Urgency::Background, now),
            Err(Duration::from_millis(100))
        );
        // …so the operator's call gets it.
        assert_eq!(
            b.reserve(Api::LambdaControl, Urgency::Now, now),
            Ok(Duration::from_millis(100))
        );
    }

    #[test]
    fn each_api_has_its_own_schedule() {
        let b = budget(1.0, 1);
        let now = Instant::now();
        assert_eq!(
            b.reserve(Api::LambdaControl, Urgency::Now, now),
            Ok(Duration::ZERO)
        );
        assert_eq!(
            b.reserve(Api::FilterLogEvents, Urgency::Now, now),
            Ok(Duration::ZERO)
        );
        assert_eq!(
            b.reserve(Api::LambdaControl, Urgency::Now, now),
            Ok(Duration::from_secs(1))
        );
        assert_eq!(b.spent().calls[&Api::LambdaControl], 2);
    }

    #[test]
    fn a_rate_that_is_not_positive_is_refused_by_name() {
        let bad = QuotaSettings {
            filter_log_events_per_s: 0.0,
            ..QuotaSettings::default()
        };
        assert!(bad.check().unwrap_err().contains("filter_log_events_per_s"));
        assert!(QuotaSettings::default().check().is_ok());
    }
}
