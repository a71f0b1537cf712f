//! How quantities read to an operator: bytes, milliseconds, dollars.

/// `512 B`, `1.5 KB`, `3.2 MB`, `1.1 GB`.
pub fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GB", n as f64 / f64::from(1u32 << 30)),
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / f64::from(1u32 << 20)),
        n if n >= 1 << 10 => format!("{:.1} KB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// `8.5ms`, `412ms`, `2.31s`.
pub fn millis(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.1}ms")
    } else if ms < 1000.0 {
        format!("{ms:.0}ms")
    } else {
        format!("{:.2}s", ms / 1000.0)
    }
}

/// `$1234`, `$12.30`, `$0.0042`, `<$0.0001`.
pub fn dollars(usd: f64) -> String {
    if usd > 0.0 && usd < 0.0001 {
        "<$0.0001".into()
    } else if usd >= 1000.0 {
        format!("${usd:.0}")
    } else if usd >= 1.0 {
        format!("${usd:.2}")
    } else {
        format!("${usd:.4}")
    }
}

/// The price of one invocation, to the hundred-millionth of a dollar: `$0.00000340`.
pub fn invocation_dollars(usd: f64) -> String {
    format!("${usd:.8}")
}

/// `2026-11-28T11:42:53.123Z` (UTC) from milliseconds since the epoch.
pub fn iso_time(ms: i64) -> String {
    let (date, time) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(date);
    format!("{y:04}-{m:02}-{d:02}T{}Z", clock_time_of_day(time))
}

/// `11:42:53.123` (UTC) from milliseconds since the epoch.
pub fn clock_time(ms: i64) -> String {
    clock_time_of_day(ms.rem_euclid(86_400_000))
}

fn clock_time_of_day(ms: i64) -> String {
    let (s, milli) = (ms / 1000, ms % 1000);
    format!(
        "{:02}:{:02}:{:02}.{milli:03}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// Year, month, day of a day count since 1970-01-01 (proleptic Gregorian).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `1,234,567`.
/// `40s`, `12m`, `3h`, `2d`: how long ago, roughly.
pub fn age(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_read_naturally() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(3 * 1024 * 1024 + 200_000), "3.2 MB");
        assert_eq!(millis(8.49), "8.5ms");
        assert_eq!(millis(2310.0), "2.31s");
        assert_eq!(dollars(12.3), "$12.30");
        assert_eq!(dollars(0.00001), "<$0.0001");
        assert_eq!(dollars(0.0), "$0.0000");
        assert_eq!(invocation_dollars(0.0000034), "$0.00000340");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn times_are_utc_to_the_millisecond() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00.000Z");
        // 2026-11-28T11:42:53.123Z
        assert_eq!(iso_time(1_795_866_173_123), "2026-11-28T11:42:53.123Z");
        assert_eq!(iso_time(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(clock_time(1_795_866_173_123), "11:42:53.123");
    }
}
