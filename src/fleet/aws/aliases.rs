//! Moving an alias on AWS: read it (with its `RevisionId`) by the function's ARN, check it still
//! points where the plan saw it and that every version it is to run is published and `Active`,
//! then update it guarded by that revision: a concurrent change is a clear conflict and nothing
//! moves.

use aws_sdk_lambda::operation::get_alias::GetAliasOutput;
use aws_sdk_lambda::types::AliasRoutingConfiguration;

use super::budget::Api;
use super::clients::Clients;
use super::errors::{classify, failed};
use super::functions::versions;
use super::owner::same_function;
use crate::fleet::change::describe;
use crate::fleet::{AliasChange, AliasTarget, FleetError, Function, Version, VersionState};

/// Where an alias, as read, points.
pub(super) fn target(c: &GetAliasOutput) -> AliasTarget {
    AliasTarget {
        alias: c.name().unwrap_or_default().to_owned(),
        version: c.function_version().unwrap_or_default().to_owned(),
        additional: c
            .routing_config()
            .and_then(|r| r.additional_version_weights())
            .and_then(|w| w.iter().next())
            .map(|(v, w)| (v.clone(), *w)),
    }
}

/// Whether two readings of an alias point the same way (shares compared to a millionth).
pub(super) fn same_target(a: Option<&AliasTarget>, b: Option<&AliasTarget>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.alias == b.alias
                && a.version == b.version
                && match (&a.additional, &b.additional) {
                    (None, None) => true,
                    (Some((va, wa)), Some((vb, wb))) => va == vb && (wa - wb).abs() < 1e-6,
                    _ => false,
                }
        }
        _ => false,
    }
}

/// The alias as it is now, with its revision (`None`: there is no such alias).
pub(super) async fn read_alias(
    clients: &Clients,
    function: &Function,
    alias: &str,
) -> Result<Option<GetAliasOutput>, FleetError> {
    clients.turn(Api::LambdaControl).await;
    match clients
        .lambda
        .get_alias()
        .function_name(&function.arn)
        .name(alias)
        .send()
        .await
    {
        Ok(a) => {
            same_function(function, a.alias_arn())?;
            Ok(Some(a))
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(classify("lambda", "GetAlias", &e)),
    }
}

fn code_of(versions: &[Version], version: &str) -> Option<String> {
    versions
        .iter()
        .find(|v| v.version == version)
        .map(|v| v.code_sha256.clone())
}

/// Points the alias from `from` (where the plan saw it) to `to`, guarded by its revision.
pub async fn route(
    clients: &Clients,
    function: &Function,
    from: &AliasTarget,
    to: AliasTarget,
) -> Result<AliasChange, FleetError> {
    let name = &function.name;
    let alias = to.alias.as_str();
    let current = read_alias(clients, function, alias).await?.ok_or_else(|| {
        failed(
            "GetAlias",
            format!("{name} has no alias `{alias}` any more"),
        )
    })?;
    let now = target(&current);
    if !same_target(Some(&now), Some(from)) {
        return Err(failed(
            "GetAlias",
            format!(
                "alias {alias} of {name} moved since the plan was made (it points at {}, the plan saw {}); read it again",
                describe(&now),
                describe(from)
            ),
        ));
    }
    let published = versions(clients, name).await?;
    for v in std::iter::once(&to.version).chain(to.additional.as_ref().map(|a| &a.0)) {
        match published.iter().find(|p| &p.version == v) {
            None => {
                return Err(failed(
                    "UpdateAlias",
                    format!("{name} has no published version {v}"),
                ));
            }
            Some(p) if !matches!(p.state, VersionState::Active | VersionState::Unknown) => {
                return Err(failed(
                    "UpdateAlias",
                    format!(
                        "version {v} of {name} is {}, not Active: the alias would fail its invocations",
                        p.state
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    let mut routing = AliasRoutingConfiguration::builder();
    if let Some((v, w)) = &to.additional {
        routing = routing.additional_version_weights(v, *w);
    }
    clients.turn(Api::LambdaControl).await;
    let moved = clients
        .lambda
        .update_alias()
        .function_name(&function.arn)
        .name(alias)
        .function_version(&to.version)
        .routing_config(routing.build())
        .set_revision_id(current.revision_id().map(str::to_owned))
        .send()
        .await;
    if let Err(e) = moved {
        let conflict = e
            .as_service_error()
            .is_some_and(|s| s.is_precondition_failed_exception());
        // A retry of ours may have found the alias already moved by its first attempt.
        let ours = conflict
            && read_alias(clients, function, alias)
                .await
                .ok()
                .flatten()
                .is_some_and(|a| same_target(Some(&target(&a)), Some(&to)));
        if !ours {
            return Err(if conflict {
                failed(
                    "UpdateAlias",
                    format!(
                        "`{alias}` of {name} changed since it was read (revision conflict); read it again"
                    ),
                )
            } else {
                classify("lambda", "UpdateAlias", &e)
            });
        }
    }
    Ok(AliasChange {
        function: name.clone(),
        code_before: code_of(&published, &now.version),
        code_after: code_of(&published, &to.version),
        before: Some(now),
        after: to,
        published: None,
    })
}
