//! Every rule a change passes before anything is sent, in one place: read-only mode, protected
//! stages, alias names, the canary's route, the state of the versions a change points at, and
//! the package's limits. The plan says exactly what [`super::apply`] will do.

use super::{Action, Change, Confirm, Plan, Refusal, Safety};
use crate::fleet::artifact::check_zip;
use crate::fleet::{Alias, AliasTarget, CodeSource, Function, LATEST, Version, VersionState};

/// Checks `change` to `function` (as read now) against every rule: the plan of what it will
/// do, or why it will not.
pub fn plan(function: &Function, change: Change, safety: &Safety) -> Result<Plan, Refusal> {
    let kind = change.kind();
    safety.permit(kind.operation(), &function.name)?;
    let mut notes = Vec::new();
    let action = match change {
        Change::Deploy { source, alias } => deploy(function, source, alias, &mut notes)?,
        Change::Rollback { alias, to } => {
            let from = AliasTarget::of(alias_of(function, &alias)?);
            let to = previous(function, &from, to)?;
            ends_canary(&from, &mut notes);
            route(function, from, to, None)?
        }
        Change::Restore { to } => restore(function, to)?,
        Change::CanaryStart {
            alias,
            version,
            weight,
        } => {
            let from = AliasTarget::of(alias_of(function, &alias)?);
            if version == from.version {
                return Err(Refusal::new(format!(
                    "`{alias}` already runs version {version}; a canary needs another version"
                )));
            }
            if !(weight > 0.0 && weight < 1.0) {
                return Err(Refusal::new(format!(
                    "a canary's share must be between 0 and 100% (exclusive), not {weight}"
                )));
            }
            if let Some((v, w)) = &from.additional
                && *v != version
            {
                notes.push(format!(
                    "replaces the canary on version {v} ({:.0}%)",
                    w * 100.0
                ));
            }
            let primary = from.version.clone();
            route(function, from, primary, Some((version, weight)))?
        }
        Change::CanaryPromote { alias } => {
            let from = AliasTarget::of(alias_of(function, &alias)?);
            let (canary, _) = canary_of(&from)?;
            route(function, from, canary, None)?
        }
        Change::CanaryAbort { alias } => {
            let from = AliasTarget::of(alias_of(function, &alias)?);
            canary_of(&from)?;
            let primary = from.version.clone();
            route(function, from, primary, None)?
        }
    };
    let confirm = if safety.protected(function) {
        Confirm::TypeName
    } else {
        Confirm::Key
    };
    Ok(Plan {
        kind,
        function: function.clone(),
        action,
        confirm,
        notes,
    })
}

/// The rollback an operator means by `rollback F [--alias A] [--to V]`: `alias` moves back;
/// without one, a function served at `$LATEST` gets a published version's code back. A
/// function served through aliases needs one named (`$LATEST` restores its code anyway).
pub fn rollback(
    function: &Function,
    alias: Option<&str>,
    to: Option<String>,
) -> Result<Change, Refusal> {
    match alias {
        Some(LATEST) => Ok(Change::Restore { to }),
        Some(alias) => Ok(Change::Rollback {
            alias: alias.to_owned(),
            to,
        }),
        None if function.aliases.is_empty() => Ok(Change::Restore { to }),
        None => {
            let names: Vec<&str> = function.aliases.iter().map(|a| a.name.as_str()).collect();
            Err(Refusal::new(format!(
                "{} is served through aliases ({}): say which one moves with --alias A, or --alias '$LATEST' to redeploy a version's code as $LATEST",
                function.name,
                names.join(", ")
            )))
        }
    }
}

/// The versions a rollback of `$LATEST` can go back to, newest first: the published ones whose
/// code differs from what `$LATEST` runs now (the first is the default).
pub fn restore_candidates(function: &Function) -> Vec<&Version> {
    let mut versions: Vec<&Version> = function
        .versions
        .iter()
        .filter(|v| v.code_sha256 != function.code_sha256)
        .collect();
    versions.sort_by_key(|v| std::cmp::Reverse(number(&v.version)));
    versions
}

fn number(version: &str) -> u64 {
    version.parse().unwrap_or(0)
}

fn deploy(
    function: &Function,
    source: CodeSource,
    alias: String,
    notes: &mut Vec<String>,
) -> Result<Action, Refusal> {
    let valid = !alias.is_empty()
        && alias.len() <= 128
        && !alias.chars().all(|c| c.is_ascii_digit())
        && alias
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(Refusal::new(format!(
            "`{alias}` is not an alias name: letters, digits, - and _ (not only digits), up to 128"
        )));
    }
    match &source {
        CodeSource::Zip(bytes) => check_zip(bytes, "the package").map_err(Refusal::new)?,
        CodeSource::S3 { bucket, key } if bucket.is_empty() || key.is_empty() => {
            return Err(Refusal::new("an S3 package needs a bucket and a key"));
        }
        _ => {}
    }
    let expect = function.alias(&alias).map(AliasTarget::of);
    if let Some(t) = &expect {
        ends_canary(t, notes);
    }
    Ok(Action::Deploy {
        source,
        alias,
        expect,
    })
}

fn restore(function: &Function, to: Option<String>) -> Result<Action, Refusal> {
    let name = &function.name;
    let version = match to {
        Some(v) => function.version(&v).ok_or_else(|| {
            Refusal::new(format!(
                "{name} has no published version {v} to redeploy as $LATEST"
            ))
        })?,
        None => restore_candidates(function).first().copied().ok_or_else(|| {
            Refusal::new(format!(
                "{name}: no published version has other code than $LATEST ({}); nothing to roll back to",
                function.code_sha256
            ))
        })?,
    };
    Ok(Action::Restore {
        version: version.version.clone(),
        code: version.code_sha256.clone(),
        code_before: function.code_sha256.clone(),
    })
}

/// Where `from` goes back to: `to`, or the newest published version older than its own.
fn previous(
    function: &Function,
    from: &AliasTarget,
    to: Option<String>,
) -> Result<String, Refusal> {
    let alias = &from.alias;
    if let Some(v) = to {
        if v == from.version && from.additional.is_none() {
            return Err(Refusal::new(format!(
                "`{alias}` already points at version {v}"
            )));
        }
        return Ok(v);
    }
    let now = from.version.parse::<u64>().map_err(|_| {
        Refusal::new(format!(
            "`{alias}` points at {}, not a published version: say which with --to",
            from.version
        ))
    })?;
    function
        .versions
        .iter()
        .map(|v| number(&v.version))
        .filter(|n| *n > 0 && *n < now)
        .max()
        .map(|n| n.to_string())
        .ok_or_else(|| {
            Refusal::new(format!(
                "`{alias}` points at version {now}, the oldest there is: nothing to roll back to"
            ))
        })
}

/// An alias move from `from` to `version` (and a weighted second one), every version it names
/// published and `Active`.
fn route(
    function: &Function,
    from: AliasTarget,
    version: String,
    additional: Option<(String, f64)>,
) -> Result<Action, Refusal> {
    for v in std::iter::once(&version).chain(additional.as_ref().map(|(v, _)| v)) {
        ready(function, v)?;
    }
    let to = AliasTarget {
        alias: from.alias.clone(),
        version,
        additional,
    };
    Ok(Action::Route { from, to })
}

/// Refuses a version that is not published, or not `Active` (an alias pointed at it would fail
/// every invocation until it is).
fn ready(function: &Function, version: &str) -> Result<(), Refusal> {
    let name = &function.name;
    let v = function
        .version(version)
        .ok_or_else(|| Refusal::new(format!("{name} has no published version {version}")))?;
    match v.state {
        VersionState::Active | VersionState::Unknown => Ok(()),
        state => Err(Refusal::new(format!(
            "version {version} of {name} is {state}, not Active: an alias pointed at it would fail its invocations{}",
            match state {
                VersionState::Pending =>
                    " until it is (a SnapStart snapshot takes minutes); try again then",
                VersionState::Inactive =>
                    " until Lambda reactivates it; invoke it once (--qualifier) and try again",
                _ => "; choose another version",
            }
        ))),
    }
}

fn alias_of<'f>(function: &'f Function, alias: &str) -> Result<&'f Alias, Refusal> {
    function.alias(alias).ok_or_else(|| {
        let names: Vec<&str> = function.aliases.iter().map(|a| a.name.as_str()).collect();
        Refusal::new(if names.is_empty() {
            format!(
                "{} has no alias `{alias}` (it has none: deploy with an alias first)",
                function.name
            )
        } else {
            format!(
                "{} has no alias `{alias}` (it has {})",
                function.name,
                names.join(", ")
            )
        })
    })
}

fn canary_of(from: &AliasTarget) -> Result<(String, f64), Refusal> {
    from.additional.clone().ok_or_else(|| {
        Refusal::new(format!(
            "`{}` has no canary (no second version) to end",
            from.alias
        ))
    })
}

/// A move of an alias that has a canary ends it: say so before asking.
fn ends_canary(from: &AliasTarget, notes: &mut Vec<String>) {
    if let Some((v, w)) = &from.additional {
        notes.push(format!(
            "alias {} has a canary ({:.0}% to version {v}); this ends it",
            from.alias,
            w * 100.0
        ));
    }
}
