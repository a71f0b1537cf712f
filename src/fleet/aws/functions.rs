//! Lambda: the function list, every published version in one walk, each function's aliases and
//! (when the bulk tag API is not allowed) tags, and event source mappings. Each page is one
//! call of the control plane's budget.

use std::collections::BTreeMap;

use aws_sdk_lambda::types::{AliasConfiguration, FunctionConfiguration, FunctionVersion};

use super::budget::{Api, more_pages};
use super::clients::Clients;
use super::errors::classify;
use crate::fleet::FleetError;
use crate::fleet::model::{
    Alias, EventSource, Function, Secret, Target, Version, VersionState, split_function_arn,
};

/// Walks `ListFunctions` page by page, handing each page to `on_page` as soon as it arrives.
pub async fn walk_functions(
    clients: &Clients,
    target: &Target,
    mut on_page: impl FnMut(Vec<Function>),
) -> Result<(), FleetError> {
    let mut pages = clients.lambda.list_functions().into_paginator().send();
    let mut more = true;
    while more
        && let Some(page) = {
            clients.turn(Api::LambdaControl).await;
            pages.next().await
        }
    {
        let page = page.map_err(|e| classify("lambda", "ListFunctions", &e))?;
        more = more_pages(page.next_marker());
        on_page(
            page.functions()
                .iter()
                .filter_map(|c| to_function(c, target))
                .collect(),
        );
    }
    Ok(())
}

/// Every published version of every function of the region, by unqualified function ARN,
/// oldest first: one walk of `ListFunctions` with `FunctionVersion=ALL`, a page per 50
/// versions, instead of a `ListVersionsByFunction` per function.
pub async fn all_versions(clients: &Clients) -> Result<BTreeMap<String, Vec<Version>>, FleetError> {
    let mut pages = clients
        .lambda
        .list_functions()
        .function_version(FunctionVersion::All)
        .into_paginator()
        .send();
    let mut by_function: BTreeMap<String, Vec<Version>> = BTreeMap::new();
    let mut more = true;
    while more
        && let Some(page) = {
            clients.turn(Api::LambdaControl).await;
            pages.next().await
        }
    {
        let page = page.map_err(|e| classify("lambda", "ListFunctions", &e))?;
        more = more_pages(page.next_marker());
        for c in page.functions() {
            let Some((arn, _)) = c.function_arn().and_then(split_function_arn) else {
                continue;
            };
            let versions = by_function.entry(arn).or_default();
            if c.version().is_some_and(|v| v != "$LATEST") {
                versions.push(to_version(c));
            }
        }
    }
    for versions in by_function.values_mut() {
        versions.sort_by_key(|v| v.version.parse::<u64>().unwrap_or(u64::MAX));
    }
    Ok(by_function)
}

/// The published versions of one function (`$LATEST` left out), oldest first, by name: the
/// emulator answers this call with nothing for an ARN. The clients are the function's own
/// target's, so the name is that account's function.
pub async fn versions(clients: &Clients, function_name: &str) -> Result<Vec<Version>, FleetError> {
    let mut pages = clients
        .lambda
        .list_versions_by_function()
        .function_name(function_name)
        .into_paginator()
        .send();
    let mut versions = Vec::new();
    let mut more = true;
    while more
        && let Some(page) = {
            clients.turn(Api::LambdaControl).await;
            pages.next().await
        }
    {
        let page = page.map_err(|e| classify("lambda", "ListVersionsByFunction", &e))?;
        more = more_pages(page.next_marker());
        versions.extend(
            page.versions()
                .iter()
                .filter(|v| v.version() != Some("$LATEST"))
                .map(to_version),
        );
    }
    versions.sort_by_key(|v| v.version.parse::<u64>().unwrap_or(u64::MAX));
    Ok(versions)
}

/// The aliases of one function, by name (the emulator answers this call only for a name).
pub async fn aliases(clients: &Clients, function_name: &str) -> Result<Vec<Alias>, FleetError> {
    let mut pages = clients
        .lambda
        .list_aliases()
        .function_name(function_name)
        .into_paginator()
        .send();
    let mut aliases = Vec::new();
    let mut more = true;
    while more
        && let Some(page) = {
            clients.turn(Api::LambdaControl).await;
            pages.next().await
        }
    {
        let page = page.map_err(|e| classify("lambda", "ListAliases", &e))?;
        more = more_pages(page.next_marker());
        aliases.extend(page.aliases().iter().map(to_alias));
    }
    aliases.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(aliases)
}

/// One function of `target` by name, with its tags, versions and aliases; `None` if there is
/// no such function. `GetFunction` answers with the whole configuration (environment
/// included), as `ListFunctions` does.
pub async fn one(
    clients: &Clients,
    target: &Target,
    name: &str,
) -> Result<Option<Function>, FleetError> {
    clients.turn(Api::LambdaGetFunction).await;
    let out = match clients
        .lambda
        .get_function()
        .function_name(name)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(classify("lambda", "GetFunction", &e)),
    };
    let Some(mut f) = out.configuration().and_then(|c| to_function(c, target)) else {
        return Ok(None);
    };
    if let Some(tags) = out.tags() {
        f.tags = tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    }
    f.versions = versions(clients, &f.name).await?;
    f.aliases = aliases(clients, &f.name).await?;
    Ok(Some(f))
}

/// The tags of one function, for when the bulk tagging API is not allowed.
pub async fn tags(
    clients: &Clients,
    function_arn: &str,
) -> Result<BTreeMap<String, String>, FleetError> {
    clients.turn(Api::LambdaControl).await;
    let out = clients
        .lambda
        .list_tags()
        .resource(function_arn)
        .send()
        .await
        .map_err(|e| classify("lambda", "ListTags", &e))?;
    Ok(out
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default())
}

/// Every event source mapping of the region, with the (unqualified) function ARN it feeds.
pub async fn event_sources(clients: &Clients) -> Result<Vec<(String, EventSource)>, FleetError> {
    let mut pages = clients
        .lambda
        .list_event_source_mappings()
        .into_paginator()
        .send();
    let mut mappings = Vec::new();
    let mut more = true;
    while more
        && let Some(page) = {
            clients.turn(Api::LambdaControl).await;
            pages.next().await
        }
    {
        let page = page.map_err(|e| classify("lambda", "ListEventSourceMappings", &e))?;
        more = more_pages(page.next_marker());
        for m in page.event_source_mappings() {
            let Some((arn, _)) = m.function_arn().and_then(split_function_arn) else {
                continue;
            };
            mappings.push((
                arn,
                EventSource {
                    uuid: m.uuid().unwrap_or_default().to_owned(),
                    source_arn: m.event_source_arn().unwrap_or_default().to_owned(),
                    state: m.state().unwrap_or_default().to_owned(),
                    batch_size: m.batch_size(),
                },
            ));
        }
    }
    Ok(mappings)
}

/// A function as Lambda describes it, found through `target`.
pub(super) fn to_function(c: &FunctionConfiguration, target: &Target) -> Option<Function> {
    let name = c.function_name()?;
    let arn = c.function_arn()?;
    let arn = split_function_arn(arn)
        .map(|(base, _)| base)
        .unwrap_or_else(|| arn.to_owned());
    let mut f = Function::new(name, &arn, &target.region);
    f.target = target.clone();
    f.runtime = c.runtime().map(|r| r.as_str().to_owned());
    if let Some(arch) = c.architectures().first() {
        f.architecture = arch.as_str().to_owned();
    }
    f.handler = c.handler().map(str::to_owned);
    f.memory_mb = c
        .memory_size()
        .and_then(|m| u32::try_from(m).ok())
        .unwrap_or(128);
    f.timeout_s = c.timeout().and_then(|t| u32::try_from(t).ok()).unwrap_or(3);
    if let Some(size) = c
        .ephemeral_storage()
        .and_then(|e| u32::try_from(e.size()).ok())
    {
        f.ephemeral_storage_mb = size;
    }
    f.code_sha256 = c.code_sha256().unwrap_or_default().to_owned();
    f.code_size = c.code_size();
    f.last_modified = c.last_modified().unwrap_or_default().to_owned();
    f.description = c.description().unwrap_or_default().to_owned();
    if let Some(group) = c.logging_config().and_then(|l| l.log_group()) {
        f.log_group = group.to_owned();
    }
    if let Some(vars) = c.environment().and_then(|e| e.variables()) {
        f.environment = vars
            .iter()
            .map(|(k, v)| (k.clone(), Secret::new(v.clone())))
            .collect();
    }
    Some(f)
}

fn to_version(c: &FunctionConfiguration) -> Version {
    Version {
        version: c.version().unwrap_or_default().to_owned(),
        code_sha256: c.code_sha256().unwrap_or_default().to_owned(),
        last_modified: c.last_modified().unwrap_or_default().to_owned(),
        description: c.description().unwrap_or_default().to_owned(),
        state: VersionState::from_lambda(c.state().map(|s| s.as_str())),
    }
}

fn to_alias(a: &AliasConfiguration) -> Alias {
    let primary = a.function_version().unwrap_or_default().to_owned();
    let mut weights: BTreeMap<String, f64> = a
        .routing_config()
        .and_then(|r| r.additional_version_weights())
        .map(|w| w.iter().map(|(v, w)| (v.clone(), *w)).collect())
        .unwrap_or_default();
    let others: f64 = weights.values().sum();
    weights.insert(primary.clone(), round_share(1.0 - others));
    Alias {
        name: a.name().unwrap_or_default().to_owned(),
        version: primary,
        weights,
        description: a.description().unwrap_or_default().to_owned(),
    }
}

/// 1 − 0.1 is 0.9 to an operator, not 0.9000000000000000222.
fn round_share(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
