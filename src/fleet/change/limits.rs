//! Lambda's limits on what a change or an invocation may send, checked before anything is
//! sent, and the canary share as an operator writes it.

/// The largest synchronous payload Lambda takes (6 MB).
pub const SYNC_LIMIT: usize = 6 * 1024 * 1024;
/// The largest queued (`Event`) payload: 1 MB since Lambda raised it from 256 KB.
pub const EVENT_LIMIT: usize = 1024 * 1024;

/// Checks a payload before anything is sent: valid JSON, within `limit`. `source` names it in
/// the message.
pub fn check_payload(bytes: &[u8], source: &str, limit: usize) -> Result<(), String> {
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(format!(
            "{source} is not valid JSON ({e}); nothing was sent"
        ));
    }
    if bytes.len() > limit {
        return Err(format!(
            "{source} is {} bytes, over the {} this invocation takes; nothing was sent (put large data in S3 and send its key)",
            bytes.len(),
            crate::units::bytes(limit as u64)
        ));
    }
    Ok(())
}

/// `10%`, `10` (a percentage) or `0.1`: a share strictly between 0 and 1.
pub fn parse_weight(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let value: f64 = t
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("weight {text}: write a share like 10% or 0.1"))?;
    let share = if t.ends_with('%') || value > 1.0 {
        value / 100.0
    } else {
        value
    };
    if share > 0.0 && share < 1.0 {
        Ok(share)
    } else {
        Err(format!(
            "weight {text}: the canary's share must be between 0 and 100% (exclusive)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_read_as_shares_or_percentages() {
        assert_eq!(parse_weight("10%").unwrap(), 0.1);
        assert_eq!(parse_weight("10").unwrap(), 0.1);
        assert_eq!(parse_weight("0.25").unwrap(), 0.25);
        assert!(parse_weight("100%").is_err());
        assert!(parse_weight("0").is_err());
        assert!(parse_weight("lots").unwrap_err().contains("10%"));
    }

    #[test]
    fn a_queued_payload_may_be_up_to_one_megabyte() {
        let json = |n: usize| format!("\"{}\"", "x".repeat(n - 2)).into_bytes();
        assert!(check_payload(&json(900 * 1024), "p", EVENT_LIMIT).is_ok());
        let e = check_payload(&json(EVENT_LIMIT + 1), "p", EVENT_LIMIT).unwrap_err();
        assert!(e.contains("nothing was sent"), "{e}");
        assert!(
            check_payload(b"{", "p", SYNC_LIMIT)
                .unwrap_err()
                .contains("not valid JSON")
        );
    }
}
