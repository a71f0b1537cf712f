//! Changing one function on AWS (the emulator): `rollback` (from the CLI, and by keys in the
//! dashboard) moves one alias of one function and nothing else in the fleet moves; refusals
//! change nothing.

mod support;

use mfn_tui::audit::AuditLog;
use mfn_tui::fleet::Target;
use mfn_tui::fleet::aws::{AwsFleet, Clients};
use serde_json::Value;
use support::emulator::Emulator;
use support::fleet::{EAST, seed_fleet};
use support::screen::Screen;

fn run(emulator: &Emulator, args: &[&str]) -> (Option<i32>, String, String) {
    support::cli::mfn_against(&emulator.endpoint, EAST, args)
}

/// Asserts that every function but `target` is as it was after `what`; the target's snapshot
/// before and after.
fn only_target<'a>(
    before: &'a [(String, Value)],
    after: &'a [(String, Value)],
    target: &str,
    what: &str,
) -> (&'a Value, &'a Value) {
    let names = |s: &[(String, Value)]| s.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(before),
        names(after),
        "{what} added or removed a function"
    );
    let mut pair = None;
    for ((name, b), (_, a)) in before.iter().zip(after) {
        if name == target {
            pair = Some((b, a));
        } else {
            assert_eq!(a, b, "{what} changed {name}");
        }
    }
    pair.expect("the target is in the fleet")
}

/// `users-dev-login` as it is once its alias `live` was rolled back to version 1: the canary
/// dropped, nothing else moved.
fn rolled_back(before: &Value) -> Value {
    let mut expected = before.clone();
    expected["aliases"][0]["version"] = "1".into();
    expected["aliases"][0]["weights"] = serde_json::json!({"1": 1.0});
    expected
}

/// Every function of the fleet as `ls --json` describes it, by name.
fn snapshot(emulator: &Emulator) -> Vec<(String, Value)> {
    let (code, stdout, stderr) = run(emulator, &["ls", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let mut functions: Vec<(String, Value)> = doc["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_owned(), f.clone()))
        .collect();
    functions.sort_by(|a, b| a.0.cmp(&b.0));
    functions
}

#[tokio::test(flavor = "multi_thread")]
async fn rollback_moves_one_alias_of_one_function_and_nothing_else() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let before = snapshot(&emulator);
    let f = "users-dev-login";

    // Refusals first: each leaves the fleet as it was.
    let (code, _, stderr) = run(&emulator, &["rollback", f, "--alias", "live"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("pass --yes"), "{stderr}");
    let (code, _, stderr) = run(
        &emulator,
        &["--read-only", "rollback", f, "--alias", "live", "--yes"],
    );
    assert_eq!(code, Some(1));
    assert!(stderr.contains("--read-only"), "{stderr}");
    let (code, _, stderr) = run(
        &emulator,
        &["rollback", f, "--alias", "live", "--to", "9", "--yes"],
    );
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("no published version 9") && stderr.contains("nothing changed"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&emulator, &["rollback", f, "--alias", "stable", "--yes"]);
    assert_eq!(code, Some(1), "{stderr}");
    for args in [
        &["rollback", "nope-dev-fn", "--alias", "live", "--yes"][..],
        &["invoke", "nope-dev-fn", "--payload", "{}"],
        &[
            "canary",
            "nope-dev-fn",
            "--alias",
            "live",
            "--abort",
            "--yes",
        ],
    ] {
        let (code, _, stderr) = run(&emulator, args);
        assert_ne!(code, Some(0), "{args:?}");
        assert!(
            stderr.contains("no function `nope-dev-fn`"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(snapshot(&emulator), before, "refusals change nothing");

    let (code, stdout, stderr) = run(&emulator, &["rollback", f, "--alias", "live", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("alias live moved from version 2 (10% to version 1) to version 1"),
        "{stdout}"
    );
    let after = snapshot(&emulator);
    let (b, a) = only_target(&before, &after, f, "the rollback");
    assert_eq!(
        a,
        &rolled_back(b),
        "only the alias of {f} moved, canary dropped"
    );
    // The audit log names the STS caller, the alias before and after, and the code of each.
    let audit = std::env::temp_dir()
        .join(format!("mfn-tui-cli-{}", std::process::id()))
        .join("state/mfn-tui/audit.jsonl");
    let entries: Vec<Value> = std::fs::read_to_string(audit)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let entry = entries
        .iter()
        .find(|e| e["action"] == "rollback" && e["function"] == f)
        .expect("the rollback is in the audit log");
    assert!(
        entry["who"].as_str().unwrap().starts_with("arn:aws:"),
        "{entry}"
    );
    assert_eq!(entry["provider"], "aws");
    assert_eq!(entry["before"]["version"], "2");
    assert_eq!(entry["after"]["version"], "1");
    assert_ne!(entry["code_before"], entry["code_after"]);
}

/// The dashboard against the emulator: `B` in a function's view, a version chosen, `y`, and
/// only that function's alias moved, with the change in the audit log.
#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_rolls_an_alias_back_by_keys_and_nothing_else_moves() {
    let audit = std::env::temp_dir().join(format!("mfn-tui-keys-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&audit);
    let f = "users-dev-login";
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let before = snapshot(&emulator);
    let config = emulator.sdk_config(EAST).await;
    let fleet = AwsFleet::with_clients(
        vec![(Target::new(None, EAST), Clients::from_sdk_config(&config))],
        8,
    );
    let mut screen = Screen::new(fleet, 140, 40, false);
    screen.app.audit = AuditLog::at(&audit);
    screen.discover().await;
    screen.keys("/dev-login<enter><down><enter>B").await;
    let dialog = screen.rollback_dialog().expect("the dialog is open");
    assert_eq!(dialog.function.name, f);
    assert_eq!(dialog.alias().unwrap().name, "live");
    assert_eq!(dialog.target().unwrap().version, "1");
    screen.keys("<enter>y").await;
    let wait = async {
        while screen.modal().is_some() {
            screen.app.next_batch().await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), wait)
        .await
        .expect("the rollback came back");
    let text = screen.text();
    assert!(
        text.contains("alias live moved from version 2 (10% to version 1) to version 1"),
        "{text}"
    );
    let shown = screen
        .app
        .state
        .inventory
        .functions()
        .find(|x| x.name == f)
        .unwrap();
    assert_eq!(
        shown.aliases[0].version, "1",
        "the view shows the alias as it is now"
    );
    let after = snapshot(&emulator);
    let (b, a) = only_target(&before, &after, f, "the rollback by keys");
    assert_eq!(a, &rolled_back(b), "only the alias of {f} moved");
    let written = std::fs::read_to_string(&audit).unwrap();
    let entry: Value = serde_json::from_str(written.lines().last().unwrap()).unwrap();
    assert_eq!(entry["action"], "rollback");
    assert_eq!(entry["function"], f);
    assert_eq!(entry["after"]["version"], "1");
    let _ = std::fs::remove_file(&audit);
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_from_a_directory_publishes_a_version_and_moves_only_its_alias() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let before = snapshot(&emulator);
    let f = "users-dev-register";
    let dir = std::env::temp_dir().join(format!("mfn-tui-deploy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("handler.py"),
        "def main(event, context):\n    return 'v2'\n",
    )
    .unwrap();
    let dir_arg = dir.display().to_string();

    let (code, stdout, stderr) = run(
        &emulator,
        &[
            "deploy",
            f,
            "--dir",
            &dir_arg,
            "--alias",
            "live",
            "--dry-run",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("does not exist yet") && stdout.contains("nothing changed"),
        "{stdout}"
    );
    let not_zip = dir.join("handler.py").display().to_string();
    let (code, _, stderr) = run(
        &emulator,
        &["deploy", f, "--zip", &not_zip, "--alias", "live", "--yes"],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("not a zip file"), "{stderr}");
    assert_eq!(
        snapshot(&emulator),
        before,
        "a dry run and a refused package change nothing"
    );

    let (code, stdout, stderr) = run(
        &emulator,
        &["deploy", f, "--dir", &dir_arg, "--alias", "live", "--yes"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("alias live moved from nothing to version 1 (published 1)"),
        "{stdout}"
    );
    let after = snapshot(&emulator);
    let (b, a) = only_target(&before, &after, f, "the deploy");
    assert_ne!(a["code_sha256"], b["code_sha256"], "new code");
    assert_eq!(a["versions"].as_array().unwrap().len(), 1);
    assert_eq!(a["versions"][0]["code_sha256"], a["code_sha256"]);
    assert_eq!(a["aliases"][0]["name"], "live");
    assert_eq!(a["aliases"][0]["version"], "1");
    assert_eq!(a["memory_mb"], b["memory_mb"], "configuration untouched");
    assert_eq!(a["environment"], b["environment"]);
    assert_eq!(a["tags"], b["tags"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The fields of a function that no action here may change.
const CONFIGURATION: [&str; 8] = [
    "runtime",
    "architecture",
    "handler",
    "memory_mb",
    "timeout_s",
    "environment",
    "tags",
    "routes",
];

/// A small deterministic generator, so a failing sequence can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_random_sequence_of_actions_only_ever_changes_its_target() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let targets = [
        "users-dev-register",
        "users-dev-login",
        "articles-prod-api",
        "comments-staging-getComment",
    ];
    let code = std::env::temp_dir().join(format!("mfn-tui-blast-{}", std::process::id()));
    let mut rng = Lcg(0x6d666e);
    let mut state = snapshot(&emulator);
    let mut done: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for step in 0..30 {
        let target = targets[rng.below(targets.len())];
        // Deploys make the versions the other actions work on.
        let action = [
            "invoke", "deploy", "deploy", "deploy", "rollback", "rollback", "canary", "canary",
        ][rng.below(8)];
        let before_target = state.iter().find(|(n, _)| n == target).unwrap().1.clone();
        let alias = before_target["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == "live")
            .cloned();
        let versions: Vec<String> = before_target["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["version"].as_str().unwrap().to_owned())
            .collect();
        let (code_status, _, stderr) = match action {
            "deploy" => {
                let _ = std::fs::remove_dir_all(&code);
                std::fs::create_dir_all(&code).unwrap();
                std::fs::write(
                    code.join("handler.py"),
                    format!("def main(e, c):\n    return {step}\n"),
                )
                .unwrap();
                let dir = code.display().to_string();
                run(
                    &emulator,
                    &["deploy", target, "--dir", &dir, "--alias", "live", "--yes"],
                )
            }
            "rollback" => run(&emulator, &["rollback", target, "--alias", "live", "--yes"]),
            "canary" => match (&alias, versions.first()) {
                (Some(a), Some(first)) if a["version"] != first.as_str() => run(
                    &emulator,
                    &[
                        "canary",
                        target,
                        "--alias",
                        "live",
                        "--version",
                        first,
                        "--weight",
                        "20%",
                        "--yes",
                    ],
                ),
                _ => run(
                    &emulator,
                    &["canary", target, "--alias", "live", "--abort", "--yes"],
                ),
            },
            _ => run(&emulator, &["invoke", target]),
        };
        let after = snapshot(&emulator);
        {
            let (b, a) = only_target(
                &state,
                &after,
                target,
                &format!("step {step} ({action} {target})"),
            );
            for field in CONFIGURATION {
                assert_eq!(
                    a[field], b[field],
                    "step {step} ({action}) changed {target}'s {field}"
                );
            }
            let changed = a != b;
            match action {
                "invoke" => assert!(!changed, "step {step}: an invoke changed {target}"),
                "deploy" => {
                    assert_eq!(code_status, Some(0), "step {step}: {stderr}");
                    assert_eq!(a["versions"].as_array().unwrap().len(), versions.len() + 1);
                    let newest = a["versions"].as_array().unwrap().last().unwrap();
                    let live = a["aliases"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|x| x["name"] == "live")
                        .unwrap();
                    assert_eq!(
                        live["version"], newest["version"],
                        "step {step}: live runs the new version"
                    );
                    assert_eq!(newest["code_sha256"], a["code_sha256"]);
                }
                _ if code_status != Some(0) => {
                    assert!(
                        !changed,
                        "step {step}: a refused {action} changed {target}: {stderr}"
                    )
                }
                _ => {
                    assert_eq!(
                        a["versions"], b["versions"],
                        "step {step}: {action} changed versions"
                    );
                    assert_eq!(
                        a["code_sha256"], b["code_sha256"],
                        "step {step}: {action} changed code"
                    );
                }
            }
        }
        if code_status == Some(0) {
            *done.entry(action).or_default() += 1;
        }
        state = after;
    }
    let _ = std::fs::remove_dir_all(&code);
    for action in ["deploy", "rollback", "canary"] {
        assert!(
            done.get(action).copied().unwrap_or(0) > 0,
            "no {action} succeeded: {done:?}"
        );
    }
}
