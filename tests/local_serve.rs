//! `mfn-tui serve --local DIR`, the built binary as a script or CI runs it: the routes printed
//! at start, each log line on stdout, one `serve` per fleet, and a clean exit on SIGTERM that
//! leaves no environment behind.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use mfn_tui::fleet::local::fleet::state_dir_for;
use mfn_tui::fleet::local::presence::Presence;
use support::cli::{local_command, output};
use support::http::send;

fn scratch(name: &str) -> PathBuf {
    support::scratch::dir("serve", name)
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/local")
        .join(name)
}

/// The lines `serve` prints, as they come.
fn lines(stdout: ChildStdout) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Reads lines until one contains `text`; all read so far.
fn until(rx: &mpsc::Receiver<String>, text: &str, seen: &mut Vec<String>) {
    while !seen.iter().any(|l| l.contains(text)) {
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => seen.push(line),
            Err(e) => panic!("no line with {text:?} ({e}); got {seen:#?}"),
        }
    }
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: signalling a child this test started.
    unsafe {
        libc::kill(child.id() as i32, sig);
    }
}

#[test]
fn serve_prints_its_routes_logs_each_line_and_stops_cleanly_on_sigterm() {
    let dir = scratch("sigterm");
    let config = support::local::config_on_a_free_port(&dir);
    let services = fixture("gateway");
    let mut child = local_command(&dir)
        .arg(&services)
        .args(["serve", "--config"])
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = lines(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    until(&rx, "ready: logs follow", &mut seen);
    let banner = seen.join("\n");
    assert!(
        banner.contains("serving 2 functions of 1 services on http://127.0.0.1:"),
        "{banner}"
    );
    assert!(
        banner.contains("/hooks/{name}  → gateway-v1-rest  (REST, also under /v1, CORS)"),
        "{banner}"
    );
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:") && !w.contains("/items"))
        .unwrap()
        .to_owned();

    // A dashboard on the same directory finds it and attaches instead of binding the port.
    let state = state_dir_for(&dir.join("state/mfn-tui"), Some(&services));
    assert_eq!(Presence::find(&state).as_deref(), Some(url.as_str()));
    let mut second = local_command(&dir);
    second
        .arg(&services)
        .args(["serve", "--config"])
        .arg(&config);
    let (code, _, err) = output(second);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("already served"), "{err}");

    let answer = send(&url, "GET", "/items/7", &[], "");
    assert_eq!(answer.status, 200, "{answer:?}");
    until(&rx, "REPORT RequestId", &mut seen);
    let logged = seen.join("\n");
    assert!(
        logged.contains("gateway-v1-http START RequestId"),
        "{logged}"
    );
    assert!(
        logged.contains("gateway-v1-http REPORT RequestId"),
        "{logged}"
    );

    // The environments run the shims unpacked in the fleet's state.
    let needle = state.join("bundle").display().to_string();
    assert!(
        !support::local::processes(&needle).is_empty(),
        "an environment runs"
    );
    signal(&child, libc::SIGTERM);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "a clean exit");
    assert!(Presence::find(&state).is_none(), "the fleet is free again");
    assert!(
        support::local::processes(&needle).is_empty(),
        "no environment outlives serve"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serve_and_schedules_need_a_local_fleet() {
    let dir = scratch("needs-local");
    for args in [&["serve"][..], &["schedules", "pause"][..]] {
        let mut cmd = support::cli::mfn_command("http://127.0.0.1:9", "us-east-1");
        cmd.args(args);
        let (code, _, err) = output(cmd);
        assert_eq!(code, Some(1), "{args:?}: {err}");
        assert!(err.contains("add --local"), "{err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
