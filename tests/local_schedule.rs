//! Schedules run here as EventBridge runs them: at its minute, `cron(* * * * ? *)` invokes its
//! Python handler with the scheduled event AWS sends; a fleet whose schedules are paused
//! invokes nothing at the same minute; `schedules pause|resume` flips the flag every process
//! of the fleet reads. This test waits for the next minute (up to 60 s).

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use mfn_tui::fleet::local::LocalFleet;
use support::cli::{local_command, output};
use support::local::log_lines;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mfn-tui-schedule-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn jobs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/local/events")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cron_schedule_invokes_its_function_with_the_scheduled_event_unless_paused() {
    let running =
        LocalFleet::open(support::local::options(Some(&jobs()), &scratch("running"))).unwrap();
    let paused =
        LocalFleet::open(support::local::options(Some(&jobs()), &scratch("paused"))).unwrap();
    paused.pause_schedules(true).unwrap();
    running.serve(&support::local::gateway_on(0)).await;
    paused.serve(&support::local::gateway_on(0)).await;

    let mut lines = Vec::new();
    for _ in 0..150 {
        lines = log_lines(&running, "jobs-dev-tick").await;
        if lines.iter().any(|l| l.starts_with("REPORT")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let event = lines
        .iter()
        .find_map(|l| l.strip_prefix("event "))
        .unwrap_or_else(|| panic!("the schedule fired: {lines:#?}"));
    let event: serde_json::Value = serde_json::from_str(event).unwrap();
    assert_eq!(event["detail-type"], "Scheduled Event", "{event}");
    assert_eq!(event["source"], "aws.events");
    assert_eq!(event["region"], "us-east-1");
    assert_eq!(event["detail"], serde_json::json!({}));
    assert!(
        event["resources"][0]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:events:us-east-1:000000000000:rule/jobs-dev-tick"),
        "{event}"
    );
    // The same minute came for the paused fleet: it invoked nothing.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(log_lines(&paused, "jobs-dev-tick").await.is_empty());
    assert!(
        log_lines(&running, "jobs-dev-report").await.is_empty(),
        "disabled"
    );
}

#[test]
fn schedules_are_paused_and_resumed_from_the_command_line() {
    let dir = scratch("cli");
    let mfn = |action: &str| {
        let mut cmd = local_command(&dir);
        cmd.arg(jobs()).args(["schedules", action]);
        output(cmd)
    };
    let (code, out, err) = mfn("pause");
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("schedules paused"), "{out}");
    assert!(
        out.contains("schedule: cron(* * * * ? *)  → jobs-dev-tick  (paused"),
        "{out}"
    );
    let (_, out, _) = mfn("status");
    assert!(
        out.starts_with("schedules paused"),
        "shared through the state: {out}"
    );
    let (_, out, _) = mfn("resume");
    assert!(out.starts_with("schedules running"), "{out}");
    assert!(out.contains("jobs-dev-tick  (runs here)"), "{out}");
    assert!(out.contains("jobs-dev-report  (disabled)"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
