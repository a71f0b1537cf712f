//! The command line's changes go through the core's one plan: the protected stage is confirmed
//! by typing the function's name on a real terminal (tmux), the canary's route and read-only
//! are refused by the same rules the dashboard meets, and nothing changes when refused.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::local::greeter;
use support::tmux::Tmux;

const F: &str = "greeter-prod-hello";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mfn-change-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `mfn-tui --local SERVICES --stage prod ARGS`, no terminal, state under `dir`.
fn mfn(dir: &Path, services: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut cmd = support::cli::local_command(dir);
    cmd.arg(services).args(["--stage", "prod"]).args(args);
    support::cli::output(cmd)
}

/// The alias `live` of the greeter as `ls --json` shows it.
fn live(dir: &Path, services: &Path) -> Value {
    let (code, stdout, stderr) = mfn(dir, services, &["ls", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    doc["functions"][0]["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "live")
        .cloned()
        .unwrap_or(Value::Null)
}

/// The same command in a real terminal, as an operator types it.
fn in_terminal(tmux: &Tmux, dir: &Path, services: &Path, args: &str) {
    tmux.start(&format!(
        "env XDG_STATE_HOME={d}/state XDG_CONFIG_HOME={d} MFN_TUI_LOG_FILE={d}/mfn-tui.log {bin} --local {s} --stage prod {args}",
        d = dir.display(),
        bin = env!("CARGO_BIN_EXE_mfn-tui"),
        s = services.display(),
    ));
}

#[test]
fn a_protected_stage_is_confirmed_by_typing_the_name_on_the_terminal() {
    let dir = scratch("protected");
    let services = greeter(&dir);

    let tmux = Tmux::new("change-cli-mistyped");
    in_terminal(&tmux, &dir, &services, &format!("deploy {F} --alias live"));
    let screen = tmux.wait_for("type its name to deploy it");
    assert!(
        screen.contains(&format!("deploy {F} in account")),
        "the plan is shown first: {screen}"
    );
    tmux.keys(&["greeter", "Enter"]);
    let screen = tmux.wait_for("EXIT=");
    assert!(
        screen.contains("not confirmed") && screen.contains("EXIT=1"),
        "{screen}"
    );
    drop(tmux);
    assert_eq!(live(&dir, &services), Value::Null, "nothing was deployed");

    let tmux = Tmux::new("change-cli-typed");
    in_terminal(&tmux, &dir, &services, &format!("deploy {F} --alias live"));
    tmux.wait_for("type its name to deploy it");
    tmux.keys(&[F, "Enter"]);
    let screen = tmux.wait_for("EXIT=");
    assert!(
        screen.contains("alias live moved from nothing to version 1") && screen.contains("EXIT=0"),
        "{screen}"
    );
    assert_eq!(live(&dir, &services)["version"], "1");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_canary_route_and_read_only_are_refused_by_the_plan_and_change_nothing() {
    let dir = scratch("rules");
    let services = greeter(&dir);
    let (code, _, stderr) = mfn(&dir, &services, &["deploy", F, "--alias", "live", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    let before = live(&dir, &services);
    for (args, why) in [
        (
            vec![
                "canary",
                F,
                "--alias",
                "live",
                "--version",
                "1",
                "--weight",
                "10%",
                "--yes",
            ],
            "already runs version 1; a canary needs another version",
        ),
        (
            vec!["canary", F, "--alias", "live", "--promote", "--yes"],
            "has no canary (no second version) to end",
        ),
        (
            vec!["rollback", F, "--alias", "stable", "--yes"],
            "has no alias `stable` (it has live)",
        ),
        (
            vec!["--read-only", "invoke", F],
            "read-only: invoke greeter-prod-hello is refused",
        ),
        (
            vec!["--read-only", "bench", F, "-n", "2"],
            "read-only: invoke greeter-prod-hello is refused",
        ),
    ] {
        let (code, _, stderr) = mfn(&dir, &services, &args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(why) && stderr.contains("nothing changed"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(live(&dir, &services), before, "refusals change nothing");
    let _ = std::fs::remove_dir_all(&dir);
}
