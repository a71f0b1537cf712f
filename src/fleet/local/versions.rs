//! Versions and aliases of local functions, with AWS's semantics: publishing snapshots the code
//! (a copy that never changes, with its SHA-256; unchanged code publishes no new version),
//! aliases point at a version and optionally a weighted second one, deploying publishes the
//! working directory and moves an alias, rolling back moves the alias back. Nothing deletes a
//! version.

use super::code;
use super::fleet::LocalFleet;
use super::store::{StoredAlias, StoredVersion};

/// What moving an alias changed.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasMove {
    pub alias: String,
    pub before: Option<StoredAlias>,
    pub after: StoredAlias,
}

impl LocalFleet {
    fn known(&self, function: &str) -> Result<&super::fleet::LocalFunction, String> {
        self.functions.get(function).ok_or_else(|| {
            format!("no function `{function}` in this fleet; `mfn-tui --local ls` lists them")
        })
    }

    /// Publishes the working directory's code of `function` as a new version (or returns the
    /// latest one if its code is the same). The code is read off the async runtime, and the
    /// read stops when the fleet does.
    pub async fn publish(
        &self,
        function: &str,
        description: &str,
    ) -> Result<StoredVersion, String> {
        let f = self.known(function)?;
        let (dir, cancel) = (f.dir.clone(), self.walks.clone());
        let (sha, size) = code::off_runtime(move || code::digest(&dir, &cancel)).await?;
        let versions = self.store.versions(function)?;
        if let Some(last) = versions.last()
            && last.code_sha256 == sha
        {
            return Ok(last.clone());
        }
        let number = versions.last().map_or(1, |v| v.version + 1);
        let target = self.versions_dir(function).join(number.to_string());
        std::fs::create_dir_all(self.versions_dir(function)).map_err(|e| e.to_string())?;
        let (dir, cancel) = (f.dir.clone(), self.walks.clone());
        code::off_runtime(move || code::copy(&dir, &target, &cancel)).await?;
        let version = StoredVersion {
            version: number,
            code_sha256: sha,
            code_size: size,
            description: description.to_owned(),
            created_ms: crate::clock::now_ms(),
        };
        self.store.add_version(function, &version)?;
        Ok(version)
    }

    /// Points `alias` at `version`, with an optional weighted second version.
    pub fn set_alias(
        &self,
        function: &str,
        alias: &str,
        version: u32,
        additional: Option<(u32, f64)>,
    ) -> Result<AliasMove, String> {
        self.known(function)?;
        if alias.is_empty() || alias.chars().all(|c| c.is_ascii_digit()) || alias == "$LATEST" {
            return Err(format!(
                "`{alias}` cannot name an alias (a number or $LATEST is a version)"
            ));
        }
        let versions = self.store.versions(function)?;
        let exists = |v: u32| versions.iter().any(|s| s.version == v);
        for v in std::iter::once(version).chain(additional.map(|a| a.0)) {
            if !exists(v) {
                return Err(format!("`{function}` has no published version {v}"));
            }
        }
        if let Some((v, w)) = additional
            && (v == version || !(0.0..1.0).contains(&w))
        {
            return Err(format!(
                "the second version needs a weight between 0 and 1 and must differ from {version} (got {v} at {w})"
            ));
        }
        let before = self.store.alias(function, alias)?;
        let after = StoredAlias {
            name: alias.to_owned(),
            version,
            additional,
        };
        self.store.set_alias(function, &after)?;
        Ok(AliasMove {
            alias: alias.to_owned(),
            before,
            after,
        })
    }

    /// Moves `alias` back: to `to`, or to the newest version older than where it points.
    pub fn rollback(
        &self,
        function: &str,
        alias: &str,
        to: Option<u32>,
    ) -> Result<AliasMove, String> {
        let current = self
            .store
            .alias(function, alias)?
            .ok_or_else(|| format!("`{function}` has no alias `{alias}` to roll back"))?;
        let target = match to {
            Some(v) => v,
            None => self
                .store
                .versions(function)?
                .iter()
                .map(|v| v.version)
                .filter(|v| *v < current.version)
                .max()
                .ok_or_else(|| {
                    format!(
                        "`{alias}` points at version {}, the oldest there is: nothing to roll back to",
                        current.version
                    )
                })?,
        };
        self.set_alias(function, alias, target, None)
    }
}
