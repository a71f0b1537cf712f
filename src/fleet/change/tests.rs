//! Every rule of [`plan`], each on the plain function it decides about.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::*;
use crate::fleet::{Alias, Version, VersionState};

fn version(n: &str, state: VersionState) -> Version {
    Version {
        version: n.into(),
        code_sha256: format!("sha-{n}"),
        last_modified: String::new(),
        description: String::new(),
        state,
    }
}

/// `orders-dev-create` with versions 1–3, `$LATEST` running version 3's code, and alias `live`
/// on version 3 (`canary`: with 10% to version 2).
fn function(canary: bool) -> Function {
    let mut f = Function::new(
        "orders-dev-create",
        "arn:aws:lambda:eu-west-1:123456789012:function:orders-dev-create",
        "eu-west-1",
    );
    f.code_sha256 = "sha-3".into();
    f.versions = ["1", "2", "3"]
        .map(|n| version(n, VersionState::Active))
        .to_vec();
    let mut weights = BTreeMap::from([("3".to_string(), 1.0)]);
    if canary {
        weights = BTreeMap::from([("3".to_string(), 0.9), ("2".to_string(), 0.1)]);
    }
    f.aliases = vec![Alias {
        name: "live".into(),
        version: "3".into(),
        weights,
        description: String::new(),
    }];
    f
}

fn safety() -> Safety {
    Safety {
        read_only: false,
        protected_stages: vec!["prod".into()],
        stages: vec!["dev".into(), "prod".into()],
    }
}

fn refused(f: &Function, change: Change) -> String {
    plan(f, change, &safety()).unwrap_err().to_string()
}

fn route(f: &Function, change: Change) -> (AliasTarget, AliasTarget) {
    match plan(f, change, &safety()).unwrap().action {
        Action::Route { from, to } => (from, to),
        other => panic!("not an alias move: {other:?}"),
    }
}

fn rollback_to(to: Option<&str>) -> Change {
    Change::Rollback {
        alias: "live".into(),
        to: to.map(str::to_owned),
    }
}

#[test]
fn read_only_refuses_every_kind_of_change() {
    let f = function(true);
    let read_only = Safety {
        read_only: true,
        ..safety()
    };
    for change in [
        Change::Deploy {
            source: CodeSource::WorkingDirectory,
            alias: "live".into(),
        },
        rollback_to(None),
        Change::Restore { to: None },
        Change::CanaryStart {
            alias: "live".into(),
            version: "1".into(),
            weight: 0.1,
        },
        Change::CanaryPromote {
            alias: "live".into(),
        },
        Change::CanaryAbort {
            alias: "live".into(),
        },
    ] {
        let e = plan(&f, change, &read_only).unwrap_err().to_string();
        assert!(e.starts_with("read-only:"), "{e}");
    }
}

#[test]
fn a_protected_stage_is_confirmed_by_name_and_the_others_by_a_key() {
    let dev = function(false);
    assert_eq!(
        plan(&dev, rollback_to(None), &safety()).unwrap().confirm,
        Confirm::Key
    );
    let mut prod = function(false);
    prod.name = "orders-prod-create".into();
    assert_eq!(
        plan(&prod, rollback_to(None), &safety()).unwrap().confirm,
        Confirm::TypeName
    );
}

#[test]
fn a_rollback_goes_to_the_newest_older_version_unless_told() {
    let f = function(false);
    let (from, to) = route(&f, rollback_to(None));
    assert_eq!((from.version.as_str(), to.version.as_str()), ("3", "2"));
    assert_eq!(route(&f, rollback_to(Some("1"))).1.version, "1");
    assert!(refused(&f, rollback_to(Some("9"))).contains("has no published version 9"));
    assert!(refused(&f, rollback_to(Some("3"))).contains("already points at version 3"));
    let mut oldest = function(false);
    oldest.aliases[0].version = "1".into();
    assert!(refused(&oldest, rollback_to(None)).contains("the oldest there is"));
    assert!(
        refused(
            &f,
            Change::Rollback {
                alias: "stable".into(),
                to: None
            }
        )
        .contains("no alias `stable` (it has live)")
    );
}

#[test]
fn an_alias_never_moves_to_a_version_that_is_not_active() {
    let mut f = function(false);
    f.versions[1].state = VersionState::Pending;
    let e = refused(&f, rollback_to(None));
    assert!(
        e.contains("version 2 of orders-dev-create is Pending") && e.contains("SnapStart"),
        "{e}"
    );
    f.versions[0].state = VersionState::Failed;
    let canary = Change::CanaryStart {
        alias: "live".into(),
        version: "1".into(),
        weight: 0.1,
    };
    assert!(refused(&f, canary).contains("is Failed"));
    f.versions[0].state = VersionState::Inactive;
    assert!(refused(&f, rollback_to(Some("1"))).contains("reactivates"));
}

#[test]
fn a_canary_needs_another_version_a_share_and_ends_only_if_there_is_one() {
    let f = function(false);
    let start = |version: &str, weight: f64| Change::CanaryStart {
        alias: "live".into(),
        version: version.into(),
        weight,
    };
    let (_, to) = route(&f, start("2", 0.25));
    assert_eq!(to.version, "3", "the primary stays");
    assert_eq!(to.additional, Some(("2".into(), 0.25)));
    assert!(refused(&f, start("3", 0.1)).contains("already runs version 3"));
    assert!(refused(&f, start("2", 1.0)).contains("between 0 and 100%"));
    let promote = Change::CanaryPromote {
        alias: "live".into(),
    };
    assert!(refused(&f, promote.clone()).contains("has no canary"));

    let with = function(true);
    let (from, to) = route(&with, promote);
    assert_eq!(from.additional, Some(("2".into(), 0.1)));
    assert_eq!((to.version.as_str(), to.additional), ("2", None));
    let (_, to) = route(
        &with,
        Change::CanaryAbort {
            alias: "live".into(),
        },
    );
    assert_eq!((to.version.as_str(), to.additional), ("3", None));
    let replaced = plan(&with, start("1", 0.2), &safety()).unwrap();
    assert!(
        replaced.notes[0].contains("replaces the canary on version 2 (10%)"),
        "{:?}",
        replaced.notes
    );
}

#[test]
fn a_deploy_names_its_alias_ships_a_zip_and_says_it_ends_a_canary() {
    let f = function(true);
    let deploy = |alias: &str, bytes: &[u8]| Change::Deploy {
        source: CodeSource::Zip(Arc::new(bytes.to_vec())),
        alias: alias.into(),
    };
    for bad in ["", "7", "$LATEST", "live alias"] {
        assert!(
            refused(&f, deploy(bad, b"PK\x05\x06")).contains("is not an alias name"),
            "{bad:?}"
        );
    }
    assert!(refused(&f, deploy("live", b"not a zip")).contains("is not a zip file"));
    let p = plan(&f, deploy("live", b"PK\x05\x06"), &safety()).unwrap();
    let Action::Deploy { expect, .. } = &p.action else {
        panic!("{:?}", p.action)
    };
    assert_eq!(
        expect.as_ref().map(|e| e.additional.clone()),
        Some(Some(("2".into(), 0.1))),
        "the alias is expected where it is, its canary included"
    );
    assert!(p.notes[0].contains("has a canary (10% to version 2); this ends it"));
    let p = plan(&f, deploy("beta", b"PK\x05\x06"), &safety()).unwrap();
    assert!(matches!(p.action, Action::Deploy { expect: None, .. }));
    assert!(p.lines().iter().any(|l| l.contains("does not exist yet")));
}

#[test]
fn latest_goes_back_to_the_newest_version_with_other_code() {
    let mut f = function(false);
    f.aliases.clear();
    let p = plan(&f, Change::Restore { to: None }, &safety()).unwrap();
    assert_eq!(
        p.action,
        Action::Restore {
            version: "2".into(),
            code: "sha-2".into(),
            code_before: "sha-3".into()
        }
    );
    assert!(
        refused(
            &f,
            Change::Restore {
                to: Some("8".into())
            }
        )
        .contains("no published version 8")
    );
    f.versions.truncate(0);
    assert!(refused(&f, Change::Restore { to: None }).contains("nothing to roll back to"));
}

#[test]
fn a_rollback_without_an_alias_means_latest_only_for_a_function_without_aliases() {
    let f = function(false);
    let e = rollback(&f, None, None).unwrap_err().to_string();
    assert!(e.contains("served through aliases (live)"), "{e}");
    assert_eq!(
        rollback(&f, Some(LATEST), None).unwrap(),
        Change::Restore { to: None }
    );
    let mut bare = function(false);
    bare.aliases.clear();
    assert_eq!(
        rollback(&bare, None, Some("1".into())).unwrap(),
        Change::Restore {
            to: Some("1".into())
        }
    );
}
