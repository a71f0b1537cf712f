//! What `--local` and the config say about a local fleet: its directory, stage, state and
//! timings, the operator's variables its handlers get, and where its state lives.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// What `--local` and the config say.
#[derive(Debug, Clone)]
pub struct LocalOptions {
    /// The services' directory; `None` runs the bundled demo fleet.
    pub dir: Option<PathBuf>,
    /// `--stage`, for `${opt:stage}` and `${sls:stage}`.
    pub stage: Option<String>,
    /// Where state (SQLite, version copies, the unpacked bundle) is kept.
    pub state_dir: PathBuf,
    pub idle: Duration,
    pub init_timeout: Duration,
    /// Names (a trailing `*` matches a prefix) of the operator's variables handlers get.
    pub pass_env: Vec<String>,
    /// How many execution environments the whole fleet runs at most (`[local] max_environments`).
    pub max_environments: usize,
}

/// The operator's variables whose names `patterns` give (`AWS_ENDPOINT_URL_*` a prefix).
pub(super) fn passed_env(patterns: &[String]) -> Vec<(String, String)> {
    std::env::vars()
        .filter(|(name, _)| {
            patterns.iter().any(|p| match p.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => name == p,
            })
        })
        .collect()
}

/// The state directory of a fleet read from `dir` (the demo's when `None`).
pub fn state_dir_for(base: &Path, dir: Option<&Path>) -> PathBuf {
    match dir {
        None => base.join("local").join("demo"),
        Some(d) => {
            let canonical = d.canonicalize().unwrap_or_else(|_| d.to_path_buf());
            let name = canonical
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "fleet".into());
            use sha2::Digest;
            let digest = sha2::Sha256::digest(canonical.to_string_lossy().as_bytes());
            let digest = format!("{digest:x}");
            base.join("local").join(format!("{name}-{}", &digest[..12]))
        }
    }
}
