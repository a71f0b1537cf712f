//! A straightforward discovery client for benchmarks to compare with: the same calls as
//! mfn-tui's discovery, one at a time.

use mfn_tui::fleet::aws::Clients;

/// The same calls as discovery, one at a time; returns the functions found.
pub async fn sequential_client(c: &Clients) -> usize {
    c.sts.get_caller_identity().send().await.expect("sts");
    let mut names = Vec::new();
    let mut pages = c.lambda.list_functions().into_paginator().send();
    while let Some(page) = pages.next().await {
        for f in page.expect("ListFunctions").functions() {
            names.push(f.function_name().unwrap().to_owned());
        }
    }
    let mut tags = c
        .tagging
        .get_resources()
        .resource_type_filters("lambda:function")
        .resources_per_page(100)
        .into_paginator()
        .send();
    while let Some(page) = tags.next().await {
        page.expect("GetResources");
    }
    for name in &names {
        c.lambda
            .list_aliases()
            .function_name(name)
            .send()
            .await
            .expect("ListAliases");
        c.lambda
            .list_versions_by_function()
            .function_name(name)
            .send()
            .await
            .expect("ListVersionsByFunction");
    }
    c.rest.get_rest_apis().send().await.expect("GetRestApis");
    c.http.get_apis().send().await.expect("GetApis");
    c.lambda
        .list_event_source_mappings()
        .send()
        .await
        .expect("ESM");
    names.len()
}
