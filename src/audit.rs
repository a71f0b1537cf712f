//! The audit log: every change made to a function, one JSON line each, by default in
//! `$XDG_STATE_HOME/mfn-tui/audit.jsonl`: who, when, what, and the alias and code before and
//! after. No secret is ever in it.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::fleet::{Fleet, Provider};

/// One line of the audit log (JSON lines). No secret is ever in it.
#[derive(Serialize)]
struct AuditEntry<'a, C: Serialize> {
    time: String,
    who: String,
    provider: String,
    action: &'a str,
    #[serde(flatten)]
    change: &'a C,
}

/// Who made a change: the fleet's identity (the STS caller on AWS), else the local user.
pub async fn who(fleet: &dyn Fleet) -> String {
    if let Some(identity) = fleet.identity().await {
        return identity;
    }
    format!(
        "{}:{}",
        fleet.context().provider,
        std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into())
    )
}

/// Where changes are appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLog {
    path: Option<PathBuf>,
}

impl AuditLog {
    /// The user's: `$XDG_STATE_HOME/mfn-tui/audit.jsonl` (none if there is no state directory).
    pub fn user() -> AuditLog {
        AuditLog {
            path: crate::config::state_dir().map(|d| d.join("audit.jsonl")),
        }
    }

    /// One at `path` (a test's, say).
    pub fn at(path: impl Into<PathBuf>) -> AuditLog {
        AuditLog {
            path: Some(path.into()),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Appends `change` (an alias moved, or `$LATEST`'s code restored: whatever it was, with
    /// its before and after), made by `who` through `provider`.
    pub fn record<C: Serialize>(
        &self,
        who: String,
        provider: &Provider,
        action: &str,
        change: &C,
    ) -> Result<(), String> {
        let path = self.path().ok_or("no state directory")?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let entry = AuditEntry {
            time: crate::units::iso_time(crate::clock::now_ms()),
            who,
            provider: provider.to_string(),
            action,
            change,
        };
        let line = serde_json::to_string(&entry).map_err(|e| e.to_string())?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        writeln!(file, "{line}").map_err(|e| format!("{}: {e}", path.display()))
    }
}
