//! The non-interactive face: subcommands that print and exit with codes scripts can rely on,
//! and the start of the interactive face.

pub mod args;
mod bench;
mod canary;
mod change;
mod code_source;
mod cost;
mod invoke;
mod logs;
mod ls;
pub mod read;
mod serve;
pub mod stats;
mod stats_document;
mod stats_from;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::State;
use crate::app::figures::Figures;
use crate::app::keymap::Keymap;
use crate::app::theme::Theme;
use crate::config::Config;
use crate::fleet::InvocationType;
use crate::fleet::aws::{AwsFleet, AwsOptions, Timeouts};
use crate::fleet::cache::InventoryCache;
use crate::fleet::change::Safety;
use crate::fleet::change::limits::parse_weight;
use crate::fleet::local::fleet::state_dir_for;
use crate::fleet::local::{LocalFleet, LocalOptions};
use crate::fleet::sources::FigureSource;
use crate::fleet::{Fleet, FleetError, Inventory};
use crate::text::visible;

pub use args::{Cli, Command, GlobalArgs};

/// Exit codes: 0 done, 1 failed, 2 bad usage (clap's), 3 partial results.
pub mod exit {
    pub const FAILED: u8 = 1;
    pub const PARTIAL: u8 = 3;
}

/// Runs what the command line asks for.
pub async fn run(cli: Cli, config: Config, started: Instant) -> ExitCode {
    // Figures from a file need no fleet: no credentials, no region, no AWS call.
    if let Some(Command::Stats {
        names,
        window,
        file,
        json,
        ..
    }) = &cli.command
        && file.from.is_some()
    {
        return stats_from::run(&config, file, names, window, *json);
    }
    let local = match &cli.global.local {
        Some(dir) => match local_fleet(dir, cli.global.stage.clone(), &config) {
            Ok(f) => Some(f),
            Err(e) => return fail(&e),
        },
        None => None,
    };
    let fleet = match &local {
        Some(f) => f.clone() as Arc<dyn Fleet>,
        None => match aws_fleet(&cli.global, &config).await {
            Ok(f) => Arc::new(f) as Arc<dyn Fleet>,
            Err(e) => return fail(&e.to_string()),
        },
    };
    let code = run_command(cli, fleet, &config, local.clone(), started).await;
    if let Some(local) = local {
        local.shutdown().await;
    }
    code
}

/// The local fleet of `dir` (the bundled demo when empty), its state under the state dir.
fn local_fleet(
    dir: &str,
    stage: Option<String>,
    config: &Config,
) -> Result<Arc<LocalFleet>, String> {
    let dir = (!dir.is_empty()).then(|| std::path::PathBuf::from(dir));
    if let Some(d) = &dir
        && !d.is_dir()
    {
        return Err(format!(
            "--local {}: not a directory; give the directory that holds your services (or none for the demo)",
            d.display()
        ));
    }
    let base =
        crate::config::state_dir().ok_or("no state directory: set XDG_STATE_HOME or HOME")?;
    LocalFleet::open(LocalOptions {
        state_dir: state_dir_for(&base, dir.as_deref()),
        dir,
        stage,
        idle: Duration::from_millis(config.local.idle_ms),
        init_timeout: Duration::from_millis(config.local.init_timeout_ms),
        pass_env: config.local.pass_env.clone(),
        max_environments: config.local.max_environments,
    })
}

async fn run_command(
    cli: Cli,
    fleet: Arc<dyn Fleet>,
    config: &Config,
    local: Option<Arc<LocalFleet>>,
    started: Instant,
) -> ExitCode {
    let config = config.clone();
    match cli.command {
        Some(Command::Ls { json }) => ls::run(fleet, &config, json).await,
        Some(Command::Stats {
            names,
            window,
            source,
            json,
            ..
        }) => {
            let source = if window.insights {
                FigureSource::Insights
            } else {
                source.into()
            };
            stats::run(fleet, &config, &names, &window, source, json).await
        }
        Some(Command::Logs {
            names,
            since,
            follow,
            poll,
            filter,
            grep,
            json,
        }) => {
            let request = logs::LogsRequest {
                names: &names,
                since: &since,
                follow,
                poll,
                filter: filter.as_deref(),
                grep: grep.as_deref(),
                json,
            };
            logs::run(fleet, &config, request).await
        }
        Some(Command::Cost {
            names,
            window,
            json,
            csv,
            by,
        }) => {
            let format = match (json, csv) {
                (true, _) => args::CostFormat::Json,
                (_, true) => args::CostFormat::Csv,
                _ => args::CostFormat::Table,
            };
            cost::run(fleet, &config, &names, &window, format, by).await
        }
        Some(Command::Invoke {
            function,
            invocation,
            event,
            dry_run,
            json,
        }) => {
            let kind = match (event, dry_run) {
                (true, _) => InvocationType::Event,
                (_, true) => InvocationType::DryRun,
                _ => InvocationType::RequestResponse,
            };
            let safety = Safety::from_config(&config, cli.global.read_only);
            invoke::run(fleet, &config, &safety, &function, &invocation, kind, json).await
        }
        Some(Command::Bench {
            function,
            invocation,
            count,
            concurrency,
            json,
        }) => {
            let safety = Safety::from_config(&config, cli.global.read_only);
            bench::run(
                fleet,
                &safety,
                &function,
                &invocation,
                (count, concurrency),
                json,
            )
            .await
        }
        Some(Command::Deploy {
            function,
            alias,
            zip,
            dir,
            s3,
            dry_run,
            yes,
        }) => {
            let source = match code_source::code_source(zip, dir, s3, local.is_some()) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("mfn-tui: {e}; nothing changed");
                    return ExitCode::from(2);
                }
            };
            let request = change::ChangeRequest {
                function: &function,
                asked: change::Asked::Deploy { source, alias },
                yes,
                dry_run,
                read_only: cli.global.read_only,
            };
            change::run(fleet, &config, request).await
        }
        Some(Command::Canary {
            function,
            alias,
            version,
            weight,
            promote,
            abort,
            status,
            since,
            yes,
        }) => {
            if status {
                return canary::status(fleet, &function, &alias, &since).await;
            }
            let asked = match (version, weight, promote, abort) {
                (Some(version), Some(weight), _, _) => match parse_weight(&weight) {
                    Ok(weight) => change::Asked::CanaryStart {
                        alias,
                        version,
                        weight,
                    },
                    Err(e) => {
                        eprintln!("mfn-tui: --{e}");
                        return ExitCode::from(2);
                    }
                },
                (_, _, true, _) => change::Asked::CanaryPromote { alias },
                (_, _, _, true) => change::Asked::CanaryAbort { alias },
                _ => {
                    eprintln!(
                        "mfn-tui: canary needs --version V --weight W, --promote, --abort or --status"
                    );
                    return ExitCode::from(2);
                }
            };
            let request = change::ChangeRequest {
                function: &function,
                asked,
                yes,
                dry_run: false,
                read_only: cli.global.read_only,
            };
            change::run(fleet, &config, request).await
        }
        Some(Command::Rollback {
            function,
            alias,
            to,
            yes,
        }) => {
            let request = change::ChangeRequest {
                function: &function,
                asked: change::Asked::Rollback { alias, to },
                yes,
                dry_run: false,
                read_only: cli.global.read_only,
            };
            change::run(fleet, &config, request).await
        }
        Some(Command::Serve) => serve::run(local, &config).await,
        Some(Command::Schedules { action }) => serve::schedules(local, action),
        None => {
            if let Some(local) = &local {
                serve::serve_or_attach(local, &config).await;
            }
            tui(fleet, &config, &cli.global, started).await
        }
    }
}

async fn tui(
    fleet: Arc<dyn Fleet>,
    config: &Config,
    global: &GlobalArgs,
    started: Instant,
) -> ExitCode {
    let read_only = global.read_only;
    if !std::io::stdout().is_terminal() {
        return fail(
            "the dashboard needs a terminal; in scripts use a subcommand such as `mfn-tui ls --json`",
        );
    }
    let keymap = match Keymap::from_config(&config.keymap) {
        Ok(k) => k,
        Err(e) => return fail(&format!("config: {e}")),
    };
    let theme = match Theme::from_config(&config.theme) {
        Ok(t) => t,
        Err(e) => return fail(&format!("config: {e}")),
    };
    let mut state = State::new(
        fleet.context(),
        Inventory::new(config.grouping.clone()),
        keymap,
        theme,
        Figures::new(
            config.pricing.clone(),
            config.logs.confirm_scan_bytes,
            config.figures.clone(),
        ),
        config.logs.clone(),
        Safety::from_config(config, read_only),
    );
    if state.context.provider == crate::fleet::Provider::Local {
        state.refresh_figures = Some(Duration::from_millis(config.local.refresh_ms.max(500)));
    }
    // A fleet on AWS opens on its last known inventory, stale until discovery revalidates it;
    // the local one is read in no time and needs none.
    let cache = (state.context.provider == crate::fleet::Provider::Aws && !global.no_cache)
        .then(InventoryCache::user)
        .flatten();
    if let Some(cache) = &cache {
        state.open_cached(cache.load(&state.context.targets), crate::clock::now_ms());
    }
    match crate::tui::terminal::run_tui(state, fleet, cache, started).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("terminal: {e}")),
    }
}

/// The AWS fleet the global flags and the config describe.
pub async fn aws_fleet(global: &GlobalArgs, config: &Config) -> Result<AwsFleet, FleetError> {
    let mut profiles = global.profiles.clone();
    if profiles.is_empty()
        && let Ok(p) = std::env::var("AWS_PROFILE")
        && !p.is_empty()
    {
        profiles.push(p);
    }
    let d = &config.discovery;
    AwsFleet::new(AwsOptions {
        profiles,
        regions: global.regions.clone(),
        endpoint_url: global.endpoint_url.clone(),
        concurrency: d.concurrency,
        max_attempts: d.max_attempts,
        connect_timeout: d.connect_timeout(),
        operation_timeout: d.operation_timeout(),
        log_page_size: config.logs.page_size,
        timeouts: Timeouts {
            upload: config.timeouts.upload(),
            invoke_margin: config.timeouts.invoke_margin(),
            update_wait: config.timeouts.update_wait(),
            version_wait: config.timeouts.version_wait(),
        },
        quota: config.quota.clone(),
    })
    .await
}

/// Prints each failure to stderr (fleet text made visible); done when there are none, partial
/// otherwise.
pub fn finish(errors: &[String]) -> ExitCode {
    for e in errors {
        eprintln!("mfn-tui: {}", visible(e));
    }
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(exit::PARTIAL)
    }
}

/// Prints `message` to stderr (fleet text made visible) and returns the failure exit code.
pub fn fail(message: &str) -> ExitCode {
    eprintln!("mfn-tui: {}", visible(message));
    ExitCode::from(exit::FAILED)
}
