//! The logs view through the real loop (`App`) over the in-memory fleet: records are handed to
//! the loop as the tail would hand them, with fixed times, so frames can be pinned with insta.
//! That the tail reads and follows real log groups is shown against the emulator in
//! `logs_view_emulator.rs`.

mod support;

use insta::assert_snapshot;
use mfn_tui::app::Msg;
use mfn_tui::app::logs::TailStatus;
use mfn_tui::app::state::View;
use mfn_tui::fleet::LogRecord;
use support::memory_fleet::two_region_fleet;
use support::screen::Screen;

const W: u16 = 120;
const H: u16 = 22;
/// 2026-11-28T11:40:00Z.
const T: i64 = 1_795_866_000_000;
const A: &str = "3f1c0b2e-5d6a-4b7c-8d9e-0f1a2b3c4d5e";
const B: &str = "9a8b7c6d-1111-4b7c-8d9e-0f1a2b3c4d5e";
const C: &str = "5e6f7a8b-2222-4b7c-8d9e-0f1a2b3c4d5e";

fn record(t: i64, function: &str, stream: &str, message: &str) -> LogRecord {
    LogRecord {
        timestamp_ms: T + t,
        function: function.into(),
        log_stream: stream.into(),
        event_id: format!("{t}-{function}"),
        message: format!("{message}\n"),
    }
}

/// Two invocations of login (the first cold) and one of register, interleaved in time.
fn records() -> Vec<LogRecord> {
    let (login, register) = ("users-dev-login", "users-dev-register");
    let (l, r) = ("2026/11/28/[$LATEST]aaaa", "2026/11/28/[$LATEST]bbbb");
    vec![
        record(0, login, l, "INIT_START Runtime Version: nodejs:20.v40"),
        record(
            100,
            login,
            l,
            &format!("START RequestId: {A} Version: $LATEST"),
        ),
        record(
            120,
            login,
            l,
            &format!("2026-11-28T11:40:00.120Z\t{A}\tINFO\tuser 42 logged in"),
        ),
        record(
            130,
            register,
            r,
            &format!("START RequestId: {B} Version: $LATEST"),
        ),
        record(
            140,
            register,
            r,
            &format!(
                "2026-11-28T11:40:00.140Z\t{B}\tERROR\t{{\"error\":\"duplicate user\",\"user\":{{\"id\":42,\"email\":\"ada@example.com\"}}}}"
            ),
        ),
        record(
            150,
            login,
            l,
            &format!("2026-11-28T11:40:00.150Z\t{A}\tWARN\tslow password hash"),
        ),
        record(160, register, r, &format!("END RequestId: {B}")),
        record(
            161,
            register,
            r,
            &format!(
                "REPORT RequestId: {B}\tDuration: 12.30 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB"
            ),
        ),
        record(512, login, l, &format!("END RequestId: {A}")),
        record(
            513,
            login,
            l,
            &format!(
                "REPORT RequestId: {A}\tDuration: 412.50 ms\tBilled Duration: 413 ms\tMemory Size: 256 MB\tMax Memory Used: 88 MB\tInit Duration: 265.72 ms"
            ),
        ),
        record(
            2000,
            login,
            l,
            &format!("START RequestId: {C} Version: $LATEST"),
        ),
        record(
            2010,
            login,
            l,
            &format!("2026-11-28T11:40:02.010Z\t{C}\tINFO\tuser 7 logged in"),
        ),
        record(2020, login, l, &format!("END RequestId: {C}")),
        record(
            2021,
            login,
            l,
            &format!(
                "REPORT RequestId: {C}\tDuration: 9.80 ms\tBilled Duration: 10 ms\tMemory Size: 256 MB\tMax Memory Used: 90 MB"
            ),
        ),
    ]
}

/// The users service's logs open, with `records` handed over as the tail's history.
async fn users_logs(records: Vec<LogRecord>) -> Screen {
    let mut screen = Screen::new(two_region_fleet(), W, H, false);
    screen.discover().await;
    screen.keys("/users<enter>l").await;
    assert_eq!(screen.app.state.view, View::Logs);
    following(&mut screen).await;
    feed(&mut screen, records);
    screen
}

/// Waits until the tail has read the (empty) history and says how it follows.
async fn following(screen: &mut Screen) {
    while !matches!(
        screen.app.state.logs.as_ref().unwrap().status,
        TailStatus::Following(_)
    ) {
        screen.app.next_batch().await;
    }
}

fn feed(screen: &mut Screen, records: Vec<LogRecord>) {
    let session = screen.app.state.logs.as_ref().expect("logs open").session;
    screen.app.handle(Msg::LogRecords { session, records });
}

#[tokio::test]
async fn a_service_opens_with_l_and_follows_its_functions_newest_at_the_bottom() {
    let mut screen = users_logs(records()).await;
    let text = screen.text();
    assert!(text.contains("Logs · service users (dev)"), "{text}");
    assert!(
        text.contains("users-dev-register"),
        "a source column: {text}"
    );
    assert_snapshot!("logs_follow", screen.frame());
    // A record arriving later shows at once at the bottom.
    feed(
        &mut screen,
        vec![record(
            3000,
            "users-dev-login",
            "2026/11/28/[$LATEST]aaaa",
            "the newest line",
        )],
    );
    let text = screen.text();
    let last_row = text
        .lines()
        .rev()
        .find(|l| l.contains("11:40:"))
        .unwrap()
        .to_owned();
    assert!(last_row.contains("the newest line"), "{text}");
}

#[tokio::test]
async fn r_groups_records_under_their_invocation_with_duration_cold_and_cost() {
    let mut screen = users_logs(records()).await;
    screen.keys("r").await;
    let text = screen.text();
    assert!(
        text.contains(&format!(
            "{A} · users-dev-login · cold · 412ms (billed 413ms) · init 266ms"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("{B} · users-dev-register · warm · 12ms")),
        "{text}"
    );
    screen.keys("g").await;
    let text = screen.text();
    assert!(
        text.contains("init · users-dev-login"),
        "the init lines: {text}"
    );
    assert_snapshot!("logs_grouped", screen.frame());
}

#[tokio::test]
async fn slash_highlights_matches_and_n_jumps_between_them() {
    let mut screen = users_logs(records()).await;
    screen.keys("/logged in<enter>").await;
    let pane = screen.app.state.logs.as_ref().unwrap();
    assert_eq!(pane.search.as_ref().unwrap().hits, 2);
    let first = pane.selected;
    assert!(!pane.follow, "a jump stops following");
    assert_snapshot!("logs_search", screen.frame());
    screen.keys("n").await;
    let second = screen.app.state.logs.as_ref().unwrap().selected;
    assert_ne!(first, second);
    screen.keys("n").await;
    assert_eq!(
        screen.app.state.logs.as_ref().unwrap().selected,
        first,
        "n wraps around"
    );
    screen.keys("N").await;
    assert_eq!(screen.app.state.logs.as_ref().unwrap().selected, second);
}

#[tokio::test]
async fn p_pretty_prints_the_selected_json_record() {
    let mut screen = users_logs(records()).await;
    screen.keys("/duplicate<enter>p").await;
    let text = screen.text();
    assert!(text.contains("\"email\": \"ada@example.com\""), "{text}");
    assert_snapshot!("logs_pretty_json", screen.frame());
    screen.keys("<esc>").await;
    assert_eq!(
        screen.app.state.view,
        View::Logs,
        "esc closes the record first"
    );
    assert!(!screen.text().contains("\"email\": "));
    screen.keys("<esc>").await;
    assert_eq!(screen.app.state.view, View::Fleet);
    assert!(screen.app.state.logs.is_none());
}

#[tokio::test]
async fn scrolling_up_stops_following_and_g_follows_again() {
    let mut screen = users_logs(records()).await;
    screen.keys("<up><up>").await;
    let selected = screen.app.state.logs.as_ref().unwrap().selected;
    feed(
        &mut screen,
        vec![record(5000, "users-dev-login", "s", "later")],
    );
    screen.text();
    let pane = screen.app.state.logs.as_ref().unwrap();
    assert_eq!(
        pane.selected, selected,
        "the view stays where the operator is"
    );
    assert!(screen.text().contains("scrolled: <end> follows"));
    screen.keys("G").await;
    screen.text();
    let pane = screen.app.state.logs.as_ref().unwrap();
    assert_eq!(pane.selected, pane.rows.len() - 1);
}

#[tokio::test]
async fn space_pauses_and_resuming_shows_what_came_meanwhile() {
    let mut screen = users_logs(records()).await;
    screen.keys("<space>").await;
    feed(
        &mut screen,
        vec![record(6000, "users-dev-login", "s", "while paused")],
    );
    let text = screen.text();
    assert!(text.contains("PAUSED · 1 new"), "{text}");
    assert!(!text.contains("while paused"));
    screen.keys("<space>").await;
    assert!(screen.text().contains("while paused"));
}

#[tokio::test]
async fn grep_shows_only_matching_records_and_a_bad_regex_changes_nothing() {
    let mut screen = users_logs(records()).await;
    screen.keys(":grep user [0-9]+<enter>").await;
    let text = screen.text();
    assert_eq!(screen.app.state.logs.as_ref().unwrap().rows.len(), 2);
    assert!(text.contains("user 42 logged in") && text.contains("user 7 logged in"));
    screen.keys(":grep (<enter>").await;
    let text = screen.text();
    assert!(text.contains("is not a regular expression"), "{text}");
    assert_eq!(screen.app.state.logs.as_ref().unwrap().rows.len(), 2);
    screen.keys(":grep<enter>").await;
    screen.text();
    assert_eq!(
        screen.app.state.logs.as_ref().unwrap().rows.len(),
        records().len()
    );
}

#[tokio::test]
async fn the_buffer_keeps_the_newest_records_up_to_its_cap_grouped_or_not() {
    let mut screen = Screen::new(two_region_fleet(), W, H, false);
    screen.app.state.log_settings.buffer_records = 10;
    screen.discover().await;
    screen.keys("/users<enter>l").await;
    following(&mut screen).await;
    feed(&mut screen, records());
    screen.text();
    let pane = screen.app.state.logs.as_ref().unwrap();
    assert_eq!(pane.buffer.len(), 10);
    assert_eq!(pane.rows.len(), 10);
    let oldest = pane.buffer.iter().next().unwrap().1.timestamp_ms;
    assert_eq!(oldest, T + 140, "the four oldest records went");
    screen.keys("r").await;
    let text = screen.text();
    assert!(!text.contains("INIT_START"), "{text}");
    // Register's invocation lost its START but keeps the rest under its header.
    assert!(
        text.contains(&format!("{B} · users-dev-register · warm")),
        "{text}"
    );
}

#[tokio::test]
async fn colon_save_writes_the_shown_records_to_a_file() {
    let mut screen = users_logs(records()).await;
    let path = std::env::temp_dir().join(format!("mfn-tui-save-{}.log", std::process::id()));
    screen
        .keys(&format!(":save {}<enter>", path.display()))
        .await;
    while screen.app.state.flash.is_none() {
        screen.app.next_batch().await;
    }
    let flash = screen.app.state.flash.clone().unwrap();
    assert!(!flash.is_error, "{}", flash.text);
    let saved = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let lines: Vec<&str> = saved.lines().collect();
    assert_eq!(lines.len(), records().len());
    assert_eq!(
        lines[0],
        "2026-11-28T11:40:00.000Z users-dev-login INIT_START Runtime Version: nodejs:20.v40"
    );
}

#[tokio::test]
async fn following_keeps_the_newest_record_on_the_last_line_after_ungrouping() {
    let mut screen = users_logs(records()).await;
    let many: Vec<LogRecord> = (0..60)
        .map(|k| record(10_000 + k, "users-dev-login", "s", &format!("line {k}")))
        .collect();
    feed(&mut screen, many);
    screen.keys("rr").await;
    let text = screen.text();
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("11:40:")).collect();
    assert_eq!(
        rows.len(),
        usize::from(H) - 6,
        "a full page of records: {text}"
    );
    assert!(rows.last().unwrap().contains("line 59"), "{text}");
}

#[tokio::test]
async fn a_search_longer_than_a_step_runs_between_messages_and_then_jumps() {
    let mut screen = users_logs(Vec::new()).await;
    let mut many: Vec<LogRecord> = (0..45_000)
        .map(|k| record(k, "users-dev-login", "s", &format!("ordinary line {k}")))
        .collect();
    many.push(record(45_000, "users-dev-login", "s", "the needle"));
    many.extend((0..10).map(|k| record(45_001 + k, "users-dev-login", "s", "after")));
    feed(&mut screen, many);
    screen.keys("/needle<enter>").await;
    // One step has run: the needle is past it, so nothing has moved yet and keys still work.
    let pane = screen.app.state.logs.as_ref().unwrap();
    assert!(
        pane.searching(),
        "a 45,011-record search takes more than one step"
    );
    assert!(pane.jump_pending);
    while screen.app.state.logs.as_ref().unwrap().searching() {
        screen.app.next_batch().await;
    }
    let pane = screen.app.state.logs.as_ref().unwrap();
    assert_eq!(pane.search.as_ref().unwrap().hits, 1);
    let selected = pane.selected_entry().unwrap();
    assert_eq!(selected.message.trim_end(), "the needle");
    assert!(screen.text().contains("the needle"));
}

#[tokio::test]
async fn a_sampled_live_tail_says_lines_are_missing_and_poll_switches_to_polling() {
    use mfn_tui::fleet::follow::FollowMode;
    let mut screen = users_logs(records()).await;
    let session = screen.app.state.logs.as_ref().unwrap().session;
    screen.app.handle(Msg::LogMode {
        session,
        mode: FollowMode::LiveTail {
            sessions: 1,
            sampled: true,
        },
    });
    let text = screen.text();
    assert!(
        text.contains("live tail SAMPLED · :poll reads all"),
        "{text}"
    );

    screen.keys(":poll<enter>").await;
    assert!(!screen.app.state.log_settings.live_tail);
    let pane = screen.app.state.logs.as_ref().unwrap();
    assert_ne!(
        pane.session, session,
        "the window is read again, by polling"
    );
    assert!(screen.text().contains("every line is read"));
}
