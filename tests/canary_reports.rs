//! `canary --status` reads both REPORT forms (issue 14, finding 15): a version whose function
//! logs in the JSON format (`platform.report`) is counted like one logging text lines. The built
//! binary against the emulator; the reading itself streams page by page into per-version
//! figures (`fleet::alias_figures`), never holding the records.

mod support;

use support::cli::mfn_against;
use support::emulator::Emulator;
use support::fleet::{EAST, seed_fleet};
use support::seed::{json_report, now_ms, put_logs, text_invocation};

/// The row of `version` in `canary --status`'s table: its cells.
fn row<'a>(table: &'a str, version: &str) -> Vec<&'a str> {
    table
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|cells| cells.first() == Some(&version))
        .unwrap_or_else(|| panic!("no row for version {version}:\n{table}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn canary_status_counts_text_and_json_reports_of_each_version() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    // users-dev-login: alias live on version 2, with 10% on version 1. Version 1 logged in the
    // JSON format, version 2 in text.
    let logs = aws_sdk_cloudwatchlogs::Client::new(&emulator.sdk_config(EAST).await);
    let group = "/aws/lambda/users-dev-login";
    let t = now_ms() - 300_000;
    let json: Vec<(i64, String)> = (0..3)
        .map(|i| {
            (
                t + i,
                json_report(&format!("j{i}"), 20.0, 256, None, "success"),
            )
        })
        .collect();
    put_logs(&logs, group, "2026/11/28/[1]aaaa", &json).await;
    let mut text = Vec::new();
    for i in 0..2 {
        for line in text_invocation(&format!("t{i}"), 30.0, 256, 80, None) {
            text.push((t + 10 + i, line));
        }
    }
    put_logs(&logs, group, "2026/11/28/[2]bbbb", &text).await;

    let (code, table, stderr) = mfn_against(
        &emulator.endpoint,
        EAST,
        &["canary", "users-dev-login", "--alias", "live", "--status"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(row(&table, "1")[2], "3", "three JSON reports:\n{table}");
    assert_eq!(row(&table, "2")[2], "2", "two text reports:\n{table}");
}
