//! Which way the dashboard reads a window's REPORT figures, as the pure `update` decides it: the
//! same rule as `stats --source auto` (paging the logs where it is cheap, Logs Insights where
//! there are too many log groups to page through at 5 calls a second, nothing past the bytes
//! the operator allowed), what the header says meanwhile, and the Insights figures in the rows.
//! Insights' own data path (batches, both REPORT forms, StopQuery) is proven in
//! `insights_mocks.rs`.

mod support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mfn_tui::analysis::histogram::Percentiles;
use mfn_tui::analysis::insights::InsightsFigures;
use mfn_tui::analysis::latency::Window;
use mfn_tui::app::state::View;
use mfn_tui::app::{Effect, Msg, State, update};
use mfn_tui::fleet::insights_read::InsightsLatency;
use mfn_tui::fleet::reports::ScanEstimate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::memory_fleet::two_region_fleet;
use support::screen::default_state;

const LOGIN: &str = "arn:aws:lambda:us-east-1:111122223333:function:users-dev-login";

/// The dashboard over the in-memory fleet's findings, discovery finished, on the fleet view.
fn state() -> State {
    let fleet = two_region_fleet();
    let context = mfn_tui::fleet::Fleet::context(&fleet);
    let mut state = default_state(context, false);
    for events in fleet.script.values() {
        for event in events {
            state.inventory.apply(event.clone());
        }
    }
    state.view = View::Fleet;
    assert!(!state.discovering(), "the script finishes every target");
    state
}

/// `:since 24h`: a new window, whose metrics and scan estimate are asked for.
fn ask_for_a_window(state: &mut State) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in ":since 24h".chars() {
        effects.extend(update(state, Msg::Key(KeyEvent::from(KeyCode::Char(c)))));
    }
    effects.extend(update(
        state,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    ));
    effects
}

fn screen(state: &State) -> String {
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    terminal
        .draw(|frame| mfn_tui::ui::draw(frame, state))
        .unwrap();
    terminal.backend().to_string()
}

fn header(state: &State) -> String {
    screen(state).lines().take(3).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_few_small_log_groups_are_paged_through() {
    let mut s = state();
    let effects = ask_for_a_window(&mut s);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::EstimateScan { .. })),
        "{effects:?}"
    );
    let effects = update(
        &mut s,
        Msg::ScanEstimated(Some(ScanEstimate {
            bytes: 1 << 20,
            groups: 3,
        })),
    );
    assert!(
        matches!(effects.as_slice(), [Effect::ReadLatency { .. }]),
        "{effects:?}"
    );
}

#[test]
fn too_many_log_groups_are_aggregated_by_logs_insights_and_the_header_says_so() {
    let mut s = state();
    ask_for_a_window(&mut s);
    let estimate = ScanEstimate {
        bytes: 300 << 20,
        groups: 2000,
    };
    let effects = update(&mut s, Msg::ScanEstimated(Some(estimate)));
    let [
        Effect::ReadInsights {
            functions,
            since_ms,
        },
    ] = effects.as_slice()
    else {
        panic!("Logs Insights reads the window: {effects:?}");
    };
    assert_eq!(*since_ms, 86_400_000);
    assert_eq!(functions.len(), s.inventory.functions().count());
    let text = header(&s);
    assert!(
        text.contains("Logs Insights aggregating (24h) 2000 log groups"),
        "{text}"
    );

    let login = InsightsFigures {
        invocations: 40,
        cold_starts: 4,
        warm: Some(Percentiles {
            p50_ms: 11.0,
            p90_ms: 20.0,
            p99_ms: 37.0,
            max_ms: 41.0,
        }),
        cold_p50_ms: Some(700.0),
        cold_p99_ms: Some(910.0),
        memory_mb: 128,
        billed_ms: 2_000.0,
        ..Default::default()
    };
    let mut read = InsightsLatency::default();
    read.by_function.insert(LOGIN.into(), login);
    let window = Window::ending_at(1_800_000_000_000, 86_400_000);
    update(
        &mut s,
        Msg::InsightsRead {
            read: Box::new(read),
            window,
        },
    );
    let row = s.figures.of_function(LOGIN).expect("figures for the row");
    assert_eq!(row.invocations, 40);
    assert_eq!(row.cold_pct, 10.0);
    assert_eq!(row.warm.map(|p| p.p99_ms), Some(37.0));
    assert_eq!(row.cold_p99_ms, Some(910.0));
    assert!(
        row.cost.is_some_and(|c| c.total_usd > 0.0),
        "billed time is priced: {:?}",
        row.cost
    );
    let text = header(&s);
    assert!(text.contains("window 24h (Logs Insights)"), "{text}");

    // The function's own panel names the source and shows Insights' percentiles.
    s.view = View::Function { arn: LOGIN.into() };
    let text = screen(&s);
    assert!(
        text.contains("From REPORT records (Logs Insights aggregated them)"),
        "{text}"
    );
    assert!(
        text.contains("p50 11ms  p90 20ms  p99 37ms  max 41ms"),
        "{text}"
    );
}

#[test]
fn past_the_allowed_bytes_nothing_is_read_until_asked() {
    let mut s = state();
    ask_for_a_window(&mut s);
    let effects = update(
        &mut s,
        Msg::ScanEstimated(Some(ScanEstimate {
            bytes: 40 << 30,
            groups: 2000,
        })),
    );
    assert!(effects.is_empty(), "{effects:?}");
    assert!(s.figures.blocked.is_some());
    assert!(header(&s).contains("REPORT records not read (:read)"));
}

#[test]
fn an_insights_answer_for_a_window_no_longer_shown_is_dropped() {
    let mut s = state();
    ask_for_a_window(&mut s);
    update(
        &mut s,
        Msg::ScanEstimated(Some(ScanEstimate {
            bytes: 300 << 20,
            groups: 2000,
        })),
    );
    // The operator changes the fleet's window before the answer comes, and the new one is
    // blocked: the old answer must not fill the rows.
    ask_for_a_window(&mut s);
    update(
        &mut s,
        Msg::ScanEstimated(Some(ScanEstimate {
            bytes: 40 << 30,
            groups: 2000,
        })),
    );
    let mut read = InsightsLatency::default();
    read.by_function.insert(
        LOGIN.into(),
        InsightsFigures {
            invocations: 5,
            ..Default::default()
        },
    );
    update(
        &mut s,
        Msg::InsightsRead {
            read: Box::new(read),
            window: Window::ending_at(1_800_000_000_000, 86_400_000),
        },
    );
    assert!(
        s.figures
            .of_function(LOGIN)
            .is_none_or(|r| r.invocations == 0)
    );
}
