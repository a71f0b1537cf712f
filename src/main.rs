//! `mfn-tui`: parse the command line, load the config, pick a face, run it.

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use mfn_tui::cli::{self, Cli};
use mfn_tui::config::{self, Config};

fn main() -> ExitCode {
    let started = Instant::now();
    let cli = Cli::parse_from(cli::args::normalize(std::env::args_os().collect()));
    let config = match Config::load(cli.global.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return cli::fail(&e.to_string()),
    };
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return cli::fail(&format!("cannot start the async runtime: {e}")),
    };
    let code = runtime.block_on(cli::run(cli, config, started));
    // Dropping the runtime would wait for every blocking task; a directory walk is cancelled
    // on quit and stops at its next entry, and anything stuck in a system call past this grace
    // is left to the process's exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    code
}

/// Logs go to a file (`$XDG_STATE_HOME/mfn-tui/mfn-tui.log`, or `MFN_TUI_LOG_FILE`), never to the
/// terminal the dashboard draws on. `MFN_TUI_LOG` sets the filter (default `info`).
fn init_logging() {
    let path = std::env::var_os("MFN_TUI_LOG_FILE")
        .map(std::path::PathBuf::from)
        .or_else(|| config::state_dir().map(|d| d.join("mfn-tui.log")));
    let Some(path) = path else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("MFN_TUI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}
