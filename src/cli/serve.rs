//! `serve` (the local fleet without the dashboard, for scripts, CI and a second terminal) and
//! `schedules` (pause, resume or show its schedules); and how the dashboard runs a local fleet:
//! attached to a `serve` of the same directory, else serving it itself.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use tokio::signal::unix::{SignalKind, signal};

use super::args::ScheduleAction;
use super::fail;
use crate::config::Config;
use crate::fleet::ApiKind;
use crate::fleet::local::LocalFleet;
use crate::fleet::local::gateway::routes;
use crate::fleet::local::presence::Presence;
use crate::fleet::local::store::LogLine;

const NEEDS_LOCAL: &str = "runs a local fleet: add --local [DIR] (without DIR, the bundled demo)";

/// The dashboard's local fleet: attached to the gateway a `serve` of the same directory runs
/// (they share the state), else served here.
pub async fn serve_or_attach(fleet: &Arc<LocalFleet>, config: &Config) {
    match Presence::find(fleet.state_dir()) {
        Some(url) => fleet.attach(url),
        None => fleet.serve(&config.local.gateway()).await,
    }
}

/// Runs the fleet until SIGINT or SIGTERM: routes and schedules on stdout at start, then every
/// log line; problems of the services on stderr.
pub async fn run(fleet: Option<Arc<LocalFleet>>, config: &Config) -> ExitCode {
    let Some(fleet) = fleet else {
        return fail(&format!("serve {NEEDS_LOCAL}"));
    };
    let (Ok(mut interrupt), Ok(mut terminate)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return fail("serve cannot listen for SIGINT and SIGTERM");
    };
    if let Some(url) = Presence::find(fleet.state_dir()) {
        return fail(&format!(
            "this fleet is already served at {url} by another `mfn-tui serve`; stop it first"
        ));
    }
    let mut lines = fleet.store.tap();
    fleet.serve(&config.local.gateway()).await;
    let url = match fleet.gateway.lock().expect("the gateway address").clone() {
        Some(Ok(url)) => url,
        Some(Err(e)) => return fail(&e),
        None => return fail("the HTTP gateway did not start"),
    };
    let presence = match Presence::claim(fleet.state_dir(), &url) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    print!("{}", banner(&fleet, &url));
    for (file, e) in &fleet.project.errors {
        eprintln!("mfn-tui: {}: {e}", file.display());
    }
    for (file, note) in &fleet.project.notes {
        eprintln!("mfn-tui: note: {}: {note}", file.display());
    }
    let _ = std::io::stdout().flush();
    loop {
        tokio::select! {
            line = async {
                match lines.as_mut() {
                    Some(l) => l.recv().await,
                    None => std::future::pending().await,
                }
            } => {
                if let Some(line) = line {
                    print_line(&line);
                }
            }
            _ = interrupt.recv() => break,
            _ = terminate.recv() => break,
        }
    }
    drop(presence);
    fleet.shutdown().await;
    // What was written before the signal is on stdout too.
    if let Some(lines) = lines.as_mut() {
        while let Ok(line) = lines.try_recv() {
            print_line(&line);
        }
    }
    eprintln!("mfn-tui: stopped serving {url}");
    ExitCode::SUCCESS
}

/// A log line on stdout: time, function, message.
fn print_line(line: &LogLine) {
    let function = line.group.trim_start_matches("/aws/lambda/");
    let time = crate::units::iso_time(line.timestamp_ms);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{time} {function} {}", line.message);
    let _ = out.flush();
}

/// What `serve` prints at start: each route with its URL and function, each schedule, each
/// event that does not run here.
fn banner(fleet: &LocalFleet, url: &str) -> String {
    let mut out = format!(
        "mfn-tui serving {} functions of {} services on {url}\n",
        fleet.functions.len(),
        fleet.project.services.len()
    );
    for r in routes(fleet) {
        let api = match r.kind {
            ApiKind::Rest => format!("REST, also under /{}", r.stage),
            ApiKind::Http => "HTTP API".to_owned(),
        };
        out.push_str(&format!(
            "  {:<7} {url}{}  → {}  ({api}{})\n",
            r.method,
            r.template,
            r.function,
            if r.cors.is_some() { ", CORS" } else { "" }
        ));
    }
    for (arn, source) in fleet.event_sources() {
        let function = arn.rsplit(':').next().unwrap_or_default();
        out.push_str(&format!(
            "  {}  → {function}  ({})\n",
            source.source_arn, source.state
        ));
    }
    out.push_str("ready: logs follow; ctrl-c (SIGINT) or SIGTERM stops\n");
    out
}

/// `schedules pause|resume|status`: the flag every process of the fleet reads before firing.
pub fn schedules(fleet: Option<Arc<LocalFleet>>, action: ScheduleAction) -> ExitCode {
    let Some(fleet) = fleet else {
        return fail(&format!("schedules {NEEDS_LOCAL}"));
    };
    let changed = match action {
        ScheduleAction::Pause => fleet.pause_schedules(true),
        ScheduleAction::Resume => fleet.pause_schedules(false),
        ScheduleAction::Status => Ok(()),
    };
    if let Err(e) = changed {
        return fail(&format!("the local state could not be written: {e}"));
    }
    let schedules: Vec<_> = fleet
        .event_sources()
        .into_iter()
        .filter(|(_, s)| s.source_arn.starts_with("schedule:"))
        .collect();
    let state = if fleet.schedules_paused() {
        "paused"
    } else {
        "running"
    };
    println!("schedules {state}");
    for (arn, s) in schedules {
        let function = arn.rsplit(':').next().unwrap_or_default();
        println!("  {}  → {function}  ({})", s.source_arn, s.state);
    }
    ExitCode::SUCCESS
}
