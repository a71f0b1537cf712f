//! Discovery through the AWS SDK against the moto emulator: a seeded two-region fleet comes back
//! grouped into services, with versions, aliases and weights, routes and event sources.

mod support;

use std::collections::BTreeMap;

use mfn_tui::fleet::aws::{AwsFleet, Clients};
use mfn_tui::fleet::grouping::GroupingRules;
use mfn_tui::fleet::{ApiKind, Depth, GroupedBy, Inventory, Target, discover_to_end};
use support::emulator::{ACCOUNT, Emulator};
use support::fleet::{EAST, WEST, seed_fleet};

async fn discover(emulator: &Emulator) -> Inventory {
    let mut clients = Vec::new();
    for region in [EAST, WEST] {
        let config = emulator.sdk_config(region).await;
        clients.push((Target::new(None, region), Clients::from_sdk_config(&config)));
    }
    let fleet = AwsFleet::with_clients(clients, 8);
    let mut inventory = Inventory::new(GroupingRules::default());
    discover_to_end(&fleet, Depth::Complete, &mut inventory).await;
    inventory
}

fn by_name<'a>(inv: &'a Inventory, name: &str) -> &'a mfn_tui::fleet::Function {
    inv.functions()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("{name} was not discovered"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_two_region_fleet_is_discovered_and_grouped_by_the_first_matching_rule() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let inv = discover(&emulator).await;

    assert!(inv.failures().is_empty(), "failures: {:?}", inv.failures());
    assert_eq!(inv.function_count(), 10);
    assert_eq!(inv.accounts(), vec![ACCOUNT]);

    let services: BTreeMap<(String, Option<String>, String), Vec<String>> = inv
        .services()
        .into_iter()
        .map(|s| {
            let names = s
                .function_arns
                .iter()
                .map(|a| inv.function(a).unwrap().name.clone())
                .collect();
            ((s.key.name, s.key.stage, s.key.region), names)
        })
        .collect();
    let key =
        |n: &str, s: Option<&str>, r: &str| (n.to_owned(), s.map(str::to_owned), r.to_owned());
    assert_eq!(
        services[&key("users", Some("dev"), EAST)],
        vec!["users-dev-login", "users-dev-register"]
    );
    assert_eq!(
        services[&key("articles", Some("prod"), EAST)],
        vec!["articles-prod-api"]
    );
    assert_eq!(
        services[&key("orders-app", None, EAST)],
        vec!["orders-app-CreateOrder-1A2B3C"]
    );
    assert_eq!(
        services[&key("comments", Some("staging"), EAST)],
        vec![
            "comments-staging-getComment",
            "comments-staging-getComments"
        ]
    );
    assert_eq!(
        services[&key("(ungrouped)", None, EAST)],
        vec!["legacy-cron"]
    );
    assert_eq!(
        services[&key("users", Some("prod"), WEST)],
        vec!["users-prod-login", "users-prod-register"]
    );
    assert_eq!(
        services[&key("reports", None, WEST)],
        vec!["reports-generator"]
    );
    assert_eq!(services.len(), 7);

    let rule = |n: &str| by_name(&inv, n).placement.grouped_by;
    assert_eq!(rule("users-dev-login"), GroupedBy::Stack);
    assert_eq!(rule("articles-prod-api"), GroupedBy::Tag);
    assert_eq!(rule("orders-app-CreateOrder-1A2B3C"), GroupedBy::Sam);
    assert_eq!(rule("comments-staging-getComment"), GroupedBy::Naming);
    assert_eq!(rule("users-prod-login"), GroupedBy::Naming);
    assert_eq!(rule("legacy-cron"), GroupedBy::Ungrouped);
}

#[tokio::test(flavor = "multi_thread")]
async fn versions_aliases_routes_and_event_sources_reach_their_functions() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let inv = discover(&emulator).await;

    let login = by_name(&inv, "users-dev-login");
    assert_eq!(login.runtime.as_deref(), Some("nodejs20.x"));
    assert_eq!(login.architecture, "arm64");
    assert_eq!(login.memory_mb, 256);
    let versions: Vec<&str> = login.versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(versions, vec!["1", "2"]);
    assert_ne!(login.versions[0].code_sha256, login.versions[1].code_sha256);
    assert_eq!(login.versions[1].description, "faster login");
    assert_eq!(login.aliases.len(), 1);
    let live = &login.aliases[0];
    assert_eq!((live.name.as_str(), live.version.as_str()), ("live", "2"));
    assert_eq!(
        live.weights,
        BTreeMap::from([("1".to_string(), 0.1), ("2".to_string(), 0.9)])
    );
    let routes: Vec<(ApiKind, &str, &str, Option<&str>)> = login
        .routes
        .iter()
        .map(|r| {
            (
                r.kind,
                r.method.as_str(),
                r.path.as_str(),
                r.qualifier.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        routes,
        vec![(ApiKind::Http, "POST", "/login", Some("live"))]
    );

    let api = by_name(&inv, "articles-prod-api");
    let mut routes: Vec<(ApiKind, &str, &str, &str)> = api
        .routes
        .iter()
        .map(|r| (r.kind, r.api.as_str(), r.method.as_str(), r.path.as_str()))
        .collect();
    routes.sort();
    assert_eq!(
        routes,
        vec![
            (ApiKind::Rest, "articles-api", "GET", "/articles"),
            (ApiKind::Rest, "articles-api", "GET", "/articles/{id}"),
        ]
    );
    assert_eq!(api.environment.len(), 2);

    let orders = by_name(&inv, "orders-app-CreateOrder-1A2B3C");
    assert_eq!(orders.event_sources.len(), 1);
    assert!(orders.event_sources[0].source_arn.ends_with(":orders"));
    assert_eq!(orders.event_sources[0].batch_size, Some(10));

    let west_login = by_name(&inv, "users-prod-login");
    assert_eq!(west_login.region, WEST);
    assert_eq!(
        west_login.aliases[0].weights,
        BTreeMap::from([("1".to_string(), 1.0)])
    );
    assert!(by_name(&inv, "legacy-cron").routes.is_empty());
}
