//! Moving an alias on AWS: read it (with its `RevisionId`), pick the version, and update it
//! guarded by that revision, so a concurrent change gives a clear conflict and nothing moves.

use aws_sdk_lambda::operation::get_alias::GetAliasOutput;
use aws_sdk_lambda::types::AliasRoutingConfiguration;

use super::errors::classify;
use super::functions::versions;
use crate::fleet::operations::{AliasChange, AliasTarget};
use crate::fleet::{FleetError, Function, Version};

fn target(c: &GetAliasOutput) -> AliasTarget {
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

fn code_of(versions: &[Version], version: &str) -> Option<String> {
    versions
        .iter()
        .find(|v| v.version == version)
        .map(|v| v.code_sha256.clone())
}

/// The alias as it is now (with its revision), and the function's published versions.
async fn read_alias(
    lambda: &aws_sdk_lambda::Client,
    function: &Function,
    alias: &str,
) -> Result<(GetAliasOutput, Vec<Version>), FleetError> {
    let current = lambda
        .get_alias()
        .function_name(&function.name)
        .name(alias)
        .send()
        .await
        .map_err(|e| classify("lambda", "GetAlias", &e))?;
    Ok((current, versions(lambda, &function.name).await?))
}

/// Points `alias` at `to`, or at the newest published version older than its current one.
pub async fn rollback(
    lambda: &aws_sdk_lambda::Client,
    function: &Function,
    alias: &str,
    to: Option<String>,
) -> Result<AliasChange, FleetError> {
    let (current, published) = read_alias(lambda, function, alias).await?;
    let before = target(&current);
    let number = |v: &str| v.parse::<u64>().ok();
    let to = match to {
        Some(v) => {
            if !published.iter().any(|p| p.version == v) {
                return Err(FleetError::Service {
                    operation: "Rollback".into(),
                    message: format!("`{}` has no published version {v}", function.name),
                });
            }
            v
        }
        None => {
            let now = number(&before.version).ok_or_else(|| FleetError::Service {
                operation: "Rollback".into(),
                message: format!(
                    "`{alias}` points at {}, not a published version",
                    before.version
                ),
            })?;
            published
                .iter()
                .filter_map(|v| number(&v.version).filter(|n| *n < now))
                .max()
                .map(|n| n.to_string())
                .ok_or_else(|| FleetError::Service {
                    operation: "Rollback".into(),
                    message: format!(
                        "`{alias}` points at version {now}, the oldest there is: nothing to roll back to"
                    ),
                })?
        }
    };
    move_alias(lambda, function, alias, &current, &published, to, None).await
}

/// Points `alias` at `version` with an optional weighted second version, guarded by the alias's
/// revision.
pub async fn route(
    lambda: &aws_sdk_lambda::Client,
    function: &Function,
    alias: &str,
    version: String,
    additional: Option<(String, f64)>,
) -> Result<AliasChange, FleetError> {
    let (current, published) = read_alias(lambda, function, alias).await?;
    for v in std::iter::once(&version).chain(additional.as_ref().map(|a| &a.0)) {
        if !published.iter().any(|p| &p.version == v) {
            return Err(FleetError::Service {
                operation: "UpdateAlias".into(),
                message: format!("`{}` has no published version {v}", function.name),
            });
        }
    }
    move_alias(
        lambda, function, alias, &current, &published, version, additional,
    )
    .await
}

/// Updates `alias` (read as `current`) to `version` and `additional`, under the revision it was
/// read at: a concurrent change is a clear conflict and nothing moves. A move with no second
/// version drops a canary's.
async fn move_alias(
    lambda: &aws_sdk_lambda::Client,
    function: &Function,
    alias: &str,
    current: &GetAliasOutput,
    published: &[Version],
    version: String,
    additional: Option<(String, f64)>,
) -> Result<AliasChange, FleetError> {
    let mut routing = AliasRoutingConfiguration::builder();
    if let Some((v, w)) = &additional {
        routing = routing.additional_version_weights(v, *w);
    }
    lambda
        .update_alias()
        .function_name(&function.name)
        .name(alias)
        .function_version(&version)
        .routing_config(routing.build())
        .set_revision_id(current.revision_id().map(str::to_owned))
        .send()
        .await
        .map_err(|e| {
            let conflict = e
                .as_service_error()
                .is_some_and(|s| s.is_precondition_failed_exception());
            if conflict {
                FleetError::Service {
                    operation: "UpdateAlias".into(),
                    message: format!(
                        "`{alias}` of {} changed since it was read (revision conflict); read it again",
                        function.name
                    ),
                }
            } else {
                classify("lambda", "UpdateAlias", &e)
            }
        })?;
    let before = target(current);
    Ok(AliasChange {
        function: function.name.clone(),
        code_before: code_of(published, &before.version),
        code_after: code_of(published, &version),
        before: Some(before),
        after: AliasTarget {
            alias: alias.to_owned(),
            version,
            additional,
        },
        published: None,
    })
}
