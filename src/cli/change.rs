//! `mfn-tui deploy`, `rollback` and `canary`: one change to one function, through the core's
//! [`plan`] and [`apply`], as the dashboard makes it. The function is found in the account that
//! owns it; the plan is printed; a terminal confirms it as the plan says (the function's name
//! typed in a protected stage), or `--yes` does, never silently without a terminal; each step
//! goes to stderr as it starts, and the outcome to stdout.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use crate::audit::AuditLog;
use crate::config::Config;
use crate::fleet::change::{self, Change, Confirm, Operation, Plan, Safety, apply, plan};
use crate::fleet::locate::locate;
use crate::fleet::{CodeSource, Fleet, Function, Step, StepSink};

use super::{exit, fail};
use crate::text::visible;

/// What the command line asks for, before the function is read.
pub enum Asked {
    Deploy {
        source: CodeSource,
        alias: Option<String>,
    },
    Rollback {
        alias: Option<String>,
        to: Option<String>,
    },
    CanaryStart {
        alias: String,
        version: String,
        weight: f64,
    },
    CanaryPromote {
        alias: String,
    },
    CanaryAbort {
        alias: String,
    },
}

impl Asked {
    fn operation(&self) -> Operation {
        match self {
            Asked::Deploy { .. } => Operation::Deploy,
            Asked::Rollback { .. } => Operation::Rollback,
            _ => Operation::Canary,
        }
    }

    /// The change this asks of `f` (a rollback without an alias depends on whether `f` has
    /// any).
    fn change(self, f: &Function) -> Result<Change, String> {
        Ok(match self {
            Asked::Deploy { source, alias } => Change::Deploy {
                source,
                alias: alias.ok_or(
                    "deploy needs --alias: the alias that moves to the new version (e.g. --alias live)",
                )?,
            },
            Asked::Rollback { alias, to } => {
                change::rollback(f, alias.as_deref(), to).map_err(|r| r.to_string())?
            }
            Asked::CanaryStart {
                alias,
                version,
                weight,
            } => Change::CanaryStart {
                alias,
                version,
                weight,
            },
            Asked::CanaryPromote { alias } => Change::CanaryPromote { alias },
            Asked::CanaryAbort { alias } => Change::CanaryAbort { alias },
        })
    }
}

/// One change from the command line.
pub struct ChangeRequest<'a> {
    /// The function's name, or its ARN (to pick one of namesakes in several accounts).
    pub function: &'a str,
    pub asked: Asked,
    pub yes: bool,
    pub dry_run: bool,
    pub read_only: bool,
}

pub async fn run(fleet: Arc<dyn Fleet>, config: &Config, request: ChangeRequest<'_>) -> ExitCode {
    let safety = Safety::from_config(config, request.read_only);
    if let Err(refusal) = safety.permit(request.asked.operation(), request.function) {
        return fail(&refusal.to_string());
    }
    let f = match locate(fleet.clone(), request.function).await {
        Ok(mut f) => {
            f.placement = config.grouping.place(&f.name, &f.tags);
            f
        }
        Err(e) => return fail(&format!("{e}; nothing changed")),
    };
    let planned = request
        .asked
        .change(&f)
        .and_then(|c| plan(&f, c, &safety).map_err(|r| r.to_string()));
    let plan = match planned {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    if request.dry_run {
        for line in plan.lines() {
            println!("{}", visible(&line));
        }
        println!("dry run: nothing changed");
        return ExitCode::SUCCESS;
    }
    for line in plan.lines() {
        eprintln!("{}", visible(&line));
    }
    if !request.yes
        && let Err(e) = confirm(&plan)
    {
        return fail(&e);
    }
    let (steps, printer) = print_steps(&f.name);
    let outcome = apply(fleet.as_ref(), &plan, &AuditLog::user(), steps).await;
    let _ = printer.await;
    match (&outcome.result, &outcome.audit_error) {
        (Err(_), _) => fail(&outcome.summary()),
        (Ok(_), None) => {
            println!("{}", visible(&outcome.summary()));
            ExitCode::SUCCESS
        }
        (Ok(_), Some(_)) => {
            eprintln!("mfn-tui: {}", visible(&outcome.summary()));
            ExitCode::from(exit::PARTIAL)
        }
    }
}

/// Prints each step of a change to stderr as it starts (a wait once more every ten seconds);
/// the printer ends when the change drops the sink.
fn print_steps(function: &str) -> (StepSink, tokio::task::JoinHandle<()>) {
    let (steps, mut started) = tokio::sync::mpsc::unbounded_channel::<Step>();
    let name = function.to_owned();
    let printer = tokio::spawn(async move {
        let mut last: Option<(Step, u64)> = None;
        while let Some(step) = started.recv().await {
            let elapsed = match &step {
                Step::Waiting { elapsed_s } | Step::WaitingVersion { elapsed_s, .. } => *elapsed_s,
                _ => 0,
            };
            let again = last
                .as_ref()
                .filter(|(l, _)| step.continues(l))
                .map(|(_, printed)| *printed);
            match again {
                Some(printed) if elapsed < printed + 10 => {}
                _ => {
                    eprintln!("{}", visible(&format!("{name}: {step}…")));
                    last = Some((step, elapsed));
                }
            }
        }
    });
    (steps, printer)
}

/// Asks on the terminal as `plan` says: `y`, or the function's name in a protected stage;
/// without a terminal, refuses (a script must say --yes).
fn confirm(plan: &Plan) -> Result<(), String> {
    let function = plan.function.name.as_str();
    let verb = plan.kind.verb();
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "{verb} {function}: there is no terminal to confirm it on; pass --yes; nothing changed"
        ));
    }
    let mut err = std::io::stderr();
    let shown = visible(function);
    let _ = match plan.confirm {
        Confirm::TypeName => write!(
            err,
            "{shown} is in a protected stage: type its name to {verb} it: "
        ),
        Confirm::Key => write!(err, "{verb} {shown}? [y/N] "),
    };
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| e.to_string())?;
    let answer = answer.trim();
    let ok = match plan.confirm {
        Confirm::TypeName => answer == function,
        Confirm::Key => matches!(answer, "y" | "Y" | "yes"),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("not confirmed: {function} is unchanged"))
    }
}
