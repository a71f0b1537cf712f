//! How findings merge into the inventory, in any order, and how a target discovered again keeps
//! what it showed until it is finished.

use super::*;
use crate::fleet::model::{ApiKind, GroupedBy};

fn target() -> Target {
    Target::new(None, "eu-west-1")
}

fn function(name: &str) -> Function {
    Function::new(
        name,
        &format!("arn:aws:lambda:eu-west-1:123456789012:function:{name}"),
        "eu-west-1",
    )
}

#[test]
fn a_function_read_again_keeps_its_tags_and_takes_its_new_code() {
    let mut inv = Inventory::new(GroupingRules::default());
    let f = function("legacy-cron");
    inv.apply(DiscoveryEvent::Functions {
        target: target(),
        functions: vec![f.clone()],
    });
    let tags = BTreeMap::from([("mfn:service".to_string(), "billing".to_string())]);
    inv.apply(DiscoveryEvent::Tags {
        target: target(),
        tags: BTreeMap::from([(f.arn.clone(), tags.clone())]),
    });
    let mut again = f.clone();
    again.code_sha256 = "NEW".into();
    again.versions = vec![crate::fleet::Version {
        version: "1".into(),
        code_sha256: "OLD".into(),
        last_modified: String::new(),
        description: String::new(),
        state: crate::fleet::VersionState::Active,
    }];
    inv.refresh(again);
    let now = inv.function(&f.arn).unwrap();
    assert_eq!(now.code_sha256, "NEW");
    assert_eq!(now.versions.len(), 1);
    assert_eq!(now.tags, tags, "tags stay");
    assert_eq!(now.placement.service, "billing", "still placed by its tag");
    inv.refresh(function("stranger"));
    assert!(inv.function(&function("stranger").arn).is_none());
}

#[test]
fn routes_that_arrive_before_their_function_are_kept_for_it() {
    let mut inv = Inventory::new(GroupingRules::default());
    inv.apply(DiscoveryEvent::Started(target()));
    let f = function("users-dev-login");
    let route = Route {
        api: "users".into(),
        api_id: "a1".into(),
        kind: ApiKind::Http,
        method: "POST".into(),
        path: "/login".into(),
        qualifier: None,
    };
    inv.apply(DiscoveryEvent::Routes {
        target: target(),
        routes: vec![(f.arn.clone(), route.clone())],
    });
    inv.apply(DiscoveryEvent::Functions {
        target: target(),
        functions: vec![f.clone()],
    });
    assert_eq!(inv.function(&f.arn).unwrap().routes, vec![route]);
}

#[test]
fn tags_regroup_a_function_already_placed_by_its_name() {
    let mut inv = Inventory::new(GroupingRules::default());
    let f = function("users-dev-login");
    inv.apply(DiscoveryEvent::Functions {
        target: target(),
        functions: vec![f.clone()],
    });
    assert_eq!(
        inv.function(&f.arn).unwrap().placement.grouped_by,
        GroupedBy::Naming
    );
    let tags = BTreeMap::from([(
        f.arn.clone(),
        BTreeMap::from([("mfn:service".to_string(), "identity".to_string())]),
    )]);
    inv.apply(DiscoveryEvent::Tags {
        target: target(),
        tags,
    });
    let services = inv.services();
    assert_eq!(services.len(), 1);
    assert_eq!(services[0].key.name, "identity");
}

fn found(inv: &mut Inventory, names: &[&str]) {
    inv.apply(DiscoveryEvent::Functions {
        target: target(),
        functions: names.iter().map(|n| function(n)).collect(),
    });
}

fn names(inv: &Inventory) -> Vec<String> {
    inv.functions().map(|f| f.name.clone()).collect()
}

#[test]
fn a_target_discovered_again_shows_what_it_had_until_it_is_finished() {
    let mut inv = Inventory::new(GroupingRules::default());
    found(&mut inv, &["a-dev-x", "a-dev-y"]);
    inv.apply(DiscoveryEvent::Finished(target()));
    inv.apply(DiscoveryEvent::Started(target()));
    assert!(inv.revalidating(&target()));
    assert_eq!(inv.pending_targets(), 1);
    assert_eq!(
        names(&inv),
        vec!["a-dev-x", "a-dev-y"],
        "nothing blanks meanwhile"
    );
    found(&mut inv, &["a-dev-y", "a-dev-z"]);
    assert_eq!(names(&inv).len(), 3);
    inv.apply(DiscoveryEvent::Finished(target()));
    assert_eq!(
        names(&inv),
        vec!["a-dev-y", "a-dev-z"],
        "what was not found again is gone"
    );
    assert!(!inv.revalidating(&target()));
}

#[test]
fn a_function_list_that_failed_again_forgets_nothing() {
    let mut inv = Inventory::new(GroupingRules::default());
    found(&mut inv, &["a-dev-x"]);
    inv.apply(DiscoveryEvent::Started(target()));
    inv.apply(DiscoveryEvent::Failed {
        target: target(),
        scope: LIST_FUNCTIONS.into(),
        error: FleetError::Throttled {
            service: "lambda".into(),
            operation: "ListFunctions".into(),
            budget: None,
        },
    });
    inv.apply(DiscoveryEvent::Finished(target()));
    assert_eq!(names(&inv), vec!["a-dev-x"], "stale, but not lost");
}
