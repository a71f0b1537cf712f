//! Changes to one function asked for from the dashboard: rolling back, deploying, routing an
//! alias. Each is recorded in the audit log and ends with the function read again, or with why
//! it failed (saying what state the function is in).

use std::sync::Arc;

use crate::audit::AuditLog;
use crate::fleet::operations::{AliasChange, CodeSource, StepSink};
use crate::fleet::{Fleet, Function};

use super::msg::ChangeOutcome;

/// What a change acts on, and where it is recorded.
pub struct Acting {
    pub fleet: Arc<dyn Fleet>,
    pub audit: AuditLog,
}

/// Rolls `alias` back to `to` (no alias: redeploys version `to`'s code as `$LATEST`), records
/// it in the audit log, and reads the function again.
pub async fn rollback(
    on: Acting,
    function: Box<Function>,
    alias: Option<String>,
    to: String,
    steps: StepSink,
) -> ChangeOutcome {
    let Some(alias) = alias else {
        let change = on
            .fleet
            .restore(&function, &to, steps)
            .await
            .map_err(|e| e.after_change())?;
        let summary = if change.unchanged() {
            format!(
                "{}: $LATEST already runs version {to}'s code; nothing changed",
                change.function
            )
        } else {
            format!(
                "{}: $LATEST runs version {to}'s code now ({})",
                change.function, change.code_after
            )
        };
        return finish(on, &function, "rollback", summary, &change).await;
    };
    let change = on
        .fleet
        .rollback(&function, &alias, Some(to))
        .await
        .map_err(|e| e.after_change())?;
    finish(on, &function, "rollback", moved(&change), &change).await
}

/// What an alias change did, in a line.
fn moved(change: &AliasChange) -> String {
    format!(
        "{}: alias {} now runs version {}",
        change.function, change.after.alias, change.after.version
    )
}

/// Deploys `source` and moves `alias`, records it, and reads the function again.
pub async fn deploy(
    on: Acting,
    function: Box<Function>,
    source: CodeSource,
    alias: String,
    steps: StepSink,
) -> ChangeOutcome {
    let change = on
        .fleet
        .deploy(&function, source, &alias, steps)
        .await
        .map_err(|e| e.after_change())?;
    finish(on, &function, "deploy", moved(&change), &change).await
}

/// Points `alias` at `version` and a weighted second one (a canary's steps), records it, and
/// reads the function again.
pub async fn route(
    on: Acting,
    function: Box<Function>,
    alias: String,
    version: String,
    additional: Option<(String, f64)>,
) -> ChangeOutcome {
    let change = on
        .fleet
        .route_alias(&function, &alias, version, additional)
        .await
        .map_err(|e| e.after_change())?;
    finish(on, &function, "canary", moved(&change), &change).await
}

/// After a change: the audit log, the summary, and the function as it is now.
async fn finish<C: serde::Serialize>(
    on: Acting,
    function: &Function,
    action: &str,
    mut summary: String,
    change: &C,
) -> ChangeOutcome {
    let Acting { fleet, audit } = on;
    let who = crate::audit::who(fleet.as_ref()).await;
    if let Err(e) = audit.record(who, &fleet.context().provider, action, change) {
        summary.push_str(&format!(" (the audit log could not be written: {e})"));
    }
    let refreshed = fleet
        .function(&function.name, &function.region)
        .await
        .ok()
        .flatten()
        .map(Box::new);
    Ok((summary, refreshed))
}
