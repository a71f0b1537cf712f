//! End to end: the built binary in a real pseudo-terminal (tmux) against the emulator. Keys are
//! typed with `send-keys`, the screen is read with `capture-pane`.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::emulator::Emulator;
use support::fleet::{EAST, WEST, seed_fleet};
use support::tmux::{Tmux, dashboard_command};

fn command_line(emulator: &Emulator, scratch: &Path) -> String {
    dashboard_command(&emulator.endpoint, scratch, &[EAST, WEST])
}

fn scratch(name: &str) -> PathBuf {
    support::scratch::dir("e2e", name)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_shows_the_seeded_fleet_drills_into_a_function_and_restores_the_terminal() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let dir = scratch("drill");
    let tmux = Tmux::new("drill");
    tmux.start(&command_line(&emulator, &dir));

    let screen = tmux.wait_for("10 functions · 7 services");
    assert!(screen.contains("account 123456789012"), "{screen}");
    assert!(
        screen.contains("eu-west-1✓") && screen.contains("us-east-1✓"),
        "{screen}"
    );
    for service in [
        "articles",
        "comments",
        "orders-app",
        "reports",
        "users",
        "(ungrouped)",
    ] {
        assert!(screen.contains(service), "{service} missing:\n{screen}");
    }

    tmux.keys(&["/", "login", "Enter"]);
    let screen = tmux.wait_for("users-prod-login");
    assert!(screen.contains("users-dev-login"), "{screen}");
    // Rows: users (dev), users-dev-login, users (prod), users-prod-login.
    tmux.keys(&["j", "Enter"]);
    let screen = tmux.wait_for("Aliases (1)");
    assert!(
        screen.contains("users-dev-login") && screen.contains("POST   /login"),
        "{screen}"
    );
    assert!(screen.contains("v2 ") && screen.contains("90%"), "{screen}");

    tmux.keys(&["Escape", "q"]);
    let screen = tmux.wait_for("EXIT=0");
    assert!(
        !screen.contains("mfn-tui │"),
        "the alternate screen was left:\n{screen}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_ends_the_dashboard_and_restores_the_terminal() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let dir = scratch("sigterm");
    let tmux = Tmux::new("sigterm");
    tmux.start(&command_line(&emulator, &dir));
    tmux.wait_for("10 functions");

    let shell = tmux.pane_pid();
    let child = Command::new("pgrep")
        .args(["-P", &shell, "-f", "mfn-tui"])
        .output()
        .expect("pgrep");
    let pid = String::from_utf8_lossy(&child.stdout).trim().to_owned();
    assert!(!pid.is_empty(), "no mfn-tui under the pane's shell {shell}");
    Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");

    let screen = tmux.wait_for("EXIT=");
    assert!(
        !screen.contains("mfn-tui │"),
        "the alternate screen was left:\n{screen}"
    );
    // Raw mode is off again: typed text is echoed by the terminal.
    tmux.keys(&["echoed-text"]);
    tmux.wait_for("echoed-text");
}
