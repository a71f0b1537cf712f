//! A change to one function as a value of the core, the one path both faces take:
//!
//! 1. the operator asks for a [`Change`];
//! 2. [`plan`] checks it against every rule (read-only, protected stages, the canary's route,
//!    the state of the versions it names, the package's limits) and says exactly what it will
//!    do, as a [`Plan`], or why not, as a [`Refusal`];
//! 3. the face shows the plan and asks as [`Plan::confirm`] says;
//! 4. [`apply`] carries it out through the [`crate::fleet::Fleet`], reports its steps, writes
//!    the audit line (also for a change that failed halfway, with the state it left) and
//!    returns an [`Outcome`].
//!
//! A new kind of change is a new [`Change`] and its rules in [`plan`]; the CLI and the
//! dashboard take it as they are.

mod apply;
pub mod limits;
mod plan;
pub mod safety;

use std::fmt;

use serde::Serialize;

use super::{AliasTarget, CodeSource, Function, LATEST};

pub use apply::{Done, Outcome, apply};
pub use plan::{plan, restore_candidates, rollback};
pub use safety::{Operation, Safety};

/// What an operator asks to change on one function.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Ship `source` as the function's code, publish it, and point `alias` at it (created if
    /// missing).
    Deploy { source: CodeSource, alias: String },
    /// Point `alias` back at `to`, or at the newest published version older than its own.
    Rollback { alias: String, to: Option<String> },
    /// Redeploy published version `to`'s code as `$LATEST` (default: the newest version whose
    /// code differs): the rollback of a function served without an alias.
    Restore { to: Option<String> },
    /// Send `weight` of `alias`'s traffic to `version`.
    CanaryStart {
        alias: String,
        version: String,
        weight: f64,
    },
    /// The canary's version becomes `alias`'s only one.
    CanaryPromote { alias: String },
    /// All of `alias`'s traffic back to its primary version.
    CanaryAbort { alias: String },
}

impl Change {
    pub fn kind(&self) -> ChangeKind {
        match self {
            Change::Deploy { .. } => ChangeKind::Deploy,
            Change::Rollback { .. } => ChangeKind::Rollback,
            Change::Restore { .. } => ChangeKind::Restore,
            Change::CanaryStart { .. } => ChangeKind::CanaryStart,
            Change::CanaryPromote { .. } => ChangeKind::CanaryPromote,
            Change::CanaryAbort { .. } => ChangeKind::CanaryAbort,
        }
    }
}

/// The kind of a change, as the audit log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    Deploy,
    Rollback,
    Restore,
    CanaryStart,
    CanaryPromote,
    CanaryAbort,
}

impl ChangeKind {
    /// What read-only mode refuses it as.
    pub fn operation(self) -> Operation {
        match self {
            ChangeKind::Deploy => Operation::Deploy,
            ChangeKind::Rollback | ChangeKind::Restore => Operation::Rollback,
            ChangeKind::CanaryStart | ChangeKind::CanaryPromote | ChangeKind::CanaryAbort => {
                Operation::Canary
            }
        }
    }

    /// The verb of a question: "deploy users-prod-login?".
    pub fn verb(self) -> &'static str {
        match self {
            ChangeKind::Deploy => "deploy",
            ChangeKind::Rollback | ChangeKind::Restore => "roll back",
            ChangeKind::CanaryStart => "start a canary on",
            ChangeKind::CanaryPromote => "promote the canary of",
            ChangeKind::CanaryAbort => "abort the canary of",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChangeKind::Deploy => "deploy",
            ChangeKind::Rollback => "rollback",
            ChangeKind::Restore => "restore",
            ChangeKind::CanaryStart => "canary-start",
            ChangeKind::CanaryPromote => "canary-promote",
            ChangeKind::CanaryAbort => "canary-abort",
        })
    }
}

/// How an operator says yes to a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    /// A key (`y`).
    Key,
    /// The function's name, typed: a protected stage.
    TypeName,
}

/// What a change will do, once every rule has passed: the only thing [`apply`] takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub kind: ChangeKind,
    /// The function as it was read when planned (its target decides where every call goes).
    pub function: Function,
    pub action: Action,
    pub confirm: Confirm,
    /// What the operator should know before saying yes (a canary the change ends, say).
    pub notes: Vec<String>,
}

/// The calls a plan makes.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Ship `source`, publish it, wait for the version to be `Active`, and move `alias` from
    /// `expect` (`None`: create it) to it.
    Deploy {
        source: CodeSource,
        alias: String,
        expect: Option<AliasTarget>,
    },
    /// Move an alias from where it points (`from`) to `to`.
    Route { from: AliasTarget, to: AliasTarget },
    /// Redeploy `version`'s code (`code`) as `$LATEST`, which runs `code_before` now.
    Restore {
        version: String,
        code: String,
        code_before: String,
    },
}

impl Plan {
    /// The plan as lines to show before asking: where, what moves, and the notes.
    pub fn lines(&self) -> Vec<String> {
        let f = &self.function;
        let mut lines = vec![format!(
            "{} {} in account {} ({}), {}",
            self.kind,
            f.name,
            f.account,
            f.target.profile.as_deref().unwrap_or("default credentials"),
            f.region
        )];
        match &self.action {
            Action::Deploy {
                source,
                alias,
                expect,
            } => {
                lines.push(match expect {
                    Some(t) => format!("alias {alias} runs {} now", describe(t)),
                    None => format!("alias {alias} does not exist yet; it is created"),
                });
                lines.push(match source {
                    CodeSource::Zip(bytes) => format!(
                        "new code: {}, SHA-256 {}",
                        crate::units::bytes(bytes.len() as u64),
                        crate::fleet::artifact::code_sha256(bytes)
                    ),
                    CodeSource::S3 { bucket, key } => format!("new code: s3://{bucket}/{key}"),
                    CodeSource::WorkingDirectory => format!(
                        "new code: the service's working directory, SHA-256 {}",
                        f.code_sha256
                    ),
                });
                lines.push(format!(
                    "publishes it as a version, waits until it is Active, then points {alias} at it"
                ));
            }
            Action::Route { from, to } => {
                lines.push(format!(
                    "alias {}: {} → {}",
                    from.alias,
                    describe(from),
                    describe(to)
                ));
            }
            Action::Restore {
                version,
                code,
                code_before,
            } => lines.push(format!(
                "{LATEST}: code {code_before} → version {version}'s code {code}; nothing is published"
            )),
        }
        lines.extend(self.notes.iter().cloned());
        lines
    }
}

/// `version 5`, or `version 5 (10% to version 7)`.
pub fn describe(t: &AliasTarget) -> String {
    match &t.additional {
        Some((v, w)) => format!("version {} ({:.0}% to version {v})", t.version, w * 100.0),
        None => format!("version {}", t.version),
    }
}

/// Why a change is not made; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(String);

impl Refusal {
    pub fn new(message: impl Into<String>) -> Refusal {
        Refusal(message.into())
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; nothing changed", self.0)
    }
}

impl std::error::Error for Refusal {}

#[cfg(test)]
mod tests;
