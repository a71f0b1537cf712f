//! Changing one function on AWS (the emulator): `rollback` moves one alias of one function and
//! nothing else in the fleet moves; refusals change nothing.

mod support;

use std::process::Stdio;

use serde_json::Value;
use support::cli::mfn_command;
use support::emulator::Emulator;
use support::fleet::{EAST, seed_fleet};

fn run(emulator: &Emulator, args: &[&str]) -> (Option<i32>, String, String) {
    let out = mfn_command(&emulator.endpoint, EAST)
        .stdin(Stdio::null())
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
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
    assert_eq!(snapshot(&emulator), before, "refusals change nothing");

    let (code, stdout, stderr) = run(&emulator, &["rollback", f, "--alias", "live", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("alias live moved from version 2 to version 1"),
        "{stdout}"
    );
    let after = snapshot(&emulator);
    for ((name, b), (_, a)) in before.iter().zip(&after) {
        if name != f {
            assert_eq!(a, b, "{name} must not change");
            continue;
        }
        let mut expected = b.clone();
        expected["aliases"][0]["version"] = "1".into();
        expected["aliases"][0]["weights"] = serde_json::json!({"1": 1.0});
        assert_eq!(a, &expected, "only the alias of {f} moved, canary dropped");
    }
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
    for ((name, b), (_, a)) in before.iter().zip(&after) {
        if name != f {
            assert_eq!(a, b, "{name} must not change");
            continue;
        }
        assert_ne!(a["code_sha256"], b["code_sha256"], "new code");
        assert_eq!(a["versions"].as_array().unwrap().len(), 1);
        assert_eq!(a["versions"][0]["code_sha256"], a["code_sha256"]);
        assert_eq!(a["aliases"][0]["name"], "live");
        assert_eq!(a["aliases"][0]["version"], "1");
        assert_eq!(a["memory_mb"], b["memory_mb"], "configuration untouched");
        assert_eq!(a["environment"], b["environment"]);
        assert_eq!(a["tags"], b["tags"]);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
