//! Local-fleet fixtures: the greeter service (`tests/fixtures/local/versioned`), whose answer
//! tests change between versions, and any other fixture service copied where a test runs it.

use std::path::{Path, PathBuf};

use mfn_tui::audit::AuditLog;
use mfn_tui::fleet::change::{Change, Done, Safety, apply, plan};
use mfn_tui::fleet::local::LocalFleet;
use mfn_tui::fleet::{AliasChange, CodeSource, Fleet};

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
