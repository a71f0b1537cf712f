//! Local-fleet fixtures: the greeter service (`tests/fixtures/local/versioned`), whose answer
//! tests change between versions, and any other fixture service copied where a test runs it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mfn_tui::audit::AuditLog;
use mfn_tui::fleet::change::{Change, Done, Safety, apply, plan};
use mfn_tui::fleet::local::{LocalFleet, LocalOptions};
use mfn_tui::fleet::{AliasChange, CodeSource, Fleet};

/// What a test's local fleet reads `dir` with (the demo when `None`): state under `state`,
/// environments kept five minutes, ten seconds for an init, no variable passed through, at
/// most 32 environments.
pub fn options(dir: Option<&Path>, state: &Path) -> LocalOptions {
    LocalOptions {
        dir: dir.map(Path::to_path_buf),
        stage: None,
        state_dir: state.to_path_buf(),
        idle: std::time::Duration::from_secs(300),
        init_timeout: std::time::Duration::from_secs(10),
        pass_env: Vec::new(),
        max_environments: 32,
    }
}

/// The fleet of the services under `services` (state under `state`), which must all load.
pub fn open_clean(services: &Path, state: &Path) -> Arc<LocalFleet> {
    let fleet = LocalFleet::open(options(Some(services), state)).unwrap();
    assert!(
        fleet.project.errors.is_empty(),
        "{:?}",
        fleet.project.errors
    );
    fleet
}

/// The greeter service copied into `root/services/greeter`; returns `root/services`.
pub fn greeter(root: &Path) -> PathBuf {
    fixture_service(root, "versioned", "greeter")
}

/// The service of `tests/fixtures/local/FIXTURE` (its `serverless.yml` and `handler.py`) copied
/// into `root/services/SERVICE`; returns `root/services`.
pub fn fixture_service(root: &Path, fixture: &str, service: &str) -> PathBuf {
    let dir = root.join("services").join(service);
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/local")
        .join(fixture);
    for file in ["serverless.yml", "handler.py"] {
        std::fs::copy(fixture.join(file), dir.join(file)).unwrap();
    }
    root.join("services")
}

/// Makes the greeter under `services` answer `answer`.
pub fn set_answer(services: &Path, answer: &str) {
    let path = services.join("greeter/handler.py");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("ANSWER = ").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    let mut new = text.clone();
    new.replace_range(start..end, &format!("ANSWER = \"{answer}\""));
    std::fs::write(path, new).unwrap();
}

/// Deploys `name`'s working directory and moves `alias` to it, the way the CLI and the
/// dashboard do: planned and applied by the core, recorded in an audit log of the test's.
pub async fn deploy(fleet: &LocalFleet, name: &str, alias: &str) -> AliasChange {
    let target = fleet.context().targets[0].clone();
    let function = fleet
        .function(&target, name)
        .await
        .unwrap()
        .expect("the function exists");
    let change = Change::Deploy {
        source: CodeSource::WorkingDirectory,
        alias: alias.to_owned(),
    };
    let plan = plan(&function, change, &Safety::default()).unwrap();
    let (steps, _started) = tokio::sync::mpsc::unbounded_channel();
    let audit = AuditLog::at(
        std::env::temp_dir().join(format!("mfn-tui-test-audit-{}.jsonl", std::process::id())),
    );
    match apply(fleet, &plan, &audit, steps).await.result {
        Ok(Done::Alias(change)) => change,
        other => panic!("the deploy of {name} did not move {alias}: {other:?}"),
    }
}

/// The messages of `name`'s log group written in the last ten minutes, oldest first.
pub async fn log_lines(fleet: &Arc<LocalFleet>, name: &str) -> Vec<String> {
    let function = fleet
        .function(&fleet.context().targets[0], name)
        .await
        .unwrap()
        .expect("the function exists");
    let window =
        mfn_tui::analysis::latency::Window::ending_at(mfn_tui::clock::now_ms() + 1_000, 600_000);
    let (records, _) = mfn_tui::fleet::logs::read_logs(
        fleet.clone(),
        std::slice::from_ref(&function),
        window,
        None,
        1,
        10_000,
    )
    .await;
    records.into_iter().map(|r| r.message).collect()
}

/// The gateway as the default config has it, on `port` (0: any free port).
pub fn gateway_on(port: u16) -> mfn_tui::fleet::local::gateway::GatewaySettings {
    mfn_tui::fleet::local::gateway::GatewaySettings {
        port,
        ..mfn_tui::config::Config::defaults().local.gateway()
    }
}

/// A port free on loopback now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Processes whose command line mentions `needle`.
pub fn processes(needle: &str) -> Vec<String> {
    let out = std::process::Command::new("pgrep")
        .args(["-f", needle])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// `[local] gateway_port` on a free port, in `dir/config.toml`.
pub fn config_on_a_free_port(dir: &Path) -> PathBuf {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!("[local]\ngateway_port = {}\n", free_port()),
    )
    .unwrap();
    config
}
