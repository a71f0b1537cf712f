//! The bench's sizes (from the environment), and the harness every figure runs on: the
//! emulator with the fleet seeded, the quota-faithful proxy in front of it (AWS's quotas,
//! AWS's 50-function `ListFunctions` pages, a fixed latency per call), and the project's AWS
//! fleet and raw SDK clients through that proxy.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use mfn_tui::cli::{Cli, aws_fleet};
use mfn_tui::config::Config;
use mfn_tui::fleet::Target;
use mfn_tui::fleet::aws::AwsFleet;

use crate::seed::{self, Seeded};
use crate::support::aws_proxy::{AWS_PAGE, AwsProxy, ProxyOptions, Quotas};
use crate::support::emulator::Emulator;

pub const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

/// The figures, by the names `MFN_BENCH_FIGURES` takes.
pub const FIGURES: [&str; 4] = ["list", "metrics", "ls", "frame"];

/// How big and how long: every size has a default that gives issue 11's 2,000 functions.
#[derive(Debug, Clone)]
pub struct Sizes {
    /// Services per region (`MFN_BENCH_SERVICES`, 40).
    pub services: usize,
    /// Functions per service and region (`MFN_BENCH_FUNCTIONS`, 25).
    pub per_service: usize,
    /// Added to every call by the proxy (`MFN_BENCH_LATENCY_MS`, 50).
    pub latency: Duration,
    /// Measurements per figure (`MFN_BENCH_RUNS`, 3).
    pub runs: usize,
    /// First frames measured (`MFN_BENCH_FRAME_RUNS`, 15: each takes about a second).
    pub frame_runs: usize,
    /// The figures to run (`MFN_BENCH_FIGURES`, comma-separated; all by default).
    pub figures: Vec<String>,
    /// A config file merged over the defaults (`MFN_BENCH_CONFIG`; none by default: the
    /// figures are the defaults'), to see what another budget would do.
    pub config: Option<PathBuf>,
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

impl Sizes {
    pub fn from_env() -> Sizes {
        let figures = std::env::var("MFN_BENCH_FIGURES")
            .ok()
            .filter(|f| !f.trim().is_empty())
            .map(|f| f.split(',').map(|s| s.trim().to_owned()).collect())
            .unwrap_or_else(|| FIGURES.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        if let Some(unknown) = figures.iter().find(|f| !FIGURES.contains(&f.as_str())) {
            panic!("MFN_BENCH_FIGURES: no figure `{unknown}` (there are {FIGURES:?})");
        }
        Sizes {
            services: env("MFN_BENCH_SERVICES", 40).max(1),
            per_service: env("MFN_BENCH_FUNCTIONS", 25).max(1),
            latency: Duration::from_millis(env("MFN_BENCH_LATENCY_MS", 50) as u64),
            runs: env("MFN_BENCH_RUNS", 3).max(1),
            frame_runs: env("MFN_BENCH_FRAME_RUNS", 15).max(1),
            figures,
            config: std::env::var_os("MFN_BENCH_CONFIG").map(PathBuf::from),
        }
    }

    /// The configuration the code under measure runs with.
    pub fn config(&self) -> Config {
        match &self.config {
            Some(path) => Config::load(Some(path)).expect("MFN_BENCH_CONFIG"),
            None => Config::defaults(),
        }
    }

    pub fn per_region(&self) -> usize {
        self.services * self.per_service
    }

    pub fn total(&self) -> usize {
        self.per_region() * REGIONS.len()
    }

    pub fn wants(&self, figure: &str) -> bool {
        self.figures.iter().any(|f| f == figure)
    }
}

/// The emulator, seeded, behind the proxy; both stop when this is dropped.
pub struct Harness {
    pub sizes: Sizes,
    pub seeded: Seeded,
    pub proxy: AwsProxy,
    /// Kept to stop the emulator at the end (after the proxy in front of it).
    _emulator: Emulator,
}

impl Harness {
    pub async fn start(sizes: Sizes) -> Harness {
        let emulator = Emulator::start();
        let seeded = seed::seed(&emulator, &sizes).await;
        let options = ProxyOptions::new()
            .latency(sizes.latency)
            .quotas(Quotas::aws())
            .list_functions_pages(AWS_PAGE)
            .percentiles_without_data();
        let proxy = AwsProxy::start(&emulator.endpoint, options).await;
        Harness {
            sizes,
            seeded,
            proxy,
            _emulator: emulator,
        }
    }

    pub fn targets(&self) -> Vec<Target> {
        REGIONS.iter().map(|r| Target::new(None, r)).collect()
    }

    /// The project's AWS fleet through the proxy, built by the binary's own code from its
    /// command line (`--endpoint-url URL --region …`) and the default configuration (budget,
    /// concurrency, retries, timeouts; or `MFN_BENCH_CONFIG` merged over it); fresh budgets,
    /// as a dashboard that just started.
    pub async fn fleet(&self) -> AwsFleet {
        let mut args = vec![
            "mfn-tui".to_owned(),
            "--endpoint-url".to_owned(),
            self.proxy.endpoint.clone(),
        ];
        for r in REGIONS {
            args.extend(["--region".to_owned(), r.to_owned()]);
        }
        let cli = Cli::parse_from(args);
        aws_fleet(&cli.global, &self.sizes.config())
            .await
            .expect("the fleet's targets")
    }

    /// The raw SDK's configuration for `region` through the proxy (the floors' client).
    pub async fn sdk_config(&self, region: &str) -> aws_config::SdkConfig {
        self.proxy.sdk_config(region).await
    }

    /// Waits until every quota bucket of the proxy is full again, so one measurement does not
    /// pay for the one before (AWS's buckets hold about a second of their rate).
    pub async fn settle(&self) {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        self.proxy.reset_counts();
    }
}

/// The environment the project's own credential chain reads (the emulator takes any key;
/// `test` is the one the seeding used, so the proxy counts both against one account).
pub fn credentials_env() -> [(&'static str, &'static str); 5] {
    [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", "/nonexistent/mfn-bench-config"),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/mfn-bench-credentials",
        ),
    ]
}
