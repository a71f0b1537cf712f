//! Versions, aliases, deploy and rollback of a local function, with AWS's semantics, through
//! real invocations: a deploy changes what the alias runs, a rollback restores it, nothing is
//! deleted, and it all survives reopening the state.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mfn_tui::fleet::local::LocalFleet;

fn copy_fixture(name: &str) -> (PathBuf, PathBuf) {
    let root = std::env::temp_dir().join(format!("mfn-tui-versions-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    (support::local::greeter(&root), root.join("state"))
}

fn open(services: &Path, state: &Path) -> Arc<LocalFleet> {
    LocalFleet::open(support::local::options(Some(services), state)).unwrap()
}

async fn answer(fleet: &LocalFleet, qualifier: Option<&str>) -> String {
    let outcome = fleet
        .call("greeter-dev-hello", qualifier, "{}".into())
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&outcome.payload).unwrap();
    v["answer"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_moves_the_alias_and_rollback_restores_the_previous_behaviour() {
    let (services, state) = copy_fixture("deploy");
    let fleet = open(&services, &state);
    let f = "greeter-dev-hello";
    let v1 = fleet.publish(f, "first").await.unwrap();
    assert_eq!(v1.version, 1);
    assert_eq!(
        fleet.publish(f, "again").await.unwrap(),
        v1,
        "unchanged code publishes nothing new"
    );
    fleet.set_alias(f, "live", 1, None).unwrap();
    assert_eq!(answer(&fleet, Some("live")).await, "v1");

    support::local::set_answer(&services, "v2");
    assert_eq!(
        answer(&fleet, None).await,
        "v2",
        "$LATEST runs the working directory"
    );
    assert_eq!(
        answer(&fleet, Some("live")).await,
        "v1",
        "the alias is untouched"
    );
    let moved = support::local::deploy(&fleet, f, "live").await;
    assert_eq!(
        (moved.before.unwrap().version, moved.after.version),
        ("1".to_string(), "2".to_string())
    );
    assert_eq!(answer(&fleet, Some("live")).await, "v2");
    assert_ne!(
        fleet.store.versions(f).unwrap()[1].code_sha256,
        v1.code_sha256
    );

    let back = fleet.rollback(f, "live", None).unwrap();
    assert_eq!(back.after.version, 1);
    assert_eq!(answer(&fleet, Some("live")).await, "v1");
    assert_eq!(
        answer(&fleet, Some("2")).await,
        "v2",
        "no rollback deletes a version"
    );
    let e = fleet.rollback(f, "live", None).unwrap_err();
    assert!(e.contains("nothing to roll back to"), "{e}");
    fleet.shutdown().await;
    drop(fleet);

    // Reopened: the versions and the alias are as they were left.
    let again = open(&services, &state);
    assert_eq!(again.store.alias(f, "live").unwrap().unwrap().version, 1);
    assert_eq!(again.store.versions(f).unwrap().len(), 2);
    assert_eq!(answer(&again, Some("live")).await, "v1");
    again.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_weighted_alias_splits_traffic_between_two_versions() {
    let (services, state) = copy_fixture("canary");
    let fleet = open(&services, &state);
    let f = "greeter-dev-hello";
    fleet.publish(f, "one").await.unwrap();
    support::local::set_answer(&services, "v2");
    fleet.publish(f, "two").await.unwrap();
    fleet.set_alias(f, "live", 1, Some((2, 0.5))).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..40 {
        seen.insert(answer(&fleet, Some("live")).await);
        if seen.len() == 2 {
            break;
        }
    }
    assert_eq!(seen.len(), 2, "both versions answer: {seen:?}");
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_versions_aliases_and_weights_are_refused_and_change_nothing() {
    let (services, state) = copy_fixture("bad");
    let fleet = open(&services, &state);
    let f = "greeter-dev-hello";
    fleet.publish(f, "one").await.unwrap();
    fleet.set_alias(f, "live", 1, None).unwrap();
    for (result, expected) in [
        (
            fleet.set_alias(f, "live", 7, None),
            "no published version 7",
        ),
        (fleet.set_alias(f, "live", 1, Some((1, 0.5))), "must differ"),
        (fleet.set_alias(f, "7", 1, None), "cannot name an alias"),
        (
            fleet.set_alias("nope", "live", 1, None),
            "no function `nope`",
        ),
        (fleet.rollback(f, "stable", None), "no alias `stable`"),
    ] {
        let e = result.unwrap_err();
        assert!(e.contains(expected), "{e}");
    }
    assert_eq!(fleet.store.alias(f, "live").unwrap().unwrap().version, 1);
    let e = fleet.call(f, Some("9"), "{}".into()).await.unwrap_err();
    assert!(e.to_string().contains("no version or alias `9`"), "{e}");
}
