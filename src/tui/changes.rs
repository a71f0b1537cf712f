//! A confirmed plan carried out away from the loop: the core's [`apply`] (steps reported as
//! they start, the audit line written), then the function read again through its own target,
//! so the view shows it as it is — also after a failure. The outcome comes back even if the
//! work panics, so a dialog never waits forever.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::app::msg::Msg;
use crate::audit::AuditLog;
use crate::fleet::change::{Outcome, Plan, apply};
use crate::fleet::{Fleet, FleetError};

/// Runs `plan`, reporting [`Msg::ChangeStep`]s and then [`Msg::Applied`] on `tx`.
pub fn spawn_apply(
    fleet: Arc<dyn Fleet>,
    audit: AuditLog,
    plan: Plan,
    tx: mpsc::UnboundedSender<Msg>,
) {
    let (steps, mut started) = mpsc::unbounded_channel();
    let forward = tx.clone();
    tokio::spawn(async move {
        while let Some(step) = started.recv().await {
            let _ = forward.send(Msg::ChangeStep(step));
        }
    });
    let (kind, function) = (plan.kind, plan.function.clone());
    let work = tokio::spawn(async move {
        let outcome = apply(fleet.as_ref(), &plan, &audit, steps).await;
        let f = &plan.function;
        let refreshed = fleet.function(&f.target, &f.name).await.ok().flatten();
        (outcome, refreshed)
    });
    tokio::spawn(async move {
        let (outcome, refreshed) = work.await.unwrap_or_else(|e| {
            let stopped = Outcome {
                kind,
                function: function.name.clone(),
                result: Err(FleetError::Partial {
                    operation: kind.to_string(),
                    message: format!(
                        "the change stopped unexpectedly ({e}); read the function again to see its state"
                    ),
                }),
                audit_error: None,
            };
            (stopped, None)
        });
        let _ = tx.send(Msg::Applied {
            outcome: Box::new(outcome),
            refreshed: refreshed.map(Box::new),
        });
    });
}
