//! AWS's `ListFunctions` pages: through a proxy that pages as AWS does, a page walk sees every
//! function exactly once in pages of at most 50, each a call of its own, and a marker the proxy
//! never gave is refused as Lambda refuses it.

use std::collections::BTreeMap;

use aws_sdk_lambda::types::FunctionVersion;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::sdk::{EAST, Sdk};
use crate::support::aws_proxy::{AWS_PAGE, ApiClass, AwsProxy, ProxyOptions, Quotas};
use crate::support::emulator::Emulator;
use crate::support::seed::{Seeder, seed_many};

/// 120 functions in us-east-1 (three services of 40; every fourth with a published version),
/// and a proxy in front that pages `ListFunctions` as AWS does.
async fn paged_fleet() -> (Emulator, AwsProxy) {
    let emulator = Emulator::start();
    let role = emulator.create_lambda_role();
    seed_many(&Seeder::new(&emulator, EAST, &role).await, 3, 40, 16).await;
    let options = ProxyOptions::new()
        .quotas(Quotas::unlimited())
        .list_functions_pages(AWS_PAGE);
    let proxy = AwsProxy::start(&emulator.endpoint, options).await;
    (emulator, proxy)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_walk_through_the_proxy_sees_every_function_once_in_pages_of_fifty() {
    let (_emulator, proxy) = paged_fleet().await;
    let sdk = Sdk::new(&proxy, EAST).await;

    let mut pages = sdk.lambda.list_functions().into_paginator().send();
    let mut sizes = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    while let Some(page) = pages.next().await {
        let page = page.expect("a page");
        sizes.push(page.functions().len());
        for f in page.functions() {
            *seen
                .entry(f.function_name().unwrap_or_default().to_owned())
                .or_default() += 1;
        }
    }

    assert_eq!(sizes, [50, 50, 20], "pages of 50, the last one partial");
    assert_eq!(seen.len(), 120, "every function");
    assert!(
        seen.values().all(|&n| n == 1),
        "each exactly once: {seen:?}"
    );
    let expected: Vec<String> = (0..3)
        .flat_map(|s| (0..40).map(move |f| format!("svc{s:03}-prod-fn{f:03}")))
        .collect();
    assert_eq!(seen.keys().cloned().collect::<Vec<_>>(), {
        let mut e = expected;
        e.sort();
        e
    });
    assert_eq!(
        proxy.counts().class(ApiClass::LambdaControl).seen,
        3,
        "each page is a call of its own"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn max_items_shortens_the_pages_and_every_version_is_paged_too() {
    let (_emulator, proxy) = paged_fleet().await;
    let sdk = Sdk::new(&proxy, EAST).await;

    let first = sdk
        .lambda
        .list_functions()
        .max_items(7)
        .send()
        .await
        .expect("a page");
    assert_eq!(first.functions().len(), 7);
    let marker = first.next_marker().expect("a marker to the rest");
    let second = sdk
        .lambda
        .list_functions()
        .max_items(500)
        .marker(marker)
        .send()
        .await
        .expect("the next page");
    assert_eq!(
        second.functions().len(),
        AWS_PAGE,
        "never more than AWS's 50"
    );
    let first_names: Vec<_> = first
        .functions()
        .iter()
        .map(|f| f.function_name())
        .collect();
    assert!(
        second
            .functions()
            .iter()
            .all(|f| !first_names.contains(&f.function_name())),
        "the page after the marker goes on from the first"
    );

    // $LATEST of 120 functions and 30 published versions.
    let mut all = sdk
        .lambda
        .list_functions()
        .function_version(FunctionVersion::All)
        .into_paginator()
        .items()
        .send();
    let mut versions = 0;
    while let Some(f) = all.next().await {
        f.expect("a function version");
        versions += 1;
    }
    assert_eq!(versions, 150);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_marker_the_proxy_never_gave_is_refused_as_lambda_refuses_it() {
    let (_emulator, proxy) = paged_fleet().await;
    let sdk = Sdk::new(&proxy, EAST).await;

    let error = sdk
        .lambda
        .list_functions()
        .marker("not-a-marker")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("InvalidParameterValueException"));
}
