//! The logs work effects start, away from the loop: reading and following logs, saving them,
//! saved events. Each reports its outcome as messages.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::analysis::latency::Window;
use crate::fleet::follow::{FollowEvent, FollowSettings, OVERLAP, follow_logs};
use crate::fleet::logs::read_logs;
use crate::fleet::{Fleet, FleetError};

use super::runner::READERS;
use crate::app::msg::Msg;

/// What a logs session reads and follows.
pub struct Tail {
    pub session: u64,
    pub functions: Vec<crate::fleet::Function>,
    pub since_ms: i64,
    pub pattern: Option<String>,
    pub settings: crate::config::LogsSettings,
}

/// Reads the window's history, then follows, sending what comes for the session until the
/// task is aborted or nobody listens.
pub async fn tail_logs(fleet: Arc<dyn Fleet>, tx: mpsc::UnboundedSender<Msg>, tail: Tail) {
    let Tail {
        session,
        functions,
        since_ms,
        pattern,
        settings,
    } = tail;
    let failed = |failures: Vec<(String, FleetError)>| Msg::LogFailures { session, failures };
    let now = crate::clock::now_ms();
    let window = Window::ending_at(now + 1, since_ms);
    let (history, failures) = read_logs(
        fleet.clone(),
        &functions,
        window,
        pattern.as_deref(),
        READERS,
        settings.buffer_records,
    )
    .await;
    if !failures.is_empty() {
        let _ = tx.send(failed(failures));
    }
    // Following starts at the newest record read, reaching back over the last records read
    // for late ones: those are not sent twice.
    let from = history.last().map_or(now, |r| r.timestamp_ms);
    let overlap = OVERLAP.as_millis() as i64;
    let newest: Vec<_> = history
        .iter()
        .filter(|r| r.timestamp_ms >= from - overlap)
        .cloned()
        .collect();
    let _ = tx.send(Msg::LogRecords {
        session,
        records: history,
    });
    let follow = FollowSettings {
        pattern,
        since_ms: from,
        poll: Duration::from_millis(settings.poll_ms),
        live_tail: settings.live_tail,
    };
    follow_logs(
        fleet,
        functions,
        follow,
        &newest,
        crate::clock::now_ms,
        |event| {
            let msg = match event {
                FollowEvent::Records(records) => Msg::LogRecords { session, records },
                FollowEvent::Mode(mode) => Msg::LogMode { session, mode },
                FollowEvent::Failures(failures) => failed(failures),
            };
            tx.send(msg).is_ok()
        },
    )
    .await;
}

/// Writes `lines` to `path`, or to `DATA_DIR/logs/NAME-TIME.log`; the path written.
pub fn save_lines(path: Option<String>, name: &str, lines: &[String]) -> Result<String, String> {
    let path = match path {
        Some(p) => std::path::PathBuf::from(p),
        None => {
            let dir = crate::config::data_dir()
                .ok_or("no data directory (set XDG_DATA_HOME or HOME), or :save PATH")?
                .join("logs");
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let time = crate::units::iso_time(crate::clock::now_ms()).replace([':', '.'], "-");
            dir.join(format!("{name}-{time}.log"))
        }
    };
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path.display().to_string())
}

/// `$XDG_DATA_HOME/mfn-tui/events/FUNCTION/`: the events saved for a function.
fn events_dir(function: &str) -> Option<std::path::PathBuf> {
    let safe: String = function
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    crate::config::data_dir().map(|d| d.join("events").join(safe))
}

/// The events saved for `function` (name, body), oldest first.
pub fn saved_events(function: &str) -> Vec<(String, String)> {
    let Some(dir) = events_dir(function) else {
        return Vec::new();
    };
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter_map(|p| {
            let body = std::fs::read_to_string(&p).ok()?;
            let name = p.file_stem()?.to_string_lossy().into_owned();
            Some((name, body))
        })
        .collect()
}

/// Saves `body` as a new event of `function`; the path written.
pub fn save_event(function: &str, body: &str) -> Result<String, String> {
    let dir = events_dir(function).ok_or("no data directory (set XDG_DATA_HOME or HOME)")?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let name = crate::units::iso_time(crate::clock::now_ms()).replace([':', '.'], "-");
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, body).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path.display().to_string())
}
