//! Carrying out a plan: the provider's calls (each step reported as it starts), then the audit
//! line — for a change that was made, and for one that failed halfway, with the state it
//! left — and the outcome both faces show.

use serde::Serialize;
use serde_json::{Value, json};

use super::{Action, ChangeKind, Plan, describe};
use crate::audit::AuditLog;
use crate::fleet::{AliasChange, CodeRestore, Fleet, FleetError, StepSink};

/// What a change did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Done {
    /// An alias moved (and a deploy's version was published).
    Alias(AliasChange),
    /// `$LATEST` got a version's code back.
    Code(CodeRestore),
}

/// How a change went.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub kind: ChangeKind,
    pub function: String,
    /// What was done, or why not (a [`FleetError::Partial`] says what state it left).
    pub result: Result<Done, FleetError>,
    /// The audit line could not be written (why); the change itself stands.
    pub audit_error: Option<String>,
}

impl Outcome {
    /// One line for the operator: what changed, or why nothing did, or what state a change
    /// that failed halfway left.
    pub fn summary(&self) -> String {
        let name = &self.function;
        let mut text = match &self.result {
            Ok(Done::Alias(c)) => {
                let before = c.before.as_ref().map_or("nothing".to_owned(), describe);
                let published = c
                    .published
                    .as_ref()
                    .map(|v| format!(" (published {v})"))
                    .unwrap_or_default();
                format!(
                    "{name}: alias {} moved from {before} to {}{published}",
                    c.after.alias,
                    describe(&c.after)
                )
            }
            Ok(Done::Code(c)) if c.unchanged() => format!(
                "{name}: $LATEST already runs version {}'s code ({}); nothing changed",
                c.version, c.code_after
            ),
            Ok(Done::Code(c)) => format!(
                "{name}: $LATEST runs version {}'s code now ({}, was {})",
                c.version,
                c.code_after,
                c.code_before.as_deref().unwrap_or("?")
            ),
            Err(e) => e.after_change(),
        };
        if let Some(e) = &self.audit_error {
            text.push_str(&format!(" (but the audit log could not be written: {e})"));
        }
        text
    }
}

/// Carries out `plan` through `fleet`, sending each step to `steps` as it starts, and records
/// it in `audit` unless nothing changed.
pub async fn apply(fleet: &dyn Fleet, plan: &Plan, audit: &AuditLog, steps: StepSink) -> Outcome {
    let f = &plan.function;
    let result = match &plan.action {
        Action::Deploy {
            source,
            alias,
            expect,
        } => fleet
            .deploy(f, source.clone(), expect.clone(), alias, steps)
            .await
            .map(Done::Alias),
        Action::Route { from, to } => fleet
            .route_alias(f, from, to.clone())
            .await
            .map(Done::Alias),
        Action::Restore { version, .. } => fleet.restore(f, version, steps).await.map(Done::Code),
    };
    let record = match &result {
        Ok(Done::Code(c)) if c.unchanged() => None,
        Ok(done) => Some(("done", serde_json::to_value(done).unwrap_or(Value::Null))),
        Err(e @ FleetError::Partial { .. }) => Some((
            "partial",
            json!({ "planned": planned(plan), "error": e.to_string() }),
        )),
        Err(_) => None,
    };
    let audit_error = match record {
        Some((outcome, detail)) => {
            let entry = entry(fleet, plan, outcome, detail).await;
            audit.append(&entry).err()
        }
        None => None,
    };
    Outcome {
        kind: plan.kind,
        function: f.name.clone(),
        result,
        audit_error,
    }
}

/// One audit line: who, when, which function in which account and region, what happened.
async fn entry(fleet: &dyn Fleet, plan: &Plan, outcome: &str, detail: Value) -> Value {
    let f = &plan.function;
    let who = match fleet.identity(&f.target).await {
        Some(identity) => identity,
        None => format!(
            "{}:{}",
            fleet.context().provider,
            std::env::var("USER")
                .or_else(|_| std::env::var("LOGNAME"))
                .unwrap_or_else(|_| "unknown".into())
        ),
    };
    let mut entry = json!({
        "time": crate::units::iso_time(crate::clock::now_ms()),
        "who": who,
        "provider": fleet.context().provider.to_string(),
        "action": plan.kind.to_string(),
        "outcome": outcome,
        "function": f.name,
        "arn": f.arn,
        "account": f.account,
        "region": f.region,
        "profile": f.target.profile,
    });
    if let (Value::Object(entry), Value::Object(detail)) = (&mut entry, detail) {
        for (k, v) in detail {
            entry.entry(k).or_insert(v);
        }
    }
    entry
}

/// What a plan meant to do, for the audit line of a change that failed halfway.
fn planned(plan: &Plan) -> Value {
    match &plan.action {
        Action::Deploy { alias, expect, .. } => json!({
            "alias": alias,
            "before": expect,
            "code_before": plan.function.code_sha256,
        }),
        Action::Route { from, to } => json!({ "before": from, "after": to }),
        Action::Restore {
            version,
            code,
            code_before,
        } => {
            json!({ "qualifier": crate::fleet::LATEST, "version": version, "code_before": code_before, "code_after": code })
        }
    }
}
