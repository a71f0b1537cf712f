//! Frame cost of the fleet view with 10,000 functions (400 services × 25, all expanded), on a
//! 200×50 `TestBackend`: the time to draw a frame (only the visible rows are built), the time to
//! rebuild the cached rows after a change, and the first frame of an empty fleet.
//!
//! `cargo bench --bench render` (MFN_BENCH_FRAMES sets the number of frames, default 2,000).

use std::time::{Duration, Instant};

use mfn_tui::app::State;
use mfn_tui::app::figures::Figures;
use mfn_tui::app::keymap::{Action, Keymap};
use mfn_tui::config::Config;
use mfn_tui::fleet::{DiscoveryEvent, FleetContext, Function, Inventory, Provider, Target};
use mfn_tui::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn state(functions: usize) -> State {
    let config = Config::defaults();
    let target = Target::new(None, "us-east-1");
    let mut state = State::new(
        FleetContext {
            provider: Provider::Aws,
            targets: vec![target.clone()],
            endpoint: None,
        },
        Inventory::new(config.grouping.clone()),
        Keymap::from_config(&config.keymap).unwrap(),
        Theme::from_config(&config.theme).unwrap(),
        Figures::new(config.pricing.clone(), config.logs.confirm_scan_bytes),
        config.logs.clone(),
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

fn stats(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q) as usize].as_secs_f64() * 1e3;
    let mean = samples.iter().map(Duration::as_secs_f64).sum::<f64>() / samples.len() as f64 * 1e3;
    println!(
        "| {name} | {mean:.3} | {:.3} | {:.3} | {:.3} | {} |",
        at(0.5),
        at(0.99),
        at(1.0),
        samples.len()
    );
}

fn main() {
    let frames: usize = std::env::var("MFN_BENCH_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    println!("| what (ms) | mean | p50 | p99 | max | n |");
    println!("|---|---:|---:|---:|---:|---:|");

    let mut empty = state(0);
    let samples = (0..frames.min(200))
        .map(|_| {
            let start = Instant::now();
            empty.prepare_frame();
            terminal.draw(|f| ui::draw(f, &empty)).unwrap();
            start.elapsed()
        })
        .collect();
    stats("first frame, empty fleet", samples);

    let mut big = state(10_000);
    let rebuilds = (0..20)
        .map(|_| {
            big.fleet.dirty = true;
            let start = Instant::now();
            big.prepare_frame();
            start.elapsed()
        })
        .collect();
    stats("rebuild rows, 10,000 functions (on change only)", rebuilds);

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
    stats("frame, 10,000 functions expanded (10,400 rows)", samples);
}

fn key_for(state: &State, action: Action) -> mfn_tui::app::Msg {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = state.keymap.first_key(action).expect("bound");
    let c = key.chars().next().unwrap();
    mfn_tui::app::Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}
