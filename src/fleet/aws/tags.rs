//! Tags of every function of a region in bulk, through Resource Groups Tagging `GetResources`.

use std::collections::BTreeMap;

use super::budget::{Api, more_pages};
use super::clients::Clients;
use super::errors::classify;
use crate::fleet::FleetError;
use crate::fleet::model::split_function_arn;

/// Function ARN → tags, 100 functions a page.
pub async fn all_function_tags(
    clients: &Clients,
) -> Result<BTreeMap<String, BTreeMap<String, String>>, FleetError> {
    let mut pages = clients
        .tagging
        .get_resources()
        .resource_type_filters("lambda:function")
        .resources_per_page(100)
        .into_paginator()
        .send();
    let mut tags = BTreeMap::new();
    let mut more = true;
    while more
        && let Some(page) = {
            clients.turn(Api::Tagging).await;
            pages.next().await
        }
    {
        let page = page.map_err(|e| classify("tagging", "GetResources", &e))?;
        more = more_pages(page.pagination_token());
        for mapping in page.resource_tag_mapping_list() {
            let Some((arn, None)) = mapping.resource_arn().and_then(split_function_arn) else {
                continue;
            };
            let entry: &mut BTreeMap<String, String> = tags.entry(arn).or_default();
            for t in mapping.tags() {
                entry.insert(t.key().to_owned(), t.value().to_owned());
            }
        }
    }
    Ok(tags)
}
