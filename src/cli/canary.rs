//! `mfn-tui canary --status`: the alias's versions side by side over a window, from the REPORT
//! lines of each version's log streams (`YYYY/MM/DD/[VERSION]…`): invocations, errors, warm and
//! cold latency.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;

use crate::analysis::latency::{LatencyStats, Window};
use crate::analysis::report;
use crate::analysis::window::parse_duration;
use crate::config::Config;
use crate::fleet::Fleet;
use crate::fleet::logs::read_logs;
use crate::units::millis;

use super::fail;
use super::invoke::function;

/// The version a log stream belongs to: `2026/11/28/[3]abc…` → `3`.
pub fn stream_version(stream: &str) -> Option<&str> {
    let start = stream.find('[')? + 1;
    let end = start + stream[start..].find(']')?;
    Some(&stream[start..end])
}

pub async fn status(
    fleet: Arc<dyn Fleet>,
    config: &Config,
    name: &str,
    alias: &str,
    since: &str,
) -> ExitCode {
    let since_ms = match parse_duration(since) {
        Ok(ms) => ms,
        Err(e) => return fail(&e),
    };
    let f = match function(fleet.as_ref(), config, name).await {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    let Some(a) = f.aliases.iter().find(|a| a.name == alias) else {
        return fail(&format!("{name} has no alias `{alias}`"));
    };
    let window = Window::ending_at(crate::clock::now_ms() + 1, since_ms);
    let pattern = Some("REPORT RequestId");
    let (records, failures) = read_logs(
        fleet.clone(),
        std::slice::from_ref(&f),
        window,
        pattern,
        1,
        usize::MAX,
    )
    .await;
    if let Some((_, e)) = failures.first() {
        return fail(&e.to_string());
    }
    let mut by_version: BTreeMap<String, LatencyStats> = a
        .weights
        .keys()
        .map(|v| (v.clone(), LatencyStats::new(window, 1)))
        .collect();
    for r in &records {
        let (Some(version), Some(rep)) = (stream_version(&r.log_stream), report::parse(&r.message))
        else {
            continue;
        };
        if let Some(stats) = by_version.get_mut(version) {
            stats.record(&rep, r.timestamp_ms);
        }
    }
    println!("{name} alias {alias}, last {since}");
    println!(
        "{:<10} {:>6} {:>8} {:>7} {:>9} {:>9} {:>9}",
        "VERSION", "SHARE", "INVOKES", "ERRORS", "WARM P50", "WARM P99", "COLD P99"
    );
    for (version, stats) in &by_version {
        let share = a.weights.get(version).copied().unwrap_or(0.0);
        let warm = stats.warm.percentiles();
        let cold = stats.cold.percentiles();
        let ms = |v: Option<f64>| v.map_or("-".to_owned(), millis);
        println!(
            "{:<10} {:>5.0}% {:>8} {:>7} {:>9} {:>9} {:>9}",
            version,
            share * 100.0,
            stats.invocations,
            stats.errors + stats.timeouts,
            ms(warm.map(|p| p.p50_ms)),
            ms(warm.map(|p| p.p99_ms)),
            ms(cold.map(|p| p.p99_ms)),
        );
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_names_its_version() {
        assert_eq!(stream_version("2026/11/28/[3]0123abcd"), Some("3"));
        assert_eq!(
            stream_version("2026/11/28/[$LATEST]0123abcd"),
            Some("$LATEST")
        );
        assert_eq!(stream_version("2026/11/28/orders-create[12]ff"), Some("12"));
        assert_eq!(stream_version("no version here"), None);
    }
}
