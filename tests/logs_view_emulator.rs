//! The logs view against the emulator: a whole service (`l` on its row) and one function (`l`
//! in its view) read through `FilterLogEvents`, in time order, each record once, and a record
//! written while the view follows shows up. The emulator cannot stream Live Tail, so this is
//! the polling path; `live_tail_mocks.rs` covers the stream.

mod support;

use std::time::Duration;

use mfn_tui::app::logs::{LogsPane, TailStatus};
use mfn_tui::app::state::View;
use mfn_tui::fleet::Target;
use mfn_tui::fleet::aws::{AwsFleet, Clients};
use mfn_tui::fleet::follow::FollowMode;
use support::emulator::Emulator;
use support::fleet::{EAST, seed_fleet, seed_log_lines};
use support::screen::Screen;
use support::seed::{now_ms, put_logs};

async fn screen(emulator: &Emulator) -> Screen {
    let config = emulator.sdk_config(EAST).await;
    let fleet = AwsFleet::with_clients(
        vec![(Target::new(None, EAST), Clients::from_sdk_config(&config))],
        8,
    )
    .with_endpoint_url(Some(emulator.endpoint.clone()));
    let mut screen = Screen::new(fleet, 140, 40, false);
    screen.app.state.log_settings.poll_ms = 200;
    screen.discover().await;
    screen
}

fn pane(screen: &Screen) -> &LogsPane {
    screen
        .app
        .state
        .logs
        .as_ref()
        .expect("the logs view is open")
}

/// Handles messages until `done` holds (20 s at most).
async fn until(screen: &mut Screen, done: impl Fn(&LogsPane) -> bool) {
    let wait = async {
        while !done(pane(screen)) {
            screen.app.next_batch().await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .expect("the logs view got there");
}

fn messages(pane: &LogsPane) -> Vec<&str> {
    pane.buffer
        .iter()
        .map(|(_, e)| e.message.trim_end())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_opens_in_time_order_and_follows_new_records_once() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    seed_log_lines(&emulator).await;
    let mut screen = screen(&emulator).await;

    screen.keys("/users<enter>l").await;
    assert_eq!(screen.app.state.view, View::Logs);
    until(&mut screen, |p| {
        matches!(p.status, TailStatus::Following(_))
    })
    .await;
    let p = pane(&screen);
    match &p.status {
        TailStatus::Following(FollowMode::Polling {
            every,
            why: Some(why),
        }) => {
            assert_eq!(*every, Duration::from_millis(200));
            assert!(why.contains("stream-HOST"), "{why}");
        }
        other => panic!("an IP endpoint is polled, and says why: {other:?}"),
    }
    assert_eq!(p.buffer.len(), 20, "{:?}", messages(p));
    let times: Vec<i64> = p.buffer.iter().map(|(_, e)| e.timestamp_ms).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let text = screen.text();
    assert!(text.contains("users-dev-login ") && text.contains("users-dev-register "));

    let logs = aws_sdk_cloudwatchlogs::Client::new(&emulator.sdk_config(EAST).await);
    put_logs(
        &logs,
        "/aws/lambda/users-dev-register",
        "2026/11/28/[$LATEST]bbbb",
        &[(now_ms(), "written while following".to_owned())],
    )
    .await;
    until(&mut screen, |p| {
        messages(p).contains(&"written while following")
    })
    .await;
    // A few more polls: nothing comes twice.
    let polls_later = pane(&screen).received;
    tokio::time::sleep(Duration::from_millis(700)).await;
    screen.settle().await;
    while let Ok(()) =
        tokio::time::timeout(Duration::from_millis(50), screen.app.next_batch()).await
    {}
    let p = pane(&screen);
    assert_eq!(p.received, polls_later, "no record handed over again");
    assert_eq!(p.buffer.len(), 21);
    assert!(screen.text().contains("written while following"));
}

#[tokio::test(flavor = "multi_thread")]
async fn one_function_opens_from_its_view_with_only_its_records() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    seed_log_lines(&emulator).await;
    let mut screen = screen(&emulator).await;

    screen.keys("/login<enter><down><enter>").await;
    assert!(matches!(screen.app.state.view, View::Function { .. }));
    screen.keys("l").await;
    until(&mut screen, |p| {
        matches!(p.status, TailStatus::Following(_))
    })
    .await;
    let p = pane(&screen);
    assert_eq!(p.title, "users-dev-login");
    assert_eq!(p.buffer.len(), 10);
    assert!(messages(p).iter().all(|m| m.contains("users-dev-login")));
    assert!(!p.several_sources());
    screen.keys("<esc>").await;
    assert!(matches!(screen.app.state.view, View::Function { .. }));
}
