//! The operations of the [`Fleet`](crate::fleet::Fleet) trait on a local function: invoke (and
//! wait, queue, or only check), deploy the working directory, move an alias — each change only
//! if the alias still points where the plan saw it.

use hyper::body::Bytes;

use crate::fleet::change::describe;
use crate::fleet::{
    AliasChange, AliasTarget, FleetError, InvocationType, InvokeRequest, InvokeResult, Step,
    StepSink,
};

use super::fleet::{InvokeError, LocalFleet};
use super::pool::Refused;
use super::store::StoredAlias;
use super::versions::AliasMove;

pub async fn invoke(
    fleet: &LocalFleet,
    name: &str,
    request: InvokeRequest,
) -> Result<InvokeResult, FleetError> {
    let f = fleet
        .functions
        .get(name)
        .ok_or_else(|| refusal(InvokeError::UnknownFunction(name.to_owned())))?;
    let qualifier = request.qualifier.as_deref();
    match request.kind {
        InvocationType::DryRun => {
            fleet.resolve(f, qualifier).map_err(refusal)?;
            Ok(empty(204))
        }
        InvocationType::Event => {
            // Accepted now, run in the background like Lambda's async queue would.
            fleet.resolve(f, qualifier).map_err(refusal)?;
            let (fleet, name) = (fleet.handle(), name.to_owned());
            let qualifier = request.qualifier.clone();
            let payload = Bytes::from(request.payload);
            tokio::spawn(async move {
                if let Some(fleet) = fleet.upgrade()
                    && let Err(e) = fleet.call(&name, qualifier.as_deref(), payload).await
                {
                    tracing::warn!(function = %name, error = %e, "a queued invocation failed");
                }
            });
            Ok(empty(202))
        }
        InvocationType::RequestResponse => {
            let outcome = fleet
                .call(name, qualifier, Bytes::from(request.payload))
                .await
                .map_err(refusal)?;
            Ok(InvokeResult {
                status: 200,
                function_error: outcome.function_error,
                payload: outcome.payload.to_vec(),
                log_tail: outcome.log,
                executed_version: Some(outcome.executed_version),
            })
        }
    }
}

fn empty(status: u16) -> InvokeResult {
    InvokeResult {
        status,
        function_error: None,
        payload: Vec::new(),
        log_tail: Vec::new(),
        executed_version: None,
    }
}

fn refusal(e: InvokeError) -> FleetError {
    match e {
        InvokeError::Refused(Refused::Throttled { .. }) => FleetError::Throttled {
            service: "lambda".into(),
            operation: format!("Invoke ({e})"),
            budget: None,
        },
        InvokeError::Store(m) => FleetError::Config(m),
        other => FleetError::Service {
            operation: "Invoke".into(),
            message: other.to_string(),
        },
    }
}

/// Publishes the working directory and moves `alias` (still where the plan saw it: `expect`)
/// to it, each step sent as it starts.
pub async fn deploy(
    fleet: &LocalFleet,
    name: &str,
    alias: &str,
    expect: Option<&AliasTarget>,
    steps: &StepSink,
) -> Result<AliasChange, FleetError> {
    let _ = steps.send(Step::Reading);
    unmoved(fleet, name, alias, expect)?;
    let _ = steps.send(Step::Publishing);
    let version = fleet
        .publish(name, "deployed by mfn-tui")
        .await
        .map_err(|message| service("Deploy", message))?;
    let _ = steps.send(Step::MovingAlias {
        alias: alias.to_owned(),
        version: version.version.to_string(),
    });
    let moved = fleet
        .set_alias(name, alias, version.version, None)
        .map_err(|message| {
            FleetError::Partial {
                operation: "Deploy".into(),
                message: format!(
                    "{message}; version {} is published with the working directory, and the alias {alias} is unchanged",
                    version.version
                ),
            }
        })?;
    change(fleet, name, moved, true)
}

/// Moves the alias from `from` (where the plan saw it) to `to`.
pub fn route_alias(
    fleet: &LocalFleet,
    name: &str,
    from: &AliasTarget,
    to: AliasTarget,
) -> Result<AliasChange, FleetError> {
    unmoved(fleet, name, &to.alias, Some(from))?;
    let AliasTarget {
        alias,
        version,
        additional,
    } = to;
    let number = |v: &str| {
        v.parse::<u32>()
            .map_err(|_| service("UpdateAlias", format!("`{v}` is not a version number")))
    };
    let extra = match additional {
        Some((v, w)) => Some((number(&v)?, w)),
        None => None,
    };
    let moved = fleet
        .set_alias(name, &alias, number(&version)?, extra)
        .map_err(|message| service("UpdateAlias", message))?;
    change(fleet, name, moved, false)
}

/// Refuses a change to `alias` when it no longer points where the plan saw it (`None`: it did
/// not exist).
fn unmoved(
    fleet: &LocalFleet,
    name: &str,
    alias: &str,
    expect: Option<&AliasTarget>,
) -> Result<(), FleetError> {
    let now = fleet
        .store
        .aliases(name)
        .map_err(FleetError::Config)?
        .iter()
        .find(|a| a.name == alias)
        .map(target);
    if now.as_ref() == expect {
        return Ok(());
    }
    Err(service(
        "UpdateAlias",
        format!(
            "alias {alias} of {name} moved since the plan was made (it points at {}, the plan saw {}); read it again",
            now.as_ref().map_or("nothing".to_owned(), describe),
            expect.map_or("nothing".to_owned(), describe)
        ),
    ))
}

fn target(a: &StoredAlias) -> AliasTarget {
    AliasTarget {
        alias: a.name.clone(),
        version: a.version.to_string(),
        additional: a.additional.map(|(v, w)| (v.to_string(), w)),
    }
}

fn service(operation: &str, message: String) -> FleetError {
    FleetError::Service {
        operation: operation.into(),
        message,
    }
}

/// An alias move in the trait's terms, with the code each side runs.
fn change(
    fleet: &LocalFleet,
    name: &str,
    moved: AliasMove,
    published: bool,
) -> Result<AliasChange, FleetError> {
    let versions = fleet.store.versions(name).map_err(FleetError::Config)?;
    let code = |a: &StoredAlias| {
        versions
            .iter()
            .find(|v| v.version == a.version)
            .map(|v| v.code_sha256.clone())
    };
    Ok(AliasChange {
        function: name.to_owned(),
        before: moved.before.as_ref().map(target),
        after: target(&moved.after),
        published: published.then(|| moved.after.version.to_string()),
        code_before: moved.before.as_ref().and_then(code),
        code_after: code(&moved.after),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::local::pool::Limit;

    #[test]
    fn a_throttled_invocation_is_a_throttled_fleet_error() {
        for by in [Limit::Reserved, Limit::Fleet] {
            let e = refusal(InvokeError::Refused(Refused::Throttled { limit: 2, by }));
            assert!(matches!(e, FleetError::Throttled { .. }), "{e:?}");
        }
        let e = refusal(InvokeError::UnknownFunction("x".into()));
        assert!(e.to_string().contains("no function `x`"), "{e}");
    }
}
