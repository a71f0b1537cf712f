//! The logs view with its buffer full (100,000 records of a five-function service), on a
//! 200×50 `TestBackend`: what a frame costs (the same with 1,000 records as with 100,000,
//! flat or grouped), taking in a batch of new records, and searching the whole buffer (one
//! step, the longest the loop keeps a key waiting, and all steps).
//!
//! `cargo bench --bench logs` (MFN_BENCH_FRAMES sets the number of frames, default 1,000).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use mfn_tui::app::State;
use mfn_tui::app::logs::LogsPane;
use mfn_tui::app::state::View;
use mfn_tui::fleet::LogRecord;
use mfn_tui::fleet::{FleetContext, Function, Provider, Target};
use mfn_tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::screen::default_state;
use support::timing;

const FUNCTIONS: usize = 5;
/// 2026-11-28T00:00:00Z.
const T0: i64 = 1_795_824_000_000;

fn functions() -> Vec<Function> {
    (0..FUNCTIONS)
        .map(|i| {
            let name = format!("orders-prod-fn{i}");
            let arn = format!("arn:aws:lambda:us-east-1:123456789012:function:{name}");
            Function::new(&name, &arn, "us-east-1")
        })
        .collect()
}

/// Invocation `n`'s records: START, three lines of the handler (one JSON), END, REPORT.
fn invocation(n: usize) -> Vec<LogRecord> {
    let function = format!("orders-prod-fn{}", n % FUNCTIONS);
    let stream = format!("2026/11/28/[$LATEST]{:032x}", n % 40);
    let id = format!("{:08x}-5d6a-4b7c-8d9e-{:012x}", n, n);
    let t = T0 + n as i64 * 50;
    let cold = n.is_multiple_of(97);
    let lines = [
        format!("START RequestId: {id} Version: $LATEST"),
        format!(
            "2026-11-28T00:00:00.000Z\t{id}\tINFO\tprocessing order {n} for customer {}",
            n % 977
        ),
        format!(
            "2026-11-28T00:00:00.000Z\t{id}\tINFO\t{{\"order\":{n},\"items\":[1,2,3],\"total\":{}.50}}",
            n % 300
        ),
        format!(
            "2026-11-28T00:00:00.000Z\t{id}\t{}\tpayment provider answered",
            if n.is_multiple_of(50) {
                "ERROR"
            } else {
                "INFO"
            }
        ),
        format!("END RequestId: {id}"),
        format!(
            "REPORT RequestId: {id}\tDuration: {}.25 ms\tBilled Duration: {} ms\tMemory Size: 512 MB\tMax Memory Used: 120 MB{}",
            20 + n % 80,
            21 + n % 80,
            if cold {
                "\tInit Duration: 310.40 ms"
            } else {
                ""
            }
        ),
    ];
    lines
        .into_iter()
        .enumerate()
        .map(|(k, message)| LogRecord {
            timestamp_ms: t + k as i64,
            function: function.clone(),
            log_stream: stream.clone(),
            event_id: format!("{n}-{k}"),
            message,
        })
        .collect()
}

fn records(count: usize) -> Vec<LogRecord> {
    (0..).flat_map(invocation).take(count).collect()
}

/// A dashboard showing the logs view over a buffer of `cap` records, filled.
fn state(cap: usize) -> (State, Duration) {
    let target = Target::new(None, "us-east-1");
    let mut state = default_state(
        FleetContext {
            provider: Provider::Aws,
            targets: vec![target],
            endpoint: None,
        },
        false,
    );
    state.size = (200, 50);
    let pane = LogsPane::new(
        1,
        "service orders (prod)".into(),
        functions(),
        ("1h".into(), 3_600_000),
        cap,
        View::Fleet,
    );
    state.logs = Some(pane);
    state.view = View::Logs;
    let history = records(cap);
    let start = Instant::now();
    let pricing = state.figures.pricing.clone();
    state.logs.as_mut().unwrap().receive(history, &pricing);
    let ingest = start.elapsed();
    state.prepare_frame();
    (state, ingest)
}

fn frames(
    terminal: &mut Terminal<TestBackend>,
    state: &mut State,
    n: usize,
    mut between: impl FnMut(&mut State, usize),
) -> Vec<Duration> {
    (0..n)
        .map(|i| {
            between(state, i);
            let start = Instant::now();
            state.prepare_frame();
            terminal.draw(|f| ui::draw(f, state)).unwrap();
            start.elapsed()
        })
        .collect()
}

fn main() {
    let n: usize = std::env::var("MFN_BENCH_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    timing::header();

    let (mut small, _) = state(1_000);
    let samples = frames(&mut terminal, &mut small, n, |_, _| {});
    timing::row("frame, 1,000 records, following", samples);

    let (mut big, ingest) = state(100_000);
    timing::row("take in 100,000 records of history (once)", vec![ingest]);
    let samples = frames(&mut terminal, &mut big, n, |_, _| {});
    timing::row("frame, 100,000 records, following", samples);

    let pane = big.logs.as_mut().unwrap();
    pane.follow = false;
    pane.selected = 50_000;
    let samples = frames(&mut terminal, &mut big, n, |_, _| {});
    timing::row("frame, 100,000 records, scrolled to the middle", samples);

    // New records arriving (the oldest evicted) between frames, 60 at a time.
    let pricing = big.figures.pricing.clone();
    big.logs.as_mut().unwrap().to_bottom();
    let mut next = 100_000 / 6;
    let samples = frames(&mut terminal, &mut big, n, |s, _| {
        s.logs
            .as_mut()
            .unwrap()
            .receive((next..next + 10).flat_map(invocation).collect(), &pricing);
        next += 10;
    });
    timing::row("60 new records + frame, flat (full buffer)", samples);

    let pane = big.logs.as_mut().unwrap();
    pane.grouped = true;
    pane.regroup();
    let samples = frames(&mut terminal, &mut big, n, |_, _| {});
    timing::row("frame, 100,000 records, grouped by invocation", samples);
    let samples = frames(&mut terminal, &mut big, n.min(200), |s, _| {
        s.logs
            .as_mut()
            .unwrap()
            .receive((next..next + 10).flat_map(invocation).collect(), &pricing);
        next += 10;
    });
    timing::row("60 new records + frame, grouped (regroups)", samples);
    let pane = big.logs.as_mut().unwrap();
    pane.grouped = false;
    pane.regroup();
    big.prepare_frame();

    // Search: the loop runs one step between messages, so a step is the longest a key waits.
    let searches = ["customer 42\\b", "payment", "zzz-not-there"];
    let mut steps = Vec::new();
    let mut totals = Vec::new();
    for text in searches.iter().cycle().take(30) {
        let pane = big.logs.as_mut().unwrap();
        let start = Instant::now();
        pane.set_search(text);
        steps.push(start.elapsed());
        loop {
            let step = Instant::now();
            let more = pane.search_step();
            steps.push(step.elapsed());
            if !more {
                break;
            }
        }
        totals.push(start.elapsed());
    }
    timing::row(
        "search step (20,000 records; input waits at most this)",
        steps,
    );
    timing::row("search of the whole 100,000-record buffer", totals);
    let hits = big.logs.as_ref().unwrap().search.as_ref().unwrap().hits;
    println!("\n(last search: {hits} hits)");

    let pane = big.logs.as_mut().unwrap();
    pane.set_search("payment provider");
    while pane.search_step() {}
    let samples = frames(&mut terminal, &mut big, n, |_, _| {});
    if std::env::var_os("MFN_BENCH_SHOW").is_some() {
        println!("{}", terminal.backend());
    }
    timing::row("frame, 100,000 records, search hits highlighted", samples);

    let rebuilds = (0..10)
        .map(|i| {
            let pane = big.logs.as_mut().unwrap();
            pane.grep =
                Some(regex::Regex::new(if i % 2 == 0 { "ERROR" } else { "order" }).unwrap());
            pane.regroup();
            let start = Instant::now();
            big.prepare_frame();
            start.elapsed()
        })
        .collect();
    timing::row(":grep change (refilters the buffer, once)", rebuilds);
}
