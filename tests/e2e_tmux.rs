//! End to end: the built binary in a real pseudo-terminal (tmux) against the emulator. Keys are
//! typed with `send-keys`, the screen is read with `capture-pane`.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use support::emulator::Emulator;
use support::fleet::{EAST, WEST, seed_fleet};

/// A tmux server of this test's own, killed when the test ends.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new(name: &str) -> Tmux {
        let ok = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            ok,
            "tmux is needed for this test: ./scripts/test installs it"
        );
        Tmux {
            socket: format!("mfn-e2e-{name}-{}", std::process::id()),
        }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts `command` in a 140×40 window; the shell stays after it to show its exit status.
    fn start(&self, command: &str) {
        let script = format!("{command}; echo EXIT=$?; sleep 60");
        self.tmux(&[
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            "140",
            "-y",
            "40",
            "sh",
            "-c",
            &script,
        ]);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "e2e"])
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "e2e", k]);
            std::thread::sleep(Duration::from_millis(80));
        }
    }

    /// Waits until the screen contains `text`, and returns the screen.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "`{text}` never appeared; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn pane_pid(&self) -> String {
        self.tmux(&["display-message", "-p", "-t", "e2e", "#{pane_pid}"])
            .trim()
            .to_owned()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn command_line(emulator: &Emulator, scratch: &Path) -> String {
    format!(
        "env AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true \
         AWS_CONFIG_FILE={dir}/none AWS_SHARED_CREDENTIALS_FILE={dir}/none XDG_CONFIG_HOME={dir} \
         MFN_TUI_LOG_FILE={dir}/mfn-tui.log TERM=xterm-256color {bin} --endpoint-url {endpoint} \
         --region {EAST} --region {WEST}",
        dir = scratch.display(),
        bin = env!("CARGO_BIN_EXE_mfn-tui"),
        endpoint = emulator.endpoint,
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mfn-tui-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
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
