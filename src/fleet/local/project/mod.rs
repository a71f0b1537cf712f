//! A fleet on disk: every service under a directory, read from its `serverless.yml`. What
//! changes how a function runs here is read; what only matters to a deployment is read past
//! with a note; only what would make the local run lie is refused. One pass reports every
//! problem of a file.

mod collisions;
mod events;
mod fields;
pub mod file;
mod findings;
mod function;
pub mod keys;
mod service;
pub mod variables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::fleet::ApiKind;
use crate::fleet::local::schedule::Schedule;
use variables::Sources;

pub use service::read_service;

/// A service (one Serverless project) and its functions.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDef {
    pub name: String,
    pub stage: String,
    pub region: String,
    /// The project directory (absolute): handlers are found from here.
    pub dir: PathBuf,
    pub file: PathBuf,
    pub functions: Vec<FunctionDef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    /// The key under `functions:`.
    pub key: String,
    /// `SERVICE-STAGE-KEY`, as the framework names it.
    pub name: String,
    pub handler: String,
    pub runtime: String,
    pub architecture: String,
    pub memory_mb: u32,
    pub timeout_s: u32,
    pub environment: BTreeMap<String, String>,
    pub reserved_concurrency: Option<u32>,
    pub events: Vec<HttpEvent>,
    /// The events that are not HTTP routes: schedules (run here) and the rest (listed).
    pub triggers: Vec<Trigger>,
    /// The code directories of the function's layers (AWS unpacks them under `/opt`).
    pub layers: Vec<PathBuf>,
}

/// An `http` (REST) or `httpApi` (HTTP API) event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpEvent {
    pub kind: ApiKind,
    /// Upper case, or `ANY`.
    pub method: String,
    /// With a leading `/`, path parameters as `{id}`.
    pub path: String,
    /// Set where the route (or, for HTTP APIs, the provider) asks API Gateway to answer CORS.
    pub cors: Option<Cors>,
    pub payload: Payload,
}

/// The proxy event's format: REST APIs send 1.0, HTTP APIs 2.0 unless `httpApi.payload: '1.0'`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    V1,
    V2,
}

/// What API Gateway answers a CORS preflight with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cors {
    pub origins: Vec<String>,
    pub headers: Vec<String>,
    /// Empty: the methods of the routes on the path.
    pub methods: Vec<String>,
    pub allow_credentials: bool,
    pub expose_headers: Vec<String>,
    pub max_age: Option<u32>,
}

/// A non-HTTP event of a function.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    /// The event's key: `schedule`, `sqs`, `eventBridge`…
    pub kind: String,
    /// What it reads from, as written (a queue's ARN, `rate(5 minutes)`…).
    pub source: String,
    /// A schedule, which runs here.
    pub schedule: Option<Schedule>,
}

/// What a directory holds: the services read, the files that could not be read (each problem
/// apart), and notes on what was read past.
#[derive(Debug, Clone, Default)]
pub struct Project {
    pub services: Vec<ServiceDef>,
    pub errors: Vec<(PathBuf, String)>,
    pub notes: Vec<(PathBuf, String)>,
}

/// Reads every `serverless.yml` (or `.yaml`) in `dir` and its immediate subdirectories.
pub fn load(dir: &Path, sources: &Sources) -> Project {
    let mut project = Project::default();
    // Absolute, so a runtime that changes directory still finds its code.
    let dir = match dir.canonicalize() {
        Ok(d) => d,
        Err(e) => {
            project
                .errors
                .push((dir.to_path_buf(), format!("cannot read the directory: {e}")));
            return project;
        }
    };
    let mut candidates = vec![dir.clone()];
    match std::fs::read_dir(&dir) {
        Ok(entries) => {
            let mut subdirs: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            subdirs.sort();
            candidates.extend(subdirs);
        }
        Err(e) => {
            project
                .errors
                .push((dir.clone(), format!("cannot read the directory: {e}")));
            return project;
        }
    }
    let mut files = 0;
    for candidate in candidates {
        // Whatever is there (a FIFO, a link to a device) is read by `read_service`, which
        // refuses it with a message rather than passing it over in silence.
        let Some(file) = ["serverless.yml", "serverless.yaml"]
            .iter()
            .map(|f| candidate.join(f))
            .find(|f| std::fs::symlink_metadata(f).is_ok())
        else {
            continue;
        };
        files += 1;
        let read = read_service(&file, sources);
        project
            .notes
            .extend(read.notes.into_iter().map(|n| (file.clone(), n)));
        if read.errors.is_empty() {
            if let Some(service) = read.service {
                project.services.push(service);
            }
        } else {
            project
                .errors
                .extend(read.errors.into_iter().map(|e| (file.clone(), e)));
        }
    }
    if files == 0 {
        project.errors.push((
            dir,
            "no serverless.yml here or in a directory below it".into(),
        ));
    }
    collisions::check(&mut project);
    project
}

#[cfg(test)]
mod tests;
