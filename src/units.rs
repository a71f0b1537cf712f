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
    }
}
