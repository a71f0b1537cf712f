//! The local fleet's walks of its code: a service directory with link cycles (`a -> .`,
//! `node_modules/x -> ..`) and a link out of it is listed, invoked and published without going
//! round a cycle; the walks run off the async runtime; `serve` on such a directory stops
//! promptly on SIGTERM; and project files that are not regular files of at most 10 MB are
//! reported while the other services run.

mod support;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use hyper::body::Bytes;
use mfn_tui::fleet::local::LocalFleet;
use mfn_tui::fleet::{Depth, DiscoveryEvent, Fleet, Function};
use support::cli::local_command;

fn scratch(name: &str) -> PathBuf {
    support::scratch::dir("walks", name)
}

/// `root/services/walker`: a Python function, a package under `node_modules`, the cycles
/// `a -> .` and `node_modules/x -> ..`, and `shared -> root/elsewhere` (a directory beside the
/// services holding `util.txt`); returns `root/services`.
fn tangled_service(root: &Path) -> PathBuf {
    let dir = root.join("services/walker");
    std::fs::create_dir_all(dir.join("node_modules/pkg")).unwrap();
    std::fs::write(
        dir.join("serverless.yml"),
        "service: walker\nprovider:\n  name: aws\n  runtime: python3.11\nfunctions:\n  hello:\n    handler: handler.hello\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("handler.py"),
        "def hello(event, context):\n    return {'walked': True}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("node_modules/pkg/index.js"),
        "module.exports = 1\n",
    )
    .unwrap();
    symlink(".", dir.join("a")).unwrap();
    symlink("..", dir.join("node_modules/x")).unwrap();
    let elsewhere = root.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("util.txt"), "shared\n").unwrap();
    symlink(&elsewhere, dir.join("shared")).unwrap();
    root.join("services")
}

/// Every file under `dir`, relative, sorted (links are not followed: a copy holds none).
fn files_under(dir: &Path) -> Vec<String> {
    fn visit(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let kind = entry.file_type().unwrap();
            assert!(!kind.is_symlink(), "{:?} is a link", entry.path());
            if kind.is_dir() {
                visit(root, &entry.path(), out);
            } else {
                let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
                out.push(rel.display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    visit(dir, dir, &mut out);
    out.sort();
    out
}

/// The functions one discovery of the fleet lists.
async fn listed(fleet: &LocalFleet) -> Vec<Function> {
    let (sink, mut events) = tokio::sync::mpsc::unbounded_channel();
    fleet
        .discover(fleet.context().targets, Depth::Functions, sink)
        .await;
    let mut functions = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let DiscoveryEvent::Functions { functions: f, .. } = event {
            functions.extend(f);
        }
    }
    functions
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_with_link_cycles_is_listed_invoked_and_published_without_going_round_them() {
    let root = scratch("cycles");
    let services = tangled_service(&root);
    let fleet = support::local::open_clean(&services, &root.join("state"));

    let functions = listed(&fleet).await;
    assert_eq!(functions.len(), 1, "{functions:?}");
    let listed = &functions[0];
    assert_eq!(listed.name, "walker-dev-hello");
    assert!(!listed.code_sha256.is_empty(), "the code was digested");
    let files = ["handler.py", "node_modules/pkg/index.js", "serverless.yml"];
    let shared = "shared\n".len();
    let own: usize = files
        .iter()
        .map(|f| {
            std::fs::metadata(services.join("walker").join(f))
                .unwrap()
                .len() as usize
        })
        .sum();
    assert_eq!(
        listed.code_size as usize,
        own + shared,
        "each file counted once, the cycles not at all"
    );

    let outcome = fleet
        .call("walker-dev-hello", None, Bytes::from_static(b"{}"))
        .await
        .unwrap();
    assert_eq!(&outcome.payload[..], b"{\"walked\": true}");

    let version = fleet.publish("walker-dev-hello", "tangled").await.unwrap();
    assert_eq!(version.code_sha256, listed.code_sha256);
    let copy = fleet.versions_dir("walker-dev-hello").join("1");
    // The copy holds what $LATEST runs: its own files and the shared directory it links to,
    // and nothing from going round `a -> .` or `node_modules/x -> ..`.
    assert_eq!(
        files_under(&copy),
        [
            "handler.py",
            "node_modules/pkg/index.js",
            "serverless.yml",
            "shared/util.txt"
        ]
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn discovery_walks_the_code_off_the_async_runtime() {
    let root = scratch("off-runtime");
    let services = tangled_service(&root);
    // A walk that takes a while (32 MB to hash; sparse, so it costs no disk): a tiny one could
    // end on its blocking thread before discovery first waits for it, and never yield at all.
    std::fs::File::create(services.join("walker/big.bin"))
        .unwrap()
        .set_len(32 << 20)
        .unwrap();
    let fleet = LocalFleet::open(support::local::options(
        Some(&services),
        &root.join("state"),
    ))
    .unwrap();
    let (sink, mut events) = tokio::sync::mpsc::unbounded_channel();
    let discovering = tokio::spawn({
        let fleet = fleet.clone();
        async move {
            fleet
                .discover(fleet.context().targets, Depth::Functions, sink)
                .await
        }
    });
    // Discovery says it started, then walks: on the only runtime thread, this test runs again
    // only once discovery waits, so a walk done on the runtime would be over by now.
    assert!(matches!(
        events.recv().await,
        Some(DiscoveryEvent::Started(_))
    ));
    assert!(
        !discovering.is_finished(),
        "the walk holds a blocking thread, not the runtime"
    );
    discovering.await.unwrap();
    let mut functions = 0;
    while let Ok(event) = events.try_recv() {
        if let DiscoveryEvent::Functions { functions: f, .. } = event {
            functions += f.len();
        }
    }
    assert_eq!(functions, 1);
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn serve_on_a_directory_with_link_cycles_stops_promptly_on_sigterm() {
    let root = scratch("sigterm");
    let services = tangled_service(&root);
    let config = support::local::config_on_a_free_port(&root);
    let mut child = local_command(&root)
        .arg(&services)
        .args(["serve", "--config"])
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let ready = lines.any(|l| l.is_ok_and(|l| l.contains("ready: logs follow")));
    assert!(ready, "serve started");
    // SAFETY: signalling a child this test started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve did not stop within 30 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    std::fs::remove_dir_all(&root).unwrap();
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid, NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_project_files_are_reported_under_errors_and_the_other_services_run() {
    let root = scratch("project-files");
    let services = tangled_service(&root);
    std::fs::create_dir_all(services.join("pipe")).unwrap();
    mkfifo(&services.join("pipe/serverless.yml"));
    let big = services.join("big");
    std::fs::create_dir_all(&big).unwrap();
    std::fs::write(
        big.join("serverless.yml"),
        "service: big\nprovider:\n  runtime: python3.11\ncustom: ${file(./big.yml)}\nfunctions:\n  f:\n    handler: h.f\n    environment:\n      X: ${self:custom.x}\n",
    )
    .unwrap();
    let file = std::fs::File::create(big.join("big.yml")).unwrap();
    file.set_len(10 * 1024 * 1024 + 1).unwrap();
    let env = services.join("env");
    std::fs::create_dir_all(&env).unwrap();
    std::fs::write(
        env.join("serverless.yml"),
        "service: env\nuseDotenv: true\nprovider:\n  runtime: python3.11\nfunctions:\n  f:\n    handler: h.f\n",
    )
    .unwrap();
    mkfifo(&env.join(".env"));

    // Opening reads every project file: a FIFO must not hang it.
    let state = root.join("state");
    let dir = services.clone();
    let opening = tokio::task::spawn_blocking(move || {
        LocalFleet::open(support::local::options(Some(&dir), &state))
    });
    let fleet = tokio::time::timeout(Duration::from_secs(60), opening)
        .await
        .expect("opening the fleet never blocks")
        .unwrap()
        .unwrap();

    let (sink, mut events) = tokio::sync::mpsc::unbounded_channel();
    fleet
        .discover(fleet.context().targets, Depth::Functions, sink)
        .await;
    let mut failed = Vec::new();
    let mut functions = Vec::new();
    while let Ok(event) = events.try_recv() {
        match event {
            DiscoveryEvent::Failed { scope, error, .. } => failed.push(format!("{scope}: {error}")),
            DiscoveryEvent::Functions { functions: f, .. } => {
                functions.extend(f.into_iter().map(|f| f.name))
            }
            _ => {}
        }
    }
    let reported = |file: &str, what: &str| {
        assert!(
            failed.iter().any(|f| f.contains(file) && f.contains(what)),
            "{file}: {what} not in {failed:#?}"
        );
    };
    reported(
        "pipe/serverless.yml",
        "is a FIFO (named pipe), not a regular file",
    );
    reported("big/serverless.yml", "big.yml holds more than 10 MB");
    reported("env/serverless.yml", ".env is a FIFO (named pipe)");
    assert_eq!(functions, ["walker-dev-hello"], "{failed:#?}");
    let outcome = fleet
        .call("walker-dev-hello", None, Bytes::from_static(b"{}"))
        .await
        .unwrap();
    assert_eq!(&outcome.payload[..], b"{\"walked\": true}");
    std::fs::remove_dir_all(&root).unwrap();
}
