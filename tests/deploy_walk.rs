//! Packages hold only what is inside their directory (issue 14, findings 2 and 5): the walk
//! behind `deploy --dir` and the deploy dialog follows no link out of the directory or back into
//! it, says what it left out and why, and a `--zip` whose entries climb out (`../`) is refused;
//! the dashboard quits with ctrl-c from the dialog, its walk abandoned.

mod support;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mfn_tui::app::state::View;
use mfn_tui::fleet::Target;
use mfn_tui::fleet::artifact::zip_dir;
use mfn_tui::fleet::aws::{AwsFleet, Clients};
use support::cli::mfn_against;
use support::emulator::Emulator;
use support::fleet::{EAST, seed_fleet};
use support::screen::Screen;
use support::tmux::{Tmux, dashboard_command};

const SECRET: &str = "operator-private-key";

fn scratch(name: &str) -> PathBuf {
    support::scratch::dir("walk", name)
}

/// `root/code`: a handler and a library, a link to itself (`a -> .`), and links to an
/// operator's home and a key in it, outside the directory. Returns the code directory.
fn hostile_code(root: &Path) -> PathBuf {
    let code = root.join("code");
    let home = root.join("home");
    std::fs::create_dir_all(code.join("lib")).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(code.join("handler.py"), "def main(e, c):\n    return 1\n").unwrap();
    std::fs::write(code.join("lib/util.py"), "X = 1\n").unwrap();
    std::fs::write(home.join("id_ed25519"), SECRET).unwrap();
    symlink(".", code.join("a")).unwrap();
    symlink(&home, code.join("home")).unwrap();
    symlink(home.join("id_ed25519"), code.join("key")).unwrap();
    code
}

fn entries(zip: &[u8]) -> Vec<String> {
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect()
}

#[test]
fn a_directory_zips_to_only_what_is_inside_it() {
    let root = scratch("zip");
    let code = hostile_code(&root);
    let zip = zip_dir(&code).unwrap();
    assert_eq!(entries(&zip), ["handler.py", "lib/util.py"]);
    assert!(
        !zip.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
        "nothing from outside is stored"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_dir_says_what_it_left_out_and_a_zip_climbing_out_is_refused() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let root = scratch("cli");
    let code = hostile_code(&root);
    let f = "users-dev-login";

    let dir = code.to_str().unwrap();
    let (status, _, stderr) = mfn_against(
        &emulator.endpoint,
        EAST,
        &["deploy", f, "--dir", dir, "--alias", "live", "--dry-run"],
    );
    assert_eq!(status, Some(0), "{stderr}");
    assert!(
        stderr.contains("left out a: a link back to . (a cycle)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("left out home: a link to") && stderr.contains("outside the directory"),
        "{stderr}"
    );

    let evil = root.join("evil.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&evil).unwrap());
    for name in ["handler.py", "../../.bashrc"] {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, b"echo owned\n").unwrap();
    }
    zip.finish().unwrap();
    let (status, _, stderr) = mfn_against(
        &emulator.endpoint,
        EAST,
        &[
            "deploy",
            f,
            "--zip",
            evil.to_str().unwrap(),
            "--alias",
            "live",
            "--yes",
        ],
    );
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.contains("`../../.bashrc` that would unpack outside its directory")
            && stderr.contains("nothing changed"),
        "{stderr}"
    );
}

/// The dashboard's function view of `users-dev-login`, over the emulator.
async fn function_view(emulator: &Emulator) -> Screen {
    let config = emulator.sdk_config(EAST).await;
    let fleet = AwsFleet::with_clients(
        vec![(Target::new(None, EAST), Clients::from_sdk_config(&config))],
        8,
    );
    let mut screen = Screen::new(fleet, 160, 40, false);
    screen.discover().await;
    let arn = screen
        .app
        .state
        .inventory
        .functions()
        .find(|f| f.name == "users-dev-login")
        .unwrap()
        .arn
        .clone();
    screen.app.state.view = View::Function { arn };
    screen
}

#[tokio::test(flavor = "multi_thread")]
async fn the_deploy_dialog_shows_what_the_package_left_out_and_why() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let root = scratch("dialog");
    let code = hostile_code(&root);
    let mut screen = function_view(&emulator).await;

    screen
        .keys(&format!("D{}<enter>", code.to_str().unwrap()))
        .await;
    let read = async {
        while screen.deploy_dialog().is_some_and(|d| d.package.is_none()) {
            screen.app.next_batch().await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), read)
        .await
        .expect("the package was read");
    let package = screen.deploy_dialog().unwrap().package.clone().unwrap();
    assert_eq!(entries(&package.bytes), ["handler.py", "lib/util.py"]);
    let text = screen.text();
    assert!(
        text.contains("omitted a: a link back to . (a cycle)"),
        "{text}"
    );
    assert!(text.contains("omitted home: a link to"), "{text}");
    assert!(text.contains("omitted key: a link to"), "{text}");
}

/// The dashboard in tmux with the deploy dialog reading a directory with two ways back into
/// itself (a walk that follows links never ends); returns the tmux server and the dashboard's
/// process id.
async fn reading_a_cyclic_directory(emulator: &Emulator, name: &str) -> (Tmux, String) {
    let root = scratch(name);
    let code = hostile_code(&root);
    std::fs::create_dir_all(code.join("node_modules")).unwrap();
    symlink("..", code.join("node_modules/x")).unwrap();
    let tmux = Tmux::new(name);
    tmux.start(&dashboard_command(&emulator.endpoint, &root, &[EAST]));
    tmux.wait_for("7 functions");
    tmux.keys(&["/", "dev-login", "Enter", "j", "Enter"]);
    tmux.wait_for("Aliases (1)");
    let shell = tmux.pane_pid();
    let child = std::process::Command::new("pgrep")
        .args(["-P", &shell, "-f", "mfn-tui"])
        .output()
        .expect("pgrep");
    let pid = String::from_utf8_lossy(&child.stdout).trim().to_owned();
    assert!(!pid.is_empty(), "no mfn-tui under the pane's shell {shell}");
    // Enter reads the package: the dashboard quits at once, while the walk may still run.
    tmux.keys(&["D", code.to_str().unwrap(), "Enter"]);
    (tmux, pid)
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_quits_the_dashboard_while_the_deploy_dialog_reads_a_cyclic_directory() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let (tmux, _) = reading_a_cyclic_directory(&emulator, "walk-ctrl-c").await;
    tmux.keys(&["C-c"]);
    let screen = tmux.wait_for("EXIT=0");
    assert!(
        !screen.contains("Deploy users-dev-login"),
        "the alternate screen was left:\n{screen}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_ends_the_dashboard_while_the_deploy_dialog_reads_a_cyclic_directory() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    let (tmux, pid) = reading_a_cyclic_directory(&emulator, "walk-term").await;
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    let screen = tmux.wait_for("EXIT=");
    assert!(
        !screen.contains("Deploy users-dev-login"),
        "the alternate screen was left:\n{screen}"
    );
}
