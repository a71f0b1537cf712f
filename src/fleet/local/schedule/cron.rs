//! EventBridge's cron expressions, `cron(Minutes Hours Day-of-month Month Day-of-week Year)` in
//! UTC: `*`, `?`, lists, ranges, steps and names (`JAN`, `MON-FRI`). `L`, `W` and `#` are not
//! read, so a schedule using them is listed as not triggered locally.

use crate::units::civil_from_days;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
/// How far ahead a next firing is looked for.
const HORIZON_DAYS: i64 = 5 * 366;

/// One field: the values it matches, or any (`*` and `?`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Any,
    Values(Vec<u32>),
}

impl Field {
    fn matches(&self, v: u32) -> bool {
        match self {
            Field::Any => true,
            Field::Values(vs) => vs.contains(&v),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: Field,
    hours: Field,
    days: Field,
    months: Field,
    weekdays: Field,
    years: Field,
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

impl Cron {
    /// The six fields inside `cron(…)`.
    pub fn parse(fields: &str) -> Result<Cron, String> {
        let parts: Vec<&str> = fields.split_whitespace().collect();
        let [minutes, hours, days, months, weekdays, years] = parts[..] else {
            return Err(format!(
                "a cron expression has six fields (minutes hours day-of-month month day-of-week year), not {}",
                parts.len()
            ));
        };
        if let Some(c) = ['L', 'W', '#']
            .into_iter()
            .find(|c| days.contains(*c) || weekdays.contains(*c))
        {
            return Err(format!("`{c}` in a cron expression is not read here"));
        }
        Ok(Cron {
            minutes: field(minutes, 0, 59, &[])?,
            hours: field(hours, 0, 23, &[])?,
            days: field(days, 1, 31, &[])?,
            months: field(months, 1, 12, &MONTHS)?,
            weekdays: field(weekdays, 1, 7, &WEEKDAYS)?,
            years: field(years, 1970, 2199, &[])?,
        })
    }

    /// The first minute strictly after `after_ms` (epoch milliseconds, UTC) that matches.
    pub fn next_after(&self, after_ms: i64) -> Option<i64> {
        let mut t = (after_ms.div_euclid(MINUTE_MS) + 1) * MINUTE_MS;
        let end = t + HORIZON_DAYS * DAY_MS;
        while t < end {
            let days = t.div_euclid(DAY_MS);
            let (y, m, d) = civil_from_days(days);
            // 1970-01-01 was a Thursday; EventBridge counts SUN as 1.
            let weekday = ((days + 4).rem_euclid(7) + 1) as u32;
            let day_ok = self.years.matches(y as u32)
                && self.months.matches(m)
                && self.days.matches(d)
                && self.weekdays.matches(weekday);
            if !day_ok {
                t = (days + 1) * DAY_MS;
                continue;
            }
            let in_day = t - days * DAY_MS;
            let (hour, minute) = (
                (in_day / 3_600_000) as u32,
                ((in_day / MINUTE_MS) % 60) as u32,
            );
            if !self.hours.matches(hour) {
                t = days * DAY_MS + (i64::from(hour) + 1) * 3_600_000;
                continue;
            }
            if self.minutes.matches(minute) {
                return Some(t);
            }
            t += MINUTE_MS;
        }
        None
    }
}

fn field(text: &str, min: u32, max: u32, names: &[&str]) -> Result<Field, String> {
    if text == "*" || text == "?" {
        return Ok(Field::Any);
    }
    let value = |s: &str| -> Result<u32, String> {
        let upper = s.to_ascii_uppercase();
        let v = match names.iter().position(|n| *n == upper) {
            Some(i) => i as u32 + 1,
            None => s
                .parse()
                .map_err(|_| format!("`{s}` is not a value of a cron field"))?,
        };
        if v < min || v > max {
            return Err(format!("`{s}` is outside {min}-{max}"));
        }
        Ok(v)
    };
    let mut values = Vec::new();
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("`{part}` has a bad step"))?,
            ),
            None => (part, 1),
        };
        let (from, to) = match range {
            "*" => (min, max),
            r => match r.split_once('-') {
                Some((a, b)) => (value(a)?, value(b)?),
                // `5/15`: from 5 to the end, every 15.
                None if part.contains('/') => (value(r)?, max),
                None => (value(r)?, value(r)?),
            },
        };
        values.extend((from..=to).step_by(step as usize));
    }
    Ok(Field::Values(values))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Epoch milliseconds of a UTC date and time.
    fn at(y: i64, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        // Days from civil (Howard Hinnant's algorithm).
        let y = if mo <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = i64::from((mo + 9) % 12);
        let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        days * DAY_MS + i64::from(h) * 3_600_000 + i64::from(mi) * MINUTE_MS
    }

    #[test]
    fn the_next_firing_follows_every_field() {
        let every_10 = Cron::parse("0/10 * * * ? *").unwrap();
        let now = at(2026, 12, 2, 16, 3);
        assert_eq!(every_10.next_after(now), Some(at(2026, 12, 2, 16, 10)));
        let weekdays_at_9 = Cron::parse("0 9 ? * MON-FRI *").unwrap();
        // 2026-12-05 is a Saturday: the next is Monday the 7th.
        assert_eq!(
            weekdays_at_9.next_after(at(2026, 12, 4, 9, 0)),
            Some(at(2026, 12, 7, 9, 0))
        );
        let first_of_month = Cron::parse("15 10 1 * ? *").unwrap();
        assert_eq!(
            first_of_month.next_after(at(2026, 12, 2, 0, 0)),
            Some(at(2027, 1, 1, 10, 15))
        );
        let past = Cron::parse("0 0 1 1 ? 2020").unwrap();
        assert_eq!(past.next_after(now), None);
    }

    #[test]
    fn what_is_not_read_says_so() {
        assert!(
            Cron::parse("0 18 ? * MON-FRI")
                .unwrap_err()
                .contains("six fields")
        );
        assert!(Cron::parse("0 10 L * ? *").unwrap_err().contains("`L`"));
        assert!(Cron::parse("0 25 * * ? *").unwrap_err().contains("0-23"));
    }
}
