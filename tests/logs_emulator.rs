//! `mfn-tui logs` against the emulator: history in time order across streams and functions, a
//! server-side filter and a client-side regex, page boundaries, and following new records.

mod support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::emulator::Emulator;
use support::fleet::{EAST, seed_fleet, seed_log_lines};
use support::seed::{now_ms, put_logs};

fn config(name: &str, body: &str) -> String {
    let path =
        std::env::temp_dir().join(format!("mfn-tui-logs-{name}-{}.toml", std::process::id()));
    std::fs::write(&path, body).unwrap();
    path.to_str().unwrap().to_owned()
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_history_comes_in_time_order_once_each_across_page_boundaries() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    seed_log_lines(&emulator).await;
    // Three events a page: each group's 10 events span four pages.
    let small_pages = config("pages", "[logs]\npage_size = 3\n");
    let (code, stdout, stderr) = support::cli::mfn_against(
        &emulator.endpoint,
        EAST,
        &[
            "logs",
            "users",
            "--since",
            "1h",
            "--json",
            "--config",
            &small_pages,
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let records = json_lines(&stdout);
    assert_eq!(records.len(), 20, "{stdout}");
    let times: Vec<i64> = records
        .iter()
        .map(|r| r["timestamp_ms"].as_i64().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "not in time order: {times:?}"
    );
    let mut messages: Vec<&str> = records
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    messages.sort();
    messages.dedup();
    assert_eq!(messages.len(), 20, "a record came twice");
    let first = &records[0];
    assert_eq!(first["function"], "users-dev-login");
    assert_eq!(first["log_stream"], "2026/11/28/[$LATEST]aaaa");
    assert_eq!(first["request_id"], "3f1c0b2e-5d6a-4b7c-8d9e-0f1a2b3c4d5e");
    assert!(first["timestamp"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test(flavor = "multi_thread")]
async fn filter_is_applied_by_the_service_and_grep_here() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    seed_log_lines(&emulator).await;
    let (code, stdout, stderr) = support::cli::mfn_against(
        &emulator.endpoint,
        EAST,
        &[
            "logs",
            "users-dev-login",
            "--since",
            "1h",
            "--filter",
            "ERROR",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines
            .iter()
            .all(|l| l.contains(" users-dev-login ") && l.contains("ERROR"))
    );

    let (code, stdout, _) = support::cli::mfn_against(
        &emulator.endpoint,
        EAST,
        &[
            "logs",
            "users",
            "--since",
            "1h",
            "--grep",
            r"bbbb line [02]$",
        ],
    );
    assert_eq!(code, Some(0));
    assert_eq!(stdout.lines().count(), 4, "{stdout}");

    let (code, _, stderr) =
        support::cli::mfn_against(&emulator.endpoint, EAST, &["logs", "users", "--grep", "("]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("--grep is not a regular expression"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn follow_shows_a_record_written_after_it_started_and_only_once() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    seed_log_lines(&emulator).await;
    let fast = config("follow", "[logs]\npoll_ms = 200\n");
    let mut child = support::cli::mfn_command(&emulator.endpoint, EAST)
        .args([
            "logs",
            "users-dev-login",
            "--since",
            "1h",
            "--follow",
            "--config",
            &fast,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start mfn-tui logs --follow");
    let (tx, lines) = mpsc::channel::<String>();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let mut seen = Vec::new();
    let wait_for = |seen: &mut Vec<String>, text: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !seen.iter().any(|l| l.contains(text)) {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => seen.push(line),
                Err(_) => panic!("`{text}` never came; got {seen:?}"),
            }
        }
    };
    wait_for(&mut seen, "bbbb line 4");

    let logs = aws_sdk_cloudwatchlogs::Client::new(&emulator.sdk_config(EAST).await);
    let line = "2026-11-28T10:00:00.000Z\t3f1c0b2e-5d6a-4b7c-8d9e-0f1a2b3c4d5e\tWARN\twritten while following";
    put_logs(
        &logs,
        "/aws/lambda/users-dev-login",
        "2026/11/28/[$LATEST]cccc",
        &[(now_ms(), line.into())],
    )
    .await;
    wait_for(&mut seen, "written while following");
    // A few more polls: nothing is shown twice.
    std::thread::sleep(Duration::from_millis(800));
    seen.extend(lines.try_iter());
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        seen.iter()
            .filter(|l| l.contains("written while following"))
            .count(),
        1,
        "{seen:?}"
    );
    assert_eq!(seen.len(), 11, "10 history lines and the new one: {seen:?}");
}
