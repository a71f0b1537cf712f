//! `mfn-tui deploy`, `rollback` and `canary`: change one function, and only it. Refused in
//! read-only mode; confirmed first (typing the function's name for protected stages), or with
//! `--yes`, never silently without a terminal; every change appended to the audit log.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use crate::audit::AuditLog;
use crate::config::Config;
pub use crate::fleet::operations::parse_weight;
use crate::fleet::operations::{CodeSource, LATEST, Step, StepSink, restore_candidates};
use crate::fleet::{Fleet, Function};

use super::invoke::function;
use super::{exit, fail};

/// Which change, and on what.
pub struct ChangeRequest<'a> {
    pub action: &'a str,
    /// What a deploy ships.
    pub source: Option<CodeSource>,
    pub function: &'a str,
    pub alias: Option<&'a str>,
    pub to: Option<String>,
    pub canary: Option<CanaryStep>,
    pub yes: bool,
    pub dry_run: bool,
    pub read_only: bool,
}

/// A step of a canary on an alias.
#[derive(Debug, Clone, PartialEq)]
pub enum CanaryStep {
    /// Send `weight` of the alias's traffic to `version`.
    Start { version: String, weight: f64 },
    /// The canary's version becomes the alias's only one.
    Promote,
    /// All traffic back to the alias's primary version.
    Abort,
}

/// Where a canary step points the alias: its version and weighted second version.
type Route = (String, Option<(String, f64)>);

fn canary_route(f: &Function, alias: &str, step: &CanaryStep) -> Result<Route, String> {
    let a = f.aliases.iter().find(|a| a.name == alias).ok_or_else(|| {
        format!(
            "{} has no alias `{alias}`; deploy with --alias {alias} first",
            f.name
        )
    })?;
    let canary = a
        .weights
        .iter()
        .find(|(v, _)| **v != a.version)
        .map(|(v, w)| (v.clone(), *w));
    match (step, canary) {
        (CanaryStep::Start { version, .. }, _) if *version == a.version => Err(format!(
            "`{alias}` already runs version {version}; a canary needs another version"
        )),
        (CanaryStep::Start { version, weight }, _) => {
            Ok((a.version.clone(), Some((version.clone(), *weight))))
        }
        (CanaryStep::Promote, Some((v, _))) => Ok((v, None)),
        (CanaryStep::Abort, Some(_)) => Ok((a.version.clone(), None)),
        (_, None) => Err(format!(
            "`{alias}` has no canary (no second version) to end"
        )),
    }
}

pub async fn run(fleet: Arc<dyn Fleet>, config: &Config, request: ChangeRequest<'_>) -> ExitCode {
    let action = request.action;
    if request.read_only {
        return fail(&format!(
            "--read-only: `{action}` changes the fleet and is refused; drop --read-only to {action}"
        ));
    }
    let f = match function(fleet.as_ref(), request.function).await {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    if action == "rollback" && request.alias.is_none_or(|a| a == LATEST) {
        if request.alias.is_none() && !f.aliases.is_empty() {
            let names: Vec<&str> = f.aliases.iter().map(|a| a.name.as_str()).collect();
            return fail(&format!(
                "{} is served through aliases ({}): say which one moves with --alias A, or --alias '$LATEST' to redeploy a version's code as $LATEST; nothing changed",
                f.name,
                names.join(", ")
            ));
        }
        return restore(fleet, config, &f, &request).await;
    }
    let Some(alias) = request.alias else {
        return fail(&format!(
            "`{action}` needs --alias: the alias whose target moves (e.g. --alias live)"
        ));
    };
    let route = match &request.canary {
        Some(step) => match canary_route(&f, alias, step) {
            Ok(r) => Some(r),
            Err(e) => return fail(&format!("{e}; nothing changed")),
        },
        None => None,
    };
    if request.dry_run {
        print_plan(&f, alias, request.source.as_ref());
        return ExitCode::SUCCESS;
    }
    if !request.yes
        && let Err(e) = confirm(action, &f, &format!("alias {alias}"), config)
    {
        return fail(&e);
    }
    let changed = match action {
        "deploy" => {
            let source = request.source.unwrap_or(CodeSource::WorkingDirectory);
            let (steps, printer) = print_steps(&f.name);
            let deployed = fleet.deploy(&f, source, alias, steps).await;
            let _ = printer.await;
            deployed
        }
        "canary" => {
            let (version, additional) = route.expect("a canary has its route");
            fleet.route_alias(&f, alias, version, additional).await
        }
        _ => fleet.rollback(&f, alias, request.to.clone()).await,
    };
    let change = match changed {
        Ok(c) => c,
        Err(e) => return fail(&e.after_change()),
    };
    let before = change
        .before
        .as_ref()
        .map_or("nothing".to_owned(), |b| format!("version {}", b.version));
    let canary = change
        .after
        .additional
        .as_ref()
        .map(|(v, w)| format!(" with {:.0}% to version {v}", w * 100.0))
        .unwrap_or_default();
    println!(
        "{}: alias {} moved from {before} to version {}{canary}{}",
        change.function,
        change.after.alias,
        change.after.version,
        change
            .published
            .as_ref()
            .map(|v| format!(" (published {v})"))
            .unwrap_or_default()
    );
    audit(fleet.as_ref(), action, &change).await
}

/// A rollback of a function served at `$LATEST`: the code of `--to` (or of the newest version
/// whose code differs) redeployed as `$LATEST`.
async fn restore(
    fleet: Arc<dyn Fleet>,
    config: &Config,
    f: &Function,
    request: &ChangeRequest<'_>,
) -> ExitCode {
    let version = match request.to.clone() {
        Some(v) => v,
        None => match restore_candidates(f).first() {
            Some(v) => v.version.clone(),
            None => {
                return fail(&format!(
                    "{}: no published version has other code than $LATEST ({}); nothing to roll back to, nothing changed",
                    f.name, f.code_sha256
                ));
            }
        },
    };
    if !request.yes
        && let Err(e) = confirm(
            request.action,
            f,
            &format!("$LATEST to version {version}'s code"),
            config,
        )
    {
        return fail(&e);
    }
    let (steps, printer) = print_steps(&f.name);
    let restored = fleet.restore(f, &version, steps).await;
    let _ = printer.await;
    let change = match restored {
        Ok(c) => c,
        Err(e) => return fail(&e.after_change()),
    };
    if change.unchanged() {
        println!(
            "{}: $LATEST already runs version {version}'s code ({}); nothing changed",
            change.function, change.code_after
        );
        return ExitCode::SUCCESS;
    }
    println!(
        "{}: $LATEST runs version {}'s code now ({}, was {})",
        change.function,
        change.version,
        change.code_after,
        change.code_before.as_deref().unwrap_or("?")
    );
    audit(fleet.as_ref(), request.action, &change).await
}

/// Prints each step of a change to stderr as it starts; the printer ends when the change
/// drops the sink.
fn print_steps(function: &str) -> (StepSink, tokio::task::JoinHandle<()>) {
    let (steps, mut started) = tokio::sync::mpsc::unbounded_channel::<Step>();
    let name = function.to_owned();
    let printer = tokio::spawn(async move {
        while let Some(step) = started.recv().await {
            eprintln!("{name}: {step}…");
        }
    });
    (steps, printer)
}

/// Appends the change to the audit log; a change the log missed exits with [`exit::PARTIAL`].
async fn audit<C: serde::Serialize>(fleet: &dyn Fleet, action: &str, change: &C) -> ExitCode {
    let who = crate::audit::who(fleet).await;
    match AuditLog::user().record(who, &fleet.context().provider, action, change) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mfn-tui: the change was made, but the audit log could not be written: {e}");
            ExitCode::from(exit::PARTIAL)
        }
    }
}

fn print_plan(f: &Function, alias: &str, source: Option<&CodeSource>) {
    let current = f.aliases.iter().find(|a| a.name == alias);
    match current {
        Some(a) => {
            let sha = f
                .versions
                .iter()
                .find(|v| v.version == a.version)
                .map_or("?", |v| v.code_sha256.as_str());
            println!(
                "{}: alias {alias} runs version {} (code {sha})",
                f.name, a.version
            );
        }
        None => println!(
            "{}: alias {alias} does not exist yet; it would be created",
            f.name
        ),
    }
    match source {
        Some(CodeSource::Zip(bytes)) => println!(
            "the package is {} ({} bytes); $LATEST has {} ({} bytes)",
            crate::fleet::artifact::code_sha256(bytes),
            bytes.len(),
            f.code_sha256,
            f.code_size
        ),
        Some(CodeSource::S3 { bucket, key }) => println!(
            "the package is s3://{bucket}/{key}; $LATEST has {} ({} bytes)",
            f.code_sha256, f.code_size
        ),
        _ => println!(
            "the working code is {} ({} bytes)",
            f.code_sha256, f.code_size
        ),
    }
    println!("a new version would be published and {alias} moved to it; nothing changed (dry run)");
}

/// The stage a `SERVICE-STAGE-FUNCTION` name carries, when the function was not discovered.
fn stage_in_name(name: &str, stages: &[String]) -> Option<String> {
    name.split('-')
        .find(|part| stages.iter().any(|s| s == part))
        .map(str::to_owned)
}

/// Asks on the terminal whether to `action` `f` (`what`: which part of it changes), by name
/// in a protected stage; without a terminal, refuses (a script must say --yes).
fn confirm(action: &str, f: &Function, what: &str, config: &Config) -> Result<(), String> {
    let stage = f
        .placement
        .stage
        .clone()
        .or_else(|| stage_in_name(&f.name, &config.grouping.stages));
    let protected = stage.is_some_and(|s| config.safety.protected_stages.contains(&s));
    let function = f.name.as_str();
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "`{action}` changes {function} and there is no terminal to confirm it on; pass --yes"
        ));
    }
    let mut err = std::io::stderr();
    if protected {
        let _ = write!(
            err,
            "{action} {function} ({what}) in a protected stage: type the function's name to go on: "
        );
    } else {
        let _ = write!(err, "{action} {function} ({what})? [y/N] ");
    }
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| e.to_string())?;
    let answer = answer.trim();
    let ok = if protected {
        answer == function
    } else {
        matches!(answer, "y" | "Y" | "yes")
    };
    if ok {
        Ok(())
    } else {
        Err(format!("not confirmed: {function} is unchanged"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_read_as_shares_or_percentages() {
        assert_eq!(parse_weight("10%").unwrap(), 0.1);
        assert_eq!(parse_weight("10").unwrap(), 0.1);
        assert_eq!(parse_weight("0.25").unwrap(), 0.25);
        assert!(parse_weight("100%").is_err());
        assert!(parse_weight("0").is_err());
        assert!(parse_weight("lots").unwrap_err().contains("10%"));
    }

    #[test]
    fn a_stage_is_read_from_the_serverless_name() {
        let stages = vec!["dev".to_string(), "prod".to_string()];
        assert_eq!(
            stage_in_name("orders-prod-create", &stages).as_deref(),
            Some("prod")
        );
        assert_eq!(stage_in_name("legacy-cron", &stages), None);
    }
}
