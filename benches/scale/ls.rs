//! A complete `ls --json` (every function with its versions and every alias), the real binary
//! through the proxy with the default configuration, timed from start to exit, against the
//! floor no client can beat: one `ListAliases` per function (there is no bulk call) at the
//! published 15 calls/s of each region's Lambda control plane, the regions side by side.

use std::process::{Command, Stdio};
use std::time::Instant;

use crate::harness::{Harness, REGIONS, credentials_env};
use crate::report::{Figure, Goal};

/// The Lambda control plane's published quota, per account and region.
const CONTROL_PLANE_PER_S: f64 = 15.0;

pub async fn figure(h: &Harness) -> Figure {
    let floor = REGIONS
        .iter()
        .map(|r| (h.seeded.in_region(r) as f64 / CONTROL_PLANE_PER_S).ceil())
        .fold(0.0, f64::max);
    let mut figure = Figure {
        name: "complete ls --json (every alias)",
        what: format!(
            "the mfn-tui binary's `ls --json` over {} functions in {} regions, start to exit",
            h.sizes.total(),
            REGIONS.len()
        ),
        measured_s: Vec::new(),
        floor_s: vec![floor],
        floor_what: format!(
            "ceil(functions per region / {CONTROL_PLANE_PER_S} per s): one ListAliases per function at the published quota, regions side by side (computed)"
        ),
        goal: Goal::Ratio(1.5),
        runs: Vec::new(),
        floor_runs: Vec::new(),
        client_failures: 0,
        checks: Vec::new(),
    };
    let scratch = std::env::temp_dir().join(format!("mfn-bench-scale-ls-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a scratch directory");
    for run in 0..h.sizes.runs {
        h.settle().await;
        let mut command = Command::new(env!("CARGO_BIN_EXE_mfn-tui"));
        command
            .args(["--endpoint-url", &h.proxy.endpoint])
            .args(REGIONS.iter().flat_map(|r| ["--region", r]))
            .args(["ls", "--json"])
            .args(
                h.sizes
                    .config
                    .iter()
                    .flat_map(|c| [std::ffi::OsStr::new("--config"), c.as_os_str()]),
            )
            .envs(credentials_env())
            .env("XDG_CONFIG_HOME", scratch.join("config"))
            .env("XDG_CACHE_HOME", scratch.join("cache"))
            .env("XDG_STATE_HOME", scratch.join("state"))
            .env("MFN_TUI_LOG_FILE", scratch.join(format!("ls-{run}.log")))
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_REGION")
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .stdout(Stdio::piped());
        let started = Instant::now();
        let out = tokio::task::spawn_blocking(move || command.output())
            .await
            .expect("the ls task")
            .expect("run mfn-tui ls --json");
        figure.measured_s.push(started.elapsed().as_secs_f64());
        figure.runs.push(h.proxy.take_counts());
        let listing: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let functions = listing["functions"].as_array().map_or(0, Vec::len);
        let aliases: usize = listing["functions"]
            .as_array()
            .map(|fs| {
                fs.iter()
                    .map(|f| f["aliases"].as_array().map_or(0, Vec::len))
                    .sum()
            })
            .unwrap_or(0);
        let errors = listing["errors"].as_array().map_or(usize::MAX, Vec::len);
        figure.client_failures += errors.min(h.sizes.total());
        figure.checks.push((
            format!(
                "run {}: exit {}, {functions} functions, {aliases} aliases, {} errors (expected 0, {}, {}, 0){}",
                run + 1,
                out.status.code().unwrap_or(-1),
                if errors == usize::MAX { "no".into() } else { errors.to_string() },
                h.sizes.total(),
                h.seeded.aliased.len(),
                if out.stderr.is_empty() {
                    String::new()
                } else {
                    format!("; stderr: {}", String::from_utf8_lossy(&out.stderr).trim())
                }
            ),
            out.status.success()
                && functions == h.sizes.total()
                && aliases == h.seeded.aliased.len()
                && errors == 0,
        ));
    }
    let _ = std::fs::remove_dir_all(&scratch);
    figure
}
