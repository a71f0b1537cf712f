//! What a figure measured and how it is judged: the median of its runs against its floor (or
//! an absolute bound), and the proxy's counts of every run (throttled at most 1% of the calls,
//! none failed); printed as a table with the counts per API class, and written as JSON.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::support::aws_proxy::Counts;

/// Throttled calls allowed, as a share of all calls, in every run.
pub const THROTTLED_SHARE: f64 = 0.01;

/// What a figure's median must stay under.
#[derive(Debug, Clone, Copy)]
pub enum Goal {
    /// At most this many times the floor.
    Ratio(f64),
    /// At most this many milliseconds.
    AtMostMs(f64),
}

/// One figure of the bench.
#[derive(Debug, Clone)]
pub struct Figure {
    pub name: &'static str,
    /// What was measured, in words.
    pub what: String,
    /// Each run, in seconds.
    pub measured_s: Vec<f64>,
    /// The floor of each run (one value where it is computed, not measured), in seconds.
    pub floor_s: Vec<f64>,
    /// How the floor is made.
    pub floor_what: String,
    pub goal: Goal,
    /// The proxy's counts of each measured run.
    pub runs: Vec<Counts>,
    /// The proxy's counts of the floor's runs (its calls are held to the same rule).
    pub floor_runs: Vec<Counts>,
    /// What the code under measure itself reported as failed (0 expected).
    pub client_failures: usize,
    /// Checks of the figure's result (every function found…), with their outcome.
    pub checks: Vec<(String, bool)>,
}

pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Calls that failed: answered with a fault or an error by the emulator.
fn failed(counts: &Counts) -> u64 {
    let t = counts.total();
    t.faulted + t.upstream_errors
}

fn calls_ok(counts: &Counts) -> bool {
    let t = counts.total();
    failed(counts) == 0 && (t.throttled as f64) <= THROTTLED_SHARE * t.seen as f64
}

impl Figure {
    pub fn measured(&self) -> f64 {
        median(&self.measured_s)
    }

    pub fn floor(&self) -> Option<f64> {
        (!self.floor_s.is_empty()).then(|| median(&self.floor_s))
    }

    pub fn ratio(&self) -> Option<f64> {
        self.floor().map(|f| self.measured() / f)
    }

    pub fn time_ok(&self) -> bool {
        match self.goal {
            Goal::Ratio(r) => self.ratio().is_some_and(|x| x <= r),
            Goal::AtMostMs(ms) => self.measured() * 1000.0 <= ms,
        }
    }

    /// Every run's calls within the rule, the floor's too.
    pub fn calls_ok(&self) -> bool {
        self.runs.iter().chain(&self.floor_runs).all(calls_ok)
    }

    pub fn passed(&self) -> bool {
        self.time_ok()
            && self.calls_ok()
            && self.client_failures == 0
            && self.checks.iter().all(|(_, ok)| *ok)
    }

    fn totals(&self) -> (u64, u64, u64) {
        self.runs.iter().fold((0, 0, 0), |(c, t, f), r| {
            let x = r.total();
            (c + x.seen, t + x.throttled, f + failed(r))
        })
    }

    fn goal_text(&self) -> String {
        match self.goal {
            Goal::Ratio(r) => format!("≤ {r:.1}×"),
            Goal::AtMostMs(ms) => format!("≤ {ms:.0} ms"),
        }
    }

    fn to_json(&self) -> Value {
        let counts = |c: &Counts| -> Value {
            c.classes()
                .map(|(class, k)| {
                    (
                        class.name().to_owned(),
                        json!({"calls": k.seen, "throttled": k.throttled,
                               "failed": k.faulted + k.upstream_errors}),
                    )
                })
                .collect::<serde_json::Map<_, _>>()
                .into()
        };
        json!({
            "figure": self.name,
            "what": self.what,
            "measured_s": self.measured(),
            "runs_s": self.measured_s,
            "floor_s": self.floor(),
            "floor_runs_s": self.floor_s,
            "floor": self.floor_what,
            "ratio": self.ratio(),
            "goal": self.goal_text(),
            "time_ok": self.time_ok(),
            "calls_ok": self.calls_ok(),
            "client_failures": self.client_failures,
            "checks": self.checks.iter().map(|(c, ok)| json!({"check": c, "ok": ok})).collect::<Vec<_>>(),
            "passed": self.passed(),
            "runs_calls": self.runs.iter().map(counts).collect::<Vec<_>>(),
            "floor_runs_calls": self.floor_runs.iter().map(counts).collect::<Vec<_>>(),
        })
    }
}

fn seconds_or_ms(s: f64) -> String {
    if s < 1.0 {
        format!("{:.1} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

/// The table, then each figure's calls per API class (all its measured runs added up).
pub fn print(figures: &[Figure]) {
    println!(
        "\n| figure | measured (median) | floor | ratio | target | pass | calls | throttled | failed |"
    );
    println!("|---|---:|---:|---:|---|---|---:|---:|---:|");
    for f in figures {
        let (calls, throttled, failed) = f.totals();
        println!(
            "| {} | {} | {} | {} | {} | {} | {calls} | {throttled} | {failed} |",
            f.name,
            seconds_or_ms(f.measured()),
            f.floor().map_or("-".into(), seconds_or_ms),
            f.ratio().map_or("-".into(), |r| format!("{r:.2}×")),
            f.goal_text(),
            if f.passed() { "pass" } else { "FAIL" },
        );
    }
    for f in figures {
        println!("\n{}: {}", f.name, f.what);
        println!("  floor: {}", f.floor_what);
        println!(
            "  runs: {}",
            f.measured_s
                .iter()
                .map(|s| seconds_or_ms(*s))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if !f.floor_s.is_empty() {
            println!(
                "  floor runs: {}",
                f.floor_s
                    .iter()
                    .map(|s| seconds_or_ms(*s))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        for (i, run) in f.runs.iter().enumerate() {
            println!("  run {} calls: {}", i + 1, run.summary());
        }
        if let Some(run) = f.floor_runs.first() {
            println!("  floor run 1 calls: {}", run.summary());
        }
        if f.client_failures > 0 {
            println!(
                "  failures the code under measure reported: {}",
                f.client_failures
            );
        }
        for (check, ok) in &f.checks {
            println!("  {} {check}", if *ok { "ok  " } else { "FAIL" });
        }
    }
}

/// Writes the figures to `$CARGO_TARGET_DIR/bench-scale.json` (or `target/`); returns the path.
pub fn write_json(figures: &[Figure], setup: Value) -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let path = dir.join("bench-scale.json");
    let doc = json!({
        "setup": setup,
        "figures": figures.iter().map(Figure::to_json).collect::<Vec<_>>(),
        "passed": figures.iter().all(Figure::passed),
    });
    std::fs::create_dir_all(&dir).expect("the target directory");
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).expect("JSON")).expect("write the JSON");
    path
}
