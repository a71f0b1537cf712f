//! Frame cost of the fleet view with 10,000 functions (400 services × 25, all expanded), on a
//! 200×50 `TestBackend`: the time to draw a frame (only the visible rows are built), the time to
//! rebuild the cached rows after a change, and the first frame of an empty fleet.
//!
//! `cargo bench --bench render` (MFN_BENCH_FRAMES sets the number of frames, default 2,000).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use mfn_tui::app::State;
use mfn_tui::app::keymap::Action;
use mfn_tui::fleet::{DiscoveryEvent, FleetContext, Function, Provider, Target};
use mfn_tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::screen::default_state;
use support::timing;

fn state(functions: usize) -> State {
    let target = Target::new(None, "us-east-1");
    let mut state = default_state(
        FleetContext {
            provider: Provider::Aws,
            targets: vec![target.clone()],
            endpoint: None,
        },
        false,
    );
    state.size = (200, 50);
    let batch: Vec<Function> = (0..functions)
        .map(|i| {
            let name = format!("svc{:03}-prod-fn{:03}", i / 25, i % 25);
            let mut f = Function::new(
                &name,
                &format!("arn:aws:lambda:us-east-1:123456789012:function:{name}"),
                "us-east-1",
            );
            f.runtime = Some("python3.12".into());
            f
        })
        .collect();
    state
        .inventory
        .apply(DiscoveryEvent::Started(target.clone()));
    state.inventory.apply(DiscoveryEvent::Functions {
        target: target.clone(),
        functions: batch,
    });
    state.inventory.apply(DiscoveryEvent::Finished(target));
    state
}

fn main() {
    let frames: usize = std::env::var("MFN_BENCH_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    timing::header();

    let mut empty = state(0);
    let samples = (0..frames.min(200))
        .map(|_| {
            let start = Instant::now();
            empty.prepare_frame();
            terminal.draw(|f| ui::draw(f, &empty)).unwrap();
            start.elapsed()
        })
        .collect();
    timing::row("first frame, empty fleet", samples);

    let mut big = state(10_000);
    let rebuilds = (0..20)
        .map(|_| {
            big.fleet.dirty = true;
            let start = Instant::now();
            big.prepare_frame();
            start.elapsed()
        })
        .collect();
    timing::row("rebuild rows, 10,000 functions (on change only)", rebuilds);

    // Expand everything and park the selection in the middle.
    let expand_all = key_for(&big, Action::ExpandAll);
    mfn_tui::app::update(&mut big, expand_all);
    big.prepare_frame();
    assert!(big.fleet.rows.len() > 10_000);
    big.fleet.move_by(5_000, big.fleet_page());
    let samples = (0..frames)
        .map(|_| {
            let start = Instant::now();
            terminal.draw(|f| ui::draw(f, &big)).unwrap();
            start.elapsed()
        })
        .collect();
    timing::row("frame, 10,000 functions expanded (10,400 rows)", samples);
}

fn key_for(state: &State, action: Action) -> mfn_tui::app::Msg {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = state.keymap.first_key(action).expect("bound");
    let c = key.chars().next().unwrap();
    mfn_tui::app::Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}
