//! The audit log: every change made to a function, one JSON line each, by default in
//! `$XDG_STATE_HOME/mfn-tui/audit.jsonl`. What a line holds is written by
//! [`crate::fleet::change`]; no secret is ever in it.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

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

    /// Appends `entry` as one line.
    pub fn append<E: Serialize>(&self, entry: &E) -> Result<(), String> {
        let path = self.path().ok_or("no state directory")?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let line = serde_json::to_string(entry).map_err(|e| e.to_string())?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        writeln!(file, "{line}").map_err(|e| format!("{}: {e}", path.display()))
    }
}
