//! `mfn-tui logs`: the log records of functions or whole services, in time order, then (with
//! `--follow`) new ones as they are written.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_lambda::primitives::{DateTime, DateTimeFormat};
use regex::Regex;
use serde::Serialize;

use crate::analysis::latency::Window;
use crate::analysis::logline::request_id;
use crate::analysis::window::parse_duration;
use crate::config::Config;
use crate::fleet::LogRecord;
use crate::fleet::follow::{FollowEvent, FollowMode, FollowSettings, follow_logs};
use crate::fleet::logs::read_logs;
use crate::fleet::{Depth, Fleet, FleetError, Inventory, discover_to_end};

use super::{exit, fail, read};
use crate::text::visible;

/// What `logs` was asked for.
pub struct LogsRequest<'a> {
    pub names: &'a [String],
    pub since: &'a str,
    pub follow: bool,
    /// Follow by polling, never Live Tail.
    pub poll: bool,
    pub filter: Option<&'a str>,
    pub grep: Option<&'a str>,
    pub json: bool,
}

/// One record as `--json` prints it, a line each. Field names are stable.
#[derive(Serialize)]
struct JsonRecord<'a> {
    timestamp: String,
    timestamp_ms: i64,
    function: &'a str,
    log_stream: &'a str,
    request_id: Option<&'a str>,
    message: &'a str,
}

pub async fn run(fleet: Arc<dyn Fleet>, config: &Config, request: LogsRequest<'_>) -> ExitCode {
    let grep = match request.grep.map(Regex::new).transpose() {
        Ok(g) => g,
        Err(e) => return fail(&format!("--grep is not a regular expression: {e}")),
    };
    let since_ms = match parse_duration(request.since) {
        Ok(ms) => ms,
        Err(e) => return fail(&e),
    };
    let mut inventory = Inventory::new(config.grouping.clone());
    discover_to_end(fleet.as_ref(), Depth::Functions, &mut inventory).await;
    let functions = match read::select(&inventory, request.names) {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    let now = crate::clock::now_ms();
    let window = Window::ending_at(now + 1, since_ms);
    let (history, failures) = read_logs(
        fleet.clone(),
        &functions,
        window,
        request.filter,
        8,
        config.logs.buffer_records,
    )
    .await;
    let printer = Printer {
        grep,
        json: request.json,
    };
    printer.print(&history);
    let mut failed = report(&failures);
    if !request.follow {
        return if failed {
            ExitCode::from(exit::PARTIAL)
        } else {
            ExitCode::SUCCESS
        };
    }
    let from = history.last().map_or(now, |r| r.timestamp_ms);
    let mut sampling = false;
    let follow = follow_logs(
        fleet,
        functions,
        FollowSettings {
            pattern: request.filter.map(str::to_owned),
            since_ms: from,
            poll: Duration::from_millis(config.logs.poll_ms),
            live_tail: config.logs.live_tail && !request.poll,
        },
        &history,
        crate::clock::now_ms,
        |event| {
            match event {
                FollowEvent::Records(records) => printer.print(&records),
                FollowEvent::Failures(failures) => failed |= report(&failures),
                FollowEvent::Mode(FollowMode::LiveTail { sessions, sampled }) => {
                    tracing::info!(sessions, sampled, "following with live tail");
                    if sampled {
                        eprintln!(
                            "mfn-tui: live tail is sampling: more lines match than a session sends, so some are not shown; follow with --poll to read every line"
                        );
                    } else if sampling {
                        eprintln!("mfn-tui: live tail sends every line again");
                    }
                    sampling = sampled;
                }
                FollowEvent::Mode(FollowMode::Polling { every, why }) => {
                    tracing::info!(?every, why, "following by polling");
                }
            }
            true
        },
    );
    tokio::select! {
        () = follow => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    if failed {
        ExitCode::from(exit::PARTIAL)
    } else {
        ExitCode::SUCCESS
    }
}

struct Printer {
    grep: Option<Regex>,
    json: bool,
}

impl Printer {
    fn print(&self, records: &[LogRecord]) {
        let mut out = std::io::stdout().lock();
        for r in records {
            if self.grep.as_ref().is_some_and(|g| !g.is_match(&r.message)) {
                continue;
            }
            let time = DateTime::from_millis(r.timestamp_ms)
                .fmt(DateTimeFormat::DateTime)
                .unwrap_or_default();
            let message = r.message.trim_end();
            let line = if self.json {
                serde_json::to_string(&JsonRecord {
                    timestamp: time,
                    timestamp_ms: r.timestamp_ms,
                    function: &r.function,
                    log_stream: &r.log_stream,
                    request_id: request_id(message),
                    message,
                })
                .expect("a record serializes")
            } else {
                format!("{time} {} {}", visible(&r.function), visible(message))
            };
            // A closed pipe (`| head`) ends the output quietly.
            if writeln!(out, "{line}").is_err() {
                return;
            }
        }
        let _ = out.flush();
    }
}

/// Prints failures to stderr; whether there were any.
fn report(failures: &[(String, FleetError)]) -> bool {
    for (function, e) in failures {
        eprintln!("mfn-tui: {}", visible(&format!("{function}: {e}")));
    }
    !failures.is_empty()
}
