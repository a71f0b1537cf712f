//! Lambda: the function list, each function's versions, aliases and (when the bulk tag API is
//! not allowed) tags, and event source mappings.

use std::collections::BTreeMap;

use aws_sdk_lambda::types::{AliasConfiguration, FunctionConfiguration};

use super::errors::classify;
use crate::fleet::FleetError;
use crate::fleet::model::{Alias, EventSource, Function, Secret, Version, split_function_arn};

/// Walks `ListFunctions` page by page, handing each page to `on_page` as soon as it arrives.
pub async fn walk_functions(
    lambda: &aws_sdk_lambda::Client,
    region: &str,
    mut on_page: impl FnMut(Vec<Function>),
) -> Result<(), FleetError> {
    let mut pages = lambda.list_functions().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("lambda", "ListFunctions", &e))?;
        on_page(
            page.functions()
                .iter()
                .filter_map(|c| to_function(c, region))
                .collect(),
        );
    }
    Ok(())
}

/// The published versions of one function (`$LATEST` left out), oldest first.
pub async fn versions(
    lambda: &aws_sdk_lambda::Client,
    function_name: &str,
) -> Result<Vec<Version>, FleetError> {
    let mut pages = lambda
        .list_versions_by_function()
        .function_name(function_name)
        .into_paginator()
        .send();
    let mut versions = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("lambda", "ListVersionsByFunction", &e))?;
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

/// The aliases of one function, by name.
pub async fn aliases(
    lambda: &aws_sdk_lambda::Client,
    function_name: &str,
) -> Result<Vec<Alias>, FleetError> {
    let mut pages = lambda
        .list_aliases()
        .function_name(function_name)
        .into_paginator()
        .send();
    let mut aliases = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("lambda", "ListAliases", &e))?;
        aliases.extend(page.aliases().iter().map(to_alias));
    }
    aliases.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(aliases)
}

/// One function by name, with its versions and aliases; `None` if there is no such function.
pub async fn one(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    region: &str,
) -> Result<Option<Function>, FleetError> {
    let config = match lambda
        .get_function_configuration()
        .function_name(name)
        .send()
        .await
    {
        Ok(c) => c,
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(classify("lambda", "GetFunctionConfiguration", &e)),
    };
    let c = FunctionConfiguration::builder()
        .set_function_name(config.function_name().map(str::to_owned))
        .set_function_arn(config.function_arn().map(str::to_owned))
        .set_runtime(config.runtime().cloned())
        .set_architectures(Some(config.architectures().to_vec()))
        .set_handler(config.handler().map(str::to_owned))
        .set_memory_size(config.memory_size())
        .set_timeout(config.timeout())
        .set_ephemeral_storage(config.ephemeral_storage().cloned())
        .set_code_sha256(config.code_sha256().map(str::to_owned))
        .code_size(config.code_size())
        .set_last_modified(config.last_modified().map(str::to_owned))
        .set_description(config.description().map(str::to_owned))
        .set_logging_config(config.logging_config().cloned())
        .build();
    let Some(mut f) = to_function(&c, region) else {
        return Ok(None);
    };
    f.versions = versions(lambda, name).await?;
    f.aliases = aliases(lambda, name).await?;
    Ok(Some(f))
}

/// The tags of one function, for when the bulk tagging API is not allowed.
pub async fn tags(
    lambda: &aws_sdk_lambda::Client,
    function_arn: &str,
) -> Result<BTreeMap<String, String>, FleetError> {
    let out = lambda
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
pub async fn event_sources(
    lambda: &aws_sdk_lambda::Client,
) -> Result<Vec<(String, EventSource)>, FleetError> {
    let mut pages = lambda.list_event_source_mappings().into_paginator().send();
    let mut mappings = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("lambda", "ListEventSourceMappings", &e))?;
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

fn to_function(c: &FunctionConfiguration, region: &str) -> Option<Function> {
    let name = c.function_name()?;
    let arn = c.function_arn()?;
    let arn = split_function_arn(arn)
        .map(|(base, _)| base)
        .unwrap_or_else(|| arn.to_owned());
    let mut f = Function::new(name, &arn, region);
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
