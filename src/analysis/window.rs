//! Time windows: `1h`, `24h`, `7d`, `30d` (any N m/h/d) back from an end, or a start and an end.

use aws_sdk_lambda::primitives::{DateTime, DateTimeFormat};

use super::latency::Window;

/// Milliseconds in `30m`, `1h`, `24h`, `7d`.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = number
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{text}` is not a duration: use e.g. 30m, 1h, 24h, 7d, 30d"))?;
    let unit_ms = match unit {
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => {
            return Err(format!(
                "`{text}` is not a duration: use e.g. 30m, 1h, 24h, 7d, 30d"
            ));
        }
    };
    Ok(n * unit_ms)
}

/// An instant: RFC 3339 (`2026-11-28T10:00:00Z`) or milliseconds since the epoch.
pub fn parse_instant(text: &str) -> Result<i64, String> {
    if let Ok(ms) = text.parse::<i64>() {
        return Ok(ms);
    }
    DateTime::from_str(text, DateTimeFormat::DateTime)
        .map_err(|_| {
            format!(
                "`{text}` is not a time: use RFC 3339 (2026-11-28T10:00:00Z) or epoch milliseconds"
            )
        })?
        .to_millis()
        .map_err(|e| e.to_string())
}

/// The window `--since`, `--start` and `--end` describe, ending now by default.
pub fn window(
    since: &str,
    start: Option<&str>,
    end: Option<&str>,
    now_ms: i64,
) -> Result<Window, String> {
    let end_ms = end.map(parse_instant).transpose()?.unwrap_or(now_ms);
    let start_ms = match start {
        Some(s) => parse_instant(s)?,
        None => end_ms - parse_duration(since)?,
    };
    if start_ms >= end_ms {
        return Err("the window is empty: --start must come before --end".into());
    }
    Ok(Window { start_ms, end_ms })
}

/// The share of a log group's stored bytes a window reads: as if its bytes were spread evenly
/// over the time they were written in, from `stored_since_ms` (the group's creation, or the
/// oldest day its retention keeps) to the window's end.
pub fn estimated_scan_bytes(stored_bytes: u64, stored_since_ms: i64, window: &Window) -> u64 {
    let lifetime = (window.end_ms - stored_since_ms).max(window.len_ms());
    let share = window.len_ms() as f64 / lifetime as f64;
    (stored_bytes as f64 * share.clamp(0.0, 1.0)).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_reads_its_share_of_a_groups_bytes() {
        let day = 86_400_000;
        let w = Window {
            start_ms: 9 * day,
            end_ms: 10 * day,
        };
        // A group ten days old holding 10 GB: a day reads about 1 GB.
        assert_eq!(estimated_scan_bytes(10_000_000_000, 0, &w), 1_000_000_000);
        // A group younger than the window is read whole.
        assert_eq!(estimated_scan_bytes(500, 9 * day + 1, &w), 500);
    }

    #[test]
    fn bytes_kept_for_thirty_days_are_spread_over_thirty_days() {
        let day = 86_400_000;
        let w = Window {
            start_ms: 729 * day,
            end_ms: 730 * day,
        };
        // 30 GB written over the 30 days a retention keeps: a day reads a thirtieth.
        assert_eq!(
            estimated_scan_bytes(30_000_000_000, 700 * day, &w),
            1_000_000_000
        );
    }

    #[test]
    fn since_takes_minutes_hours_and_days() {
        assert_eq!(parse_duration("30m"), Ok(1_800_000));
        assert_eq!(parse_duration("24h"), Ok(86_400_000));
        assert_eq!(parse_duration("7d"), Ok(604_800_000));
        assert!(parse_duration("7w").unwrap_err().contains("7w"));
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("0h").is_err());
    }

    #[test]
    fn start_and_end_take_rfc3339_or_epoch_millis() {
        let w = window("1h", Some("2026-11-28T10:00:00Z"), Some("1795863600000"), 0).unwrap();
        assert_eq!(w.start_ms, 1_795_860_000_000);
        assert_eq!(w.end_ms, 1_795_863_600_000);
        assert!(
            window(
                "1h",
                Some("2026-11-28T12:00:00Z"),
                Some("2026-11-28T10:00:00Z"),
                0
            )
            .is_err()
        );
        let w = window("1h", None, None, 10_000_000).unwrap();
        assert_eq!((w.start_ms, w.end_ms), (6_400_000, 10_000_000));
    }
}
