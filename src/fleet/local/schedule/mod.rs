//! Scheduled events (`schedule: rate(…)` or `cron(…)`) run here as EventBridge runs them: the
//! function is invoked with the event AWS sends (or the schedule's `input`), asynchronously,
//! at each firing, unless the operator paused the fleet's schedules.

mod cron;
mod listing;
pub mod runner;

use std::time::Duration;

use cron::Cron;

/// A schedule of a function.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// As written: `rate(5 minutes)`.
    pub expression: String,
    pub every: Every,
    /// `enabled: false` lists the schedule without running it, as AWS does.
    pub enabled: bool,
    /// The schedule's `input`, sent in place of the scheduled event.
    pub input: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Every {
    Rate(Duration),
    Cron(Cron),
}

impl Schedule {
    /// `rate(1 minute)`, `rate(5 minutes)`, `rate(2 hours)`, `rate(1 day)`, or `cron(…)`.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let text = text.trim();
        let every = if let Some(rate) = inside(text, "rate") {
            let (n, unit) = rate
                .split_once(' ')
                .ok_or_else(|| format!("`{text}` must be `rate(N unit)`"))?;
            let n: u64 = n
                .trim()
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("`{text}`: `{n}` is not a positive whole number"))?;
            let unit_s = match unit.trim().trim_end_matches('s') {
                "minute" => 60,
                "hour" => 3_600,
                "day" => 86_400,
                other => {
                    return Err(format!(
                        "`{text}`: the unit `{other}` is not minute(s), hour(s) or day(s)"
                    ));
                }
            };
            Every::Rate(Duration::from_secs(n * unit_s))
        } else if let Some(fields) = inside(text, "cron") {
            Every::Cron(Cron::parse(fields)?)
        } else {
            return Err(format!("`{text}` is neither `rate(…)` nor `cron(…)`"));
        };
        Ok(Schedule {
            expression: text.to_owned(),
            every,
            enabled: true,
            input: None,
        })
    }

    /// The firing after `after_ms`; a rate counts its periods from `origin_ms`.
    pub fn next_after(&self, after_ms: i64, origin_ms: i64) -> Option<i64> {
        match &self.every {
            Every::Rate(period) => {
                let period = period.as_millis() as i64;
                let periods = (after_ms - origin_ms).div_euclid(period) + 1;
                Some(origin_ms + periods * period)
            }
            Every::Cron(cron) => cron.next_after(after_ms),
        }
    }
}

fn inside<'a>(text: &'a str, function: &str) -> Option<&'a str> {
    text.strip_prefix(function)?
        .trim_start()
        .strip_prefix('(')?
        .strip_suffix(')')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_fire_every_period_from_their_origin() {
        let s = Schedule::parse("rate(5 minutes)").unwrap();
        assert_eq!(s.every, Every::Rate(Duration::from_secs(300)));
        assert_eq!(s.next_after(1_000, 1_000), Some(301_000));
        assert_eq!(s.next_after(301_000, 1_000), Some(601_000));
        assert_eq!(
            Schedule::parse("rate(1 day)").unwrap().every,
            Every::Rate(Duration::from_secs(86_400))
        );
        assert!(
            Schedule::parse("rate(5 seconds)")
                .unwrap_err()
                .contains("second")
        );
        assert!(Schedule::parse("every 5 minutes").is_err());
    }
}
