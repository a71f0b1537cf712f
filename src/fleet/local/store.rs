//! The local fleet's state in SQLite (WAL, so a `kill -9` loses nothing committed): log
//! events by group and stream, published versions and aliases.
//!
//! One writer thread takes log lines in batches off a channel, so invocations never wait on
//! the disk; reads use their own connection.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::mpsc;

/// A line for a log group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub group: Arc<str>,
    pub stream: String,
    pub timestamp_ms: i64,
    pub message: String,
}

/// A stored log event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub id: i64,
    pub stream: String,
    pub timestamp_ms: i64,
    pub message: String,
}

/// A published version: an immutable copy of the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVersion {
    pub version: u32,
    pub code_sha256: String,
    pub code_size: i64,
    pub description: String,
    pub created_ms: i64,
}

/// An alias: a version, and optionally a second one with a weight.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAlias {
    pub name: String,
    pub version: u32,
    pub additional: Option<(u32, f64)>,
}

#[derive(Clone)]
pub struct Store {
    read: Arc<Mutex<Connection>>,
    lines: mpsc::UnboundedSender<LogLine>,
    flushed: Arc<(Mutex<u64>, std::sync::Condvar)>,
    sent: Arc<std::sync::atomic::AtomicU64>,
    /// Where each line also goes as it is written (`serve` prints them).
    tap: Arc<std::sync::OnceLock<mpsc::UnboundedSender<LogLine>>>,
}

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    log_group TEXT NOT NULL,
    stream TEXT NOT NULL,
    ts INTEGER NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_group_time ON events (log_group, ts, id);
CREATE TABLE IF NOT EXISTS versions (
    function TEXT NOT NULL,
    version INTEGER NOT NULL,
    code_sha256 TEXT NOT NULL,
    code_size INTEGER NOT NULL,
    description TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (function, version)
);
CREATE TABLE IF NOT EXISTS aliases (
    function TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    additional_version INTEGER,
    additional_weight REAL,
    PRIMARY KEY (function, name)
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

impl Store {
    /// Opens (or creates) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let open = || -> Result<Connection, String> {
            let c = Connection::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
            c.busy_timeout(std::time::Duration::from_secs(5))
                .map_err(|e| e.to_string())?;
            Ok(c)
        };
        let write = open()?;
        write
            .execute_batch(SCHEMA)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let read = open()?;
        let (lines, rx) = mpsc::unbounded_channel();
        let flushed = Arc::new((Mutex::new(0u64), std::sync::Condvar::new()));
        let writer_flushed = flushed.clone();
        std::thread::Builder::new()
            .name("mfn-local-logs".into())
            .spawn(move || write_lines(write, rx, &writer_flushed))
            .map_err(|e| e.to_string())?;
        Ok(Store {
            read: Arc::new(Mutex::new(read)),
            lines,
            flushed,
            sent: Arc::default(),
            tap: Arc::default(),
        })
    }

    /// Queues a line for writing.
    pub fn append(&self, line: LogLine) {
        self.sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if let Some(tap) = self.tap.get() {
            let _ = tap.send(line.clone());
        }
        let _ = self.lines.send(line);
    }

    /// Every line appended from now on, as it is appended; `None` when already tapped.
    pub fn tap(&self) -> Option<mpsc::UnboundedReceiver<LogLine>> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.tap.set(tx).ok().map(|()| rx)
    }

    /// A setting shared by every process of the fleet (`schedules_paused`…).
    pub fn setting(&self, key: &str) -> Result<Option<String>, String> {
        let c = self.read.lock().expect("the read connection");
        c.query_row(
            "SELECT value FROM settings WHERE key = ?1",
            params![key],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| e.to_string())
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), String> {
        let c = self.read.lock().expect("the read connection");
        c.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![key, value],
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    }

    /// Blocks until every line queued so far is committed.
    pub fn flush(&self) {
        let target = self.sent.load(std::sync::atomic::Ordering::SeqCst);
        let (lock, cvar) = &*self.flushed;
        let mut done = lock.lock().expect("the flush counter");
        while *done < target {
            let (d, timeout) = cvar
                .wait_timeout(done, std::time::Duration::from_secs(5))
                .expect("the flush counter");
            done = d;
            if timeout.timed_out() {
                break;
            }
        }
    }

    /// Events of `group` in `[start_ms, end_ms)` after event `after_id`, oldest first, at most
    /// `limit`.
    pub fn events(
        &self,
        group: &str,
        (start_ms, end_ms): (i64, i64),
        after: Option<(i64, i64)>,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, String> {
        let c = self.read.lock().expect("the read connection");
        let (after_ts, after_id) = after.unwrap_or((i64::MIN, i64::MIN));
        let mut stmt = c
            .prepare_cached(
                "SELECT id, stream, ts, message FROM events
                 WHERE log_group = ?1 AND ts >= ?2 AND ts < ?3 AND (ts, id) > (?4, ?5)
                 ORDER BY ts, id LIMIT ?6",
            )
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map(
                params![group, start_ms, end_ms, after_ts, after_id, limit as i64],
                |r| {
                    Ok(StoredEvent {
                        id: r.get(0)?,
                        stream: r.get(1)?,
                        timestamp_ms: r.get(2)?,
                        message: r.get(3)?,
                    })
                },
            )
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
    }

    /// Stored bytes and the first event's time of `group`, if it has events.
    pub fn group_size(&self, group: &str) -> Result<Option<(u64, i64)>, String> {
        let c = self.read.lock().expect("the read connection");
        c.query_row(
            "SELECT SUM(LENGTH(message)), MIN(ts) FROM events WHERE log_group = ?1",
            params![group],
            |r| Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?)),
        )
        .map(|(bytes, first)| Some((bytes? as u64, first?)))
        .map_err(|e| e.to_string())
    }

    pub fn versions(&self, function: &str) -> Result<Vec<StoredVersion>, String> {
        let c = self.read.lock().expect("the read connection");
        let mut stmt = c
            .prepare_cached(
                "SELECT version, code_sha256, code_size, description, created_ms FROM versions
                 WHERE function = ?1 ORDER BY version",
            )
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map(params![function], |r| {
                Ok(StoredVersion {
                    version: r.get(0)?,
                    code_sha256: r.get(1)?,
                    code_size: r.get(2)?,
                    description: r.get(3)?,
                    created_ms: r.get(4)?,
                })
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
    }

    /// Records version `v` of `function` (the caller has copied the code first).
    pub fn add_version(&self, function: &str, v: &StoredVersion) -> Result<(), String> {
        let c = self.read.lock().expect("the read connection");
        c.execute(
            "INSERT INTO versions (function, version, code_sha256, code_size, description, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![function, v.version, v.code_sha256, v.code_size, v.description, v.created_ms],
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    }

    pub fn aliases(&self, function: &str) -> Result<Vec<StoredAlias>, String> {
        let c = self.read.lock().expect("the read connection");
        let mut stmt = c
            .prepare_cached(
                "SELECT name, version, additional_version, additional_weight FROM aliases
                 WHERE function = ?1 ORDER BY name",
            )
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map(params![function], |r| {
                let extra: Option<u32> = r.get(2)?;
                let weight: Option<f64> = r.get(3)?;
                Ok(StoredAlias {
                    name: r.get(0)?,
                    version: r.get(1)?,
                    additional: extra.zip(weight),
                })
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
    }

    /// Points `alias` of `function` at a version (created if new), in one transaction.
    pub fn set_alias(&self, function: &str, alias: &StoredAlias) -> Result<(), String> {
        let c = self.read.lock().expect("the read connection");
        let (extra, weight) = alias.additional.unzip();
        c.execute(
            "INSERT INTO aliases (function, name, version, additional_version, additional_weight)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (function, name) DO UPDATE SET version = ?3,
                 additional_version = ?4, additional_weight = ?5",
            params![function, alias.name, alias.version, extra, weight],
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    }

    pub fn alias(&self, function: &str, name: &str) -> Result<Option<StoredAlias>, String> {
        Ok(self.aliases(function)?.into_iter().find(|a| a.name == name))
    }

    /// The highest published version of `function`.
    pub fn latest_version(&self, function: &str) -> Result<Option<u32>, String> {
        let c = self.read.lock().expect("the read connection");
        c.query_row(
            "SELECT MAX(version) FROM versions WHERE function = ?1",
            params![function],
            |r| r.get::<_, Option<u32>>(0),
        )
        .optional()
        .map(Option::flatten)
        .map_err(|e| e.to_string())
    }
}

/// The writer thread: a transaction per batch of whatever is queued.
fn write_lines(
    mut c: Connection,
    mut rx: mpsc::UnboundedReceiver<LogLine>,
    flushed: &(Mutex<u64>, std::sync::Condvar),
) {
    while let Some(first) = rx.blocking_recv() {
        let mut batch = vec![first];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
            if batch.len() >= 4096 {
                break;
            }
        }
        let written = (|| -> rusqlite::Result<()> {
            let tx = c.transaction()?;
            {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO events (log_group, stream, ts, message) VALUES (?1, ?2, ?3, ?4)",
                )?;
                for l in &batch {
                    stmt.execute(params![&*l.group, l.stream, l.timestamp_ms, l.message])?;
                }
            }
            tx.commit()
        })();
        if let Err(e) = written {
            tracing::warn!(error = %e, lines = batch.len(), "could not write log lines");
        }
        let (lock, cvar) = flushed;
        *lock.lock().expect("the flush counter") += batch.len() as u64;
        cvar.notify_all();
        // Lines come a few per invocation: letting them gather for a moment makes one wake-up
        // and one transaction of many under load, instead of one per line.
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}
