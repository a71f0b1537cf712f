//! Text from the fleet never drives the operator's terminal (issue 14, finding 8): a tag-derived
//! service name, a log message or a function's output that holds escape sequences is printed
//! with them made visible by every face, while `--json` keeps the exact text.

mod support;

use std::path::PathBuf;

use serde_json::Value;
use support::cli::{local_command, mfn_against, output};
use support::emulator::Emulator;
use support::fleet::EAST;
use support::seed::{FunctionSpec, Seeder, now_ms, put_logs};

/// Retitles the terminal, then clears the screen, if printed raw.
const HOSTILE: &str = "\x1b]0;owned\x07\x1b[2Jcleared";
/// The same, as the operator reads it.
const SHOWN: &str = "\\e]0;owned\\x07\\e[2Jcleared";

fn assert_plain(what: &str, text: &str) {
    assert!(
        !text.contains('\x1b') && !text.contains('\x07'),
        "{what} holds a raw escape: {text:?}"
    );
}

fn scratch(name: &str) -> PathBuf {
    support::scratch::dir("plain", name)
}

#[tokio::test(flavor = "multi_thread")]
async fn ls_shows_a_hostile_service_tag_made_visible_and_json_keeps_it_exact() {
    let emulator = Emulator::start();
    let seeder = Seeder::new(&emulator, EAST, &emulator.create_lambda_role()).await;
    seeder
        .function(&FunctionSpec::new("tagged-fn").tag("mfn:service", HOSTILE))
        .await;

    let (code, table, stderr) = mfn_against(&emulator.endpoint, EAST, &["ls"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_plain("the ls table", &table);
    assert!(table.contains(SHOWN), "{table}");

    let (_, json, _) = mfn_against(&emulator.endpoint, EAST, &["ls", "--json"]);
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        doc["services"][0]["name"], HOSTILE,
        "JSON keeps the exact name"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_shows_a_hostile_message_made_visible_and_json_keeps_it_exact() {
    let emulator = Emulator::start();
    let seeder = Seeder::new(&emulator, EAST, &emulator.create_lambda_role()).await;
    seeder.function(&FunctionSpec::new("noisy-fn")).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&emulator.sdk_config(EAST).await);
    let line = format!("{HOSTILE}\nforged 2026-11-28T10:00:00Z other-fn line");
    put_logs(
        &logs,
        "/aws/lambda/noisy-fn",
        "2026/11/28/[$LATEST]abc",
        &[(now_ms() - 60_000, line.clone())],
    )
    .await;

    let (code, text, stderr) = mfn_against(&emulator.endpoint, EAST, &["logs", "noisy-fn"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_plain("logs", &text);
    assert!(text.contains(SHOWN), "{text}");
    assert_eq!(
        text.lines().count(),
        1,
        "a line break in a message cannot forge another record: {text}"
    );

    let (_, json, _) = mfn_against(&emulator.endpoint, EAST, &["logs", "noisy-fn", "--json"]);
    let record: Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(record["message"], line.as_str());
}

#[test]
fn invoke_and_logs_show_what_a_local_function_prints_made_visible() {
    let dir = scratch("local");
    let services = support::local::fixture_service(&dir, "hostile", "hostile");
    let run = |args: &[&str]| {
        let mut cmd = local_command(&dir);
        cmd.arg(&services).args(args);
        output(cmd)
    };

    let (code, text, stderr) = run(&["invoke", "hostile-dev-shout"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_plain("invoke", &text);
    assert!(text.contains(SHOWN), "the log tail shows the line: {text}");

    let (code, text, stderr) = run(&["logs", "hostile-dev-shout"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_plain("logs", &text);
    assert!(text.contains(SHOWN), "{text}");
}

#[tokio::test]
async fn the_dashboard_shows_a_hostile_service_name_and_error_through_the_same_rule() {
    use mfn_tui::fleet::{DiscoveryEvent, FleetError, Target};
    use std::collections::BTreeMap;
    use support::memory_fleet::two_region_fleet;
    use support::screen::Screen;

    let mut fleet = two_region_fleet();
    let west = Target::new(None, "eu-west-1");
    let reports = "arn:aws:lambda:eu-west-1:111122223333:function:reports-generator";
    let events = fleet.script.get_mut(&west).unwrap();
    events.push(DiscoveryEvent::Tags {
        target: west.clone(),
        tags: BTreeMap::from([(
            reports.to_owned(),
            BTreeMap::from([("mfn:service".to_owned(), HOSTILE.to_owned())]),
        )]),
    });
    events.push(DiscoveryEvent::Failed {
        target: west.clone(),
        scope: "ListAliases reports-generator".into(),
        error: FleetError::Service {
            operation: "ListAliases".into(),
            message: HOSTILE.into(),
        },
    });
    let mut screen = Screen::new(fleet, 140, 30, false);
    screen.discover().await;
    let fleet_view = screen.text();
    assert!(fleet_view.contains(SHOWN), "{fleet_view}");

    screen.keys("e").await;
    let errors = screen.text();
    assert!(errors.contains(SHOWN), "{errors}");
}
