//! A tmux server of a test's own: the built binary in a real pseudo-terminal, keys typed with
//! `send-keys`, the screen read with `capture-pane`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The dashboard against `endpoint` in `regions`, with throwaway credentials and its config and
/// log under `scratch`, as a shell command line for [`Tmux::start`].
pub fn dashboard_command(endpoint: &str, scratch: &Path, regions: &[&str]) -> String {
    let regions: Vec<String> = regions.iter().map(|r| format!("--region {r}")).collect();
    // Known to integration tests (not to examples, which never call this).
    let Some(bin) = option_env!("CARGO_BIN_EXE_mfn-tui") else {
        panic!("the mfn-tui binary is known only to integration tests and benchmarks");
    };
    format!(
        "env AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true \
         AWS_CONFIG_FILE={dir}/none AWS_SHARED_CREDENTIALS_FILE={dir}/none XDG_CONFIG_HOME={dir} \
         XDG_CACHE_HOME={dir}/cache XDG_STATE_HOME={dir}/state \
         MFN_TUI_LOG_FILE={dir}/mfn-tui.log TERM=xterm-256color {bin} --endpoint-url {endpoint} \
         {regions}",
        dir = scratch.display(),
        regions = regions.join(" "),
    )
}

/// A tmux server of this test's own, killed when the test ends.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn new(name: &str) -> Tmux {
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

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts `command` in a 140×40 window; the shell stays after it to show its exit status.
    pub fn start(&self, command: &str) {
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

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "e2e"])
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "e2e", k]);
            std::thread::sleep(Duration::from_millis(80));
        }
    }

    /// Waits until the screen contains `text`, and returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
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

    pub fn pane_pid(&self) -> String {
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
