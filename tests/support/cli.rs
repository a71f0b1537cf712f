//! Running the built binary against the emulator, with a clean AWS environment.

use std::process::Command;

/// `mfn-tui --endpoint-url ENDPOINT --region REGION` with throwaway credentials, no shared AWS
/// files and no user config; add the subcommand's arguments and run or spawn it.
pub fn mfn_command(endpoint: &str, region: &str) -> Command {
    let dir = std::env::temp_dir().join(format!("mfn-tui-cli-{}", std::process::id()));
    // Known to integration tests and benchmarks (not to examples, which never call this).
    let Some(bin) = option_env!("CARGO_BIN_EXE_mfn-tui") else {
        panic!("the mfn-tui binary is known only to integration tests and benchmarks");
    };
    let mut cmd = Command::new(bin);
    cmd.env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_CONFIG_FILE", dir.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("XDG_CONFIG_HOME", &dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("MFN_TUI_LOG_FILE", dir.join("log"))
        .args(["--endpoint-url", endpoint, "--region", region]);
    cmd
}

/// Runs [`mfn_command`] with `args`; returns the exit code, stdout and stderr.
pub fn mfn_against(endpoint: &str, region: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let mut cmd = mfn_command(endpoint, region);
    cmd.args(args);
    output(cmd)
}

/// `mfn-tui --local` with its state, config and log under `dir`, run as user `tester`.
pub fn local_command(dir: &std::path::Path) -> Command {
    let Some(bin) = option_env!("CARGO_BIN_EXE_mfn-tui") else {
        panic!("the mfn-tui binary is known only to integration tests and benchmarks");
    };
    let mut cmd = Command::new(bin);
    cmd.env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_CONFIG_HOME", dir)
        .env("MFN_TUI_LOG_FILE", dir.join("mfn-tui.log"))
        .env("USER", "tester")
        .arg("--local");
    cmd
}

/// Runs `cmd` with no terminal on stdin; returns the exit code, stdout and stderr.
pub fn output(mut cmd: Command) -> (Option<i32>, String, String) {
    let out = cmd
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run mfn-tui");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The entry named `name` in the JSON array `list` of a subcommand's output.
pub fn entry<'a>(doc: &'a serde_json::Value, list: &str, name: &str) -> &'a serde_json::Value {
    doc[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {list}: {doc}"))
}

/// The names of the entries of the JSON array `list` of a subcommand's output.
pub fn names(doc: &serde_json::Value, list: &str) -> Vec<String> {
    doc[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect()
}
