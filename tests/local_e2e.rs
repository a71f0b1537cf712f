//! End to end with the built binary: `mfn-tui --local` in a real terminal (tmux) serving the
//! demo fleet; traffic through its gateway; then `kill -9`: no execution environment outlives
//! it, and what it recorded is still there for the next run.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::cli::entry;
use support::http::request;
use support::local::{greeter, set_answer};
use support::tmux::Tmux;

fn scratch(name: &str) -> PathBuf {
    support::scratch::dir("local-e2e", name)
}

/// `mfn-tui --local [SERVICES] --config CONFIG ARGS` with the state under `dir`.
fn mfn(
    dir: &Path,
    config: &Path,
    services: Option<&Path>,
    args: &[&str],
) -> (Option<i32>, String, String) {
    let mut cmd = support::cli::local_command(dir);
    cmd.args(services).arg("--config").arg(config).args(args);
    support::cli::output(cmd)
}

/// `mfn-tui --local [SERVICES] --config CONFIG` in `tmux`, its state under `dir`.
fn start_dashboard(tmux: &Tmux, dir: &Path, config: &Path, services: Option<&Path>) {
    tmux.start(&format!(
        "env XDG_STATE_HOME={d}/state XDG_CONFIG_HOME={d} MFN_TUI_LOG_FILE={d}/mfn-tui.log TERM=xterm-256color {bin} --local {s} --config {c}",
        d = dir.display(),
        bin = env!("CARGO_BIN_EXE_mfn-tui"),
        s = services.map(|s| s.display().to_string()).unwrap_or_default(),
        c = config.display(),
    ));
}

#[test]
fn kill_9_leaves_no_environment_behind_and_the_state_survives() {
    let dir = scratch("kill");
    let port = support::local::free_port();
    let config = dir.join("config.toml");
    std::fs::write(&config, format!("[local]\ngateway_port = {port}\n")).unwrap();
    let tmux = Tmux::new("local-kill");
    start_dashboard(&tmux, &dir, &config, None);
    let screen = tmux.wait_for("6 functions · 3 services");
    assert!(
        screen.contains(&format!("http://127.0.0.1:{port}")),
        "{screen}"
    );

    let api = format!("http://127.0.0.1:{port}");
    for _ in 0..3 {
        assert_eq!(request(&api, "GET", "/articles/1", "").0, 200);
    }
    let login = request(
        &api,
        "POST",
        "/users/login",
        r#"{"username":"grace","password":"hopper42"}"#,
    );
    assert_eq!(login.0, 200, "{login:?}");
    assert_eq!(request(&api, "GET", "/comments/boom", "").0, 502);

    // The runtimes run from the bundle unpacked in this test's state directory.
    let runtimes = dir.join("state/mfn-tui/local/demo/bundle/runtimes");
    let needle = runtimes.display().to_string();
    assert!(
        support::local::processes(&needle).len() >= 3,
        "three warm environments at least"
    );

    // mfn-tui itself (its shell's command line mentions the same words, not at its start; its
    // watchdog, a fork, has the same command line and its own name).
    let mfn_pid: Vec<String> = support::local::processes(&format!(
        "^{} --local --config {}",
        env!("CARGO_BIN_EXE_mfn-tui"),
        config.display()
    ))
    .into_iter()
    .filter(|pid| {
        std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .is_ok_and(|name| name.trim() != "mfn-tui-watch")
    })
    .collect();
    assert_eq!(mfn_pid.len(), 1, "{mfn_pid:?}");
    Command::new("kill")
        .args(["-9", &mfn_pid[0]])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !support::local::processes(&needle).is_empty() {
        assert!(
            Instant::now() < deadline,
            "environments outlived mfn-tui: {:?}",
            support::local::processes(&needle)
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // The next run sees what the killed one recorded.
    let (code, stdout, stderr) = mfn(&dir, &config, None, &["stats", "--json", "--since", "1h"]);
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let articles = entry(&doc, "functions", "articles-dev-api");
    assert_eq!(articles["invocations"], 3);
    assert_eq!(articles["cold_starts"], 1);
    assert_eq!(
        entry(&doc, "functions", "users-dev-login")["invocations"],
        1
    );
    assert_eq!(
        entry(&doc, "functions", "comments-dev-getComment")["errors"],
        1
    );
    let (code, stdout, _) = mfn(
        &dir,
        &config,
        None,
        &["logs", "users-dev-login", "--since", "1h"],
    );
    assert_eq!(code, Some(0));
    assert!(stdout.contains("login ok for grace"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_alias_is_rolled_back_by_keys_in_the_dashboard() {
    let dir = scratch("rollback");
    let services = greeter(&dir);
    let config = support::local::config_on_a_free_port(&dir);
    let deploy = ["deploy", "greeter-dev-hello", "--alias", "live", "--yes"];
    assert_eq!(mfn(&dir, &config, Some(&services), &deploy).0, Some(0));
    set_answer(&services, "v2");
    let (code, stdout, _) = mfn(&dir, &config, Some(&services), &deploy);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("to version 2"), "{stdout}");

    let tmux = Tmux::new("local-rollback");
    open_greeter(&tmux, &dir, &config, &services);
    tmux.keys(&["B"]);
    let screen = tmux.wait_for("Roll back greeter-dev-hello");
    assert!(screen.contains("now    version 2"), "{screen}");
    tmux.keys(&["Enter"]);
    tmux.wait_for("y to confirm");
    tmux.keys(&["y"]);
    tmux.wait_for("alias live moved from version 2 to version 1");
    tmux.keys(&["q"]);

    let (code, stdout, _) = mfn(&dir, &config, Some(&services), &["ls", "--json"]);
    assert_eq!(code, Some(0));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["functions"][0]["aliases"][0]["version"], "1");
    assert_eq!(
        doc["functions"][0]["versions"].as_array().unwrap().len(),
        2,
        "nothing deleted"
    );
    let audit = std::fs::read_to_string(dir.join("state/mfn-tui/audit.jsonl")).unwrap();
    assert!(
        audit
            .lines()
            .last()
            .unwrap()
            .contains("\"action\":\"rollback\""),
        "{audit}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_local_function_is_deployed_by_keys_from_its_working_directory() {
    let dir = scratch("deploy-keys");
    let services = greeter(&dir);
    let config = support::local::config_on_a_free_port(&dir);
    let tmux = Tmux::new("local-deploy");
    open_greeter(&tmux, &dir, &config, &services);
    tmux.keys(&["D"]);
    tmux.wait_for("Deploy greeter-dev-hello");
    tmux.keys(&["Enter"]);
    tmux.wait_for("y to confirm");
    tmux.keys(&["y"]);
    tmux.wait_for("alias live moved from nothing to version 1 (published 1)");
    tmux.keys(&["q"]);
    let (code, stdout, _) = mfn(&dir, &config, Some(&services), &["ls", "--json"]);
    assert_eq!(code, Some(0));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["functions"][0]["aliases"][0]["version"], "1");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Starts the dashboard on the greeter fleet and opens its one function's view.
fn open_greeter(tmux: &Tmux, dir: &Path, config: &Path, services: &Path) {
    start_dashboard(tmux, dir, config, Some(services));
    tmux.wait_for("1 functions · 1 services");
    tmux.keys(&["/", "h", "e", "l", "l", "o", "Enter", "Down", "Enter"]);
    tmux.wait_for("greeter-dev-hello ─");
}

/// A dashboard opened on a directory that `mfn-tui serve` runs attaches to it and shows that
/// gateway, where it once tried the same port again and ran without one.
#[test]
fn the_dashboard_attaches_to_a_fleet_that_serve_runs() {
    let dir = scratch("attach");
    let services = greeter(&dir);
    let config = support::local::config_on_a_free_port(&dir);
    let mut serve = support::cli::local_command(&dir)
        .arg(&services)
        .args(["serve", "--config"])
        .arg(&config)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(serve.stdout.take().unwrap());
    let mut banner = String::new();
    while !banner.contains("ready:") {
        let mut line = String::new();
        assert!(
            std::io::BufRead::read_line(&mut out, &mut line).unwrap() > 0,
            "{banner}"
        );
        banner.push_str(&line);
    }
    let port = std::fs::read_to_string(&config).unwrap();
    let port = port.trim().rsplit(' ').next().unwrap().to_owned();
    let url = format!("http://127.0.0.1:{port}");
    assert!(banner.contains(&url), "{banner}");

    let tmux = Tmux::new("local-attach");
    start_dashboard(&tmux, &dir, &config, Some(&services));
    let screen = tmux.wait_for("1 functions · 1 services");
    assert!(screen.contains(&url), "the serve's gateway: {screen}");
    tmux.keys(&["e"]);
    let errors = tmux.screen();
    assert!(
        !errors.contains("cannot listen"),
        "no second gateway: {errors}"
    );
    tmux.keys(&["q"]);
    // SAFETY: signalling the serve this test started.
    unsafe {
        libc::kill(serve.id() as i32, libc::SIGTERM);
    }
    assert_eq!(serve.wait().unwrap().code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
