//! The times log lines are printed with: ISO 8601 in UTC (`2026-11-28T10:00:00.123Z`, what
//! CloudWatch exports and `mfn-tui` write), with an offset (`…+00:00`, `aws logs tail`), or with no
//! zone at all (`2026-11-28T10:00:00`, `aws logs tail --format short`, which prints UTC).

/// Milliseconds since the epoch of an ISO 8601 time, or `None` when `text` is not one. Digits
/// past the millisecond are dropped.
pub fn parse_time(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let (hour, minute, second) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    // A leap second (:60) reads as the next second's start.
    if second > 60 {
        return None;
    }
    let mut rest = &b[19..];
    let mut millis = 0;
    if let [b'.', frac @ ..] = rest {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        for (i, &c) in frac[..n.min(3)].iter().enumerate() {
            millis += i64::from(c - b'0') * [100, 10, 1][i];
        }
        rest = &frac[n..];
    }
    let offset_minutes = match rest {
        [] | [b'Z'] | [b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, tail @ ..] => {
            let minutes = match tail {
                [b':', m1, m2] | [m1, m2] => digits(&[*m1, *m2])?,
                [] => 0,
                _ => return None,
            };
            let total = digits(&[*h1, *h2])? * 60 + minutes;
            if *sign == b'-' { -total } else { total }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1_000 + millis)
}

/// The number the ASCII digits spell.
fn digits(b: &[u8]) -> Option<i64> {
    b.iter().try_fold(0i64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::iso_time;

    #[test]
    fn the_times_exports_tail_and_mfn_tui_print() {
        let t = 1_795_860_000_123;
        // CloudWatch export, saved logs, `mfn-tui logs`.
        assert_eq!(parse_time("2026-11-28T10:00:00.123Z"), Some(t));
        // `aws logs tail` (Python's isoformat: microseconds and an offset, or neither).
        assert_eq!(parse_time("2026-11-28T10:00:00.123456+00:00"), Some(t));
        assert_eq!(parse_time("2026-11-28T10:00:00+00:00"), Some(t - 123));
        // `aws logs tail --format short`: no zone, UTC.
        assert_eq!(parse_time("2026-11-28T10:00:00"), Some(t - 123));
        assert_eq!(parse_time("2026-11-28T12:00:00.123+02:00"), Some(t));
        assert_eq!(parse_time("2026-11-28T08:30:00.123-0130"), Some(t));
    }

    #[test]
    fn it_reads_back_what_mfn_tui_writes() {
        for ms in [0, 951_782_400_000, 1_795_860_000_123, 4_102_444_799_999] {
            assert_eq!(parse_time(&iso_time(ms)), Some(ms), "{}", iso_time(ms));
        }
    }

    #[test]
    fn other_words_are_not_times() {
        for text in [
            "",
            "2026-11-28",
            "2026/11/28/[$LATEST]0123456789abcdef",
            "users-dev-login",
            "2026-13-28T10:00:00Z",
            "2026-11-28T10:00:00.Z",
            "2026-11-28T10:00:00 UTC",
            "2026-11-28T10:00:00+1",
            "REPORT RequestId:",
        ] {
            assert_eq!(parse_time(text), None, "{text}");
        }
    }
}
