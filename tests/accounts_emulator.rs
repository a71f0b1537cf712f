//! Two accounts in one region, each with a function of the same name (stacks deployed once per
//! account, read through `--profile dev --profile prod`): a change to prod's reaches prod's
//! function only, from the CLI and from the dashboard, and dev's stays byte for byte as it was.
//!
//! moto keeps accounts apart by credentials: the ones `sts:AssumeRole` issues for a role in
//! account 210987654321 act in that account, the test's own ones in 123456789012.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_lambda::config::Credentials;
use mfn_tui::app::state::View;
use mfn_tui::audit::AuditLog;
use mfn_tui::fleet::Target;
use mfn_tui::fleet::aws::{AwsFleet, Clients};
use serde_json::{Value, json};
use support::emulator::{ACCOUNT, Emulator};
use support::screen::Screen;
use support::seed::{FunctionSpec, Seeder, zip_bytes};

const REGION: &str = "us-east-1";
const NAME: &str = "users-prod-login";
const PROD: &str = "210987654321";

/// The credentials of one account.
#[derive(Clone)]
struct Keys {
    id: String,
    secret: String,
    token: Option<String>,
}

impl Keys {
    async fn config(&self, emulator: &Emulator) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(&emulator.endpoint)
            .credentials_provider(Credentials::new(
                &self.id,
                &self.secret,
                self.token.clone(),
                None,
                "test",
            ))
            .load()
            .await
    }
}

/// Both accounts, each with its role and `users-prod-login` (alias `live` on version 1); the
/// keys of dev (the test's own) and of prod (assumed into account 210987654321).
async fn two_accounts(emulator: &Emulator) -> (Keys, Keys) {
    let dev = Keys {
        id: "test".into(),
        secret: "test".into(),
        token: None,
    };
    let sts = aws_sdk_sts::Client::new(&dev.config(emulator).await);
    let assumed = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{PROD}:role/deployer"))
        .role_session_name("mfn-tui-test")
        .send()
        .await
        .expect("assume a role in the prod account");
    let c = assumed.credentials().expect("credentials");
    let prod = Keys {
        id: c.access_key_id().to_owned(),
        secret: c.secret_access_key().to_owned(),
        token: Some(c.session_token().to_owned()),
    };
    for (keys, account) in [(&dev, ACCOUNT), (&prod, PROD)] {
        let role = emulator.create_lambda_role_as(&keys.id, account);
        let seeder = Seeder::with_config(&keys.config(emulator).await, REGION, &role);
        let arn = seeder.function(&FunctionSpec::new(NAME)).await;
        assert!(arn.contains(account), "{arn} is in account {account}");
        seeder.publish(NAME, &format!("{account}-1"), "first").await;
        seeder.alias(NAME, "live", "1", None).await;
    }
    (dev, prod)
}

/// Everything an account's `users-prod-login` is: configuration, versions, aliases.
async fn state_of(emulator: &Emulator, keys: &Keys) -> Value {
    let lambda = aws_sdk_lambda::Client::new(&keys.config(emulator).await);
    let c = lambda
        .get_function_configuration()
        .function_name(NAME)
        .send()
        .await
        .unwrap();
    let versions = lambda
        .list_versions_by_function()
        .function_name(NAME)
        .send()
        .await
        .unwrap();
    let aliases = lambda
        .list_aliases()
        .function_name(NAME)
        .send()
        .await
        .unwrap();
    json!({
        "arn": c.function_arn(),
        "code": c.code_sha256(),
        "revision": c.revision_id(),
        "last_modified": c.last_modified(),
        "versions": versions.versions().iter().map(|v| json!([v.version(), v.code_sha256()])).collect::<Vec<_>>(),
        "aliases": aliases.aliases().iter().map(|a| json!([a.name(), a.function_version()])).collect::<Vec<_>>(),
    })
}

/// `~/.aws`-style files naming the profiles `dev` and `prod`, under `dir`.
fn profiles(dir: &Path, dev: &Keys, prod: &Keys) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    let credentials = dir.join("credentials");
    let config = dir.join("config");
    std::fs::write(
        &credentials,
        format!(
            "[dev]\naws_access_key_id = {}\naws_secret_access_key = {}\n\n[prod]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n",
            dev.id,
            dev.secret,
            prod.id,
            prod.secret,
            prod.token.as_deref().unwrap_or_default()
        ),
    )
    .unwrap();
    std::fs::write(
        &config,
        format!("[profile dev]\nregion = {REGION}\n\n[profile prod]\nregion = {REGION}\n"),
    )
    .unwrap();
    (credentials, config)
}

/// `mfn-tui --profile dev --profile prod ARGS` against the emulator, with no credentials but
/// the profiles' (an environment key would win over both).
fn mfn(
    emulator: &Emulator,
    dir: &Path,
    files: &(PathBuf, PathBuf),
    args: &[&str],
) -> (Option<i32>, String, String) {
    let bin = env!("CARGO_BIN_EXE_mfn-tui");
    let mut cmd = Command::new(bin);
    cmd.env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_SHARED_CREDENTIALS_FILE", &files.0)
        .env("AWS_CONFIG_FILE", &files.1)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("XDG_CONFIG_HOME", dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("MFN_TUI_LOG_FILE", dir.join("log"))
        .args(["--endpoint-url", &emulator.endpoint])
        .args(["--profile", "dev", "--profile", "prod", "--region", REGION])
        .args(args);
    support::cli::output(cmd)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mfn-accounts-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_deploys_to_the_account_that_owns_the_function_and_never_to_its_namesake() {
    let emulator = Emulator::start();
    let (dev, prod) = two_accounts(&emulator).await;
    let dir = scratch("cli");
    let files = profiles(&dir.join("aws"), &dev, &prod);
    let package = dir.join("package.zip");
    std::fs::write(&package, zip_bytes("prod-2")).unwrap();
    let package = package.display().to_string();
    let dev_before = state_of(&emulator, &dev).await;
    let prod_before = state_of(&emulator, &prod).await;

    // The name alone is found in both accounts: refused, never guessed.
    let (code, _, stderr) = mfn(
        &emulator,
        &dir,
        &files,
        &[
            "deploy", NAME, "--zip", &package, "--alias", "live", "--yes",
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("is in 2 places") && stderr.contains(PROD) && stderr.contains(ACCOUNT),
        "{stderr}"
    );
    assert_eq!(state_of(&emulator, &dev).await, dev_before);
    assert_eq!(state_of(&emulator, &prod).await, prod_before);

    // By its ARN: prod's, through prod's profile.
    let arn = format!("arn:aws:lambda:{REGION}:{PROD}:function:{NAME}");
    let (code, stdout, stderr) = mfn(
        &emulator,
        &dir,
        &files,
        &[
            "deploy", &arn, "--zip", &package, "--alias", "live", "--yes",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("to version 2 (published 2)"), "{stdout}");
    assert!(
        stderr.contains(&format!("in account {PROD} (prod)")),
        "the plan names the account: {stderr}"
    );
    assert_eq!(
        state_of(&emulator, &dev).await,
        dev_before,
        "dev's namesake is byte for byte as it was"
    );
    let prod_after = state_of(&emulator, &prod).await;
    assert_ne!(
        prod_after["code"], prod_before["code"],
        "prod has the new code"
    );
    assert_eq!(prod_after["aliases"][0], json!(["live", "2"]));

    let audit = std::fs::read_to_string(dir.join("state/mfn-tui/audit.jsonl")).unwrap();
    let line: Value = serde_json::from_str(audit.lines().last().unwrap()).unwrap();
    assert_eq!(line["arn"], arn.as_str());
    assert_eq!(line["account"], PROD);
    assert_eq!(line["region"], REGION);
    assert_eq!(line["profile"], "prod");
    assert!(
        line["who"].as_str().unwrap().contains(PROD),
        "who acted is prod's identity: {line}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_rolls_back_prods_function_and_leaves_devs_namesake_alone() {
    let emulator = Emulator::start();
    let (dev, prod) = two_accounts(&emulator).await;
    // Version 2 in both accounts, each alias on it, so each has something to roll back to.
    for keys in [&dev, &prod] {
        let seeder = Seeder::with_config(&keys.config(&emulator).await, REGION, "unused");
        seeder.publish(NAME, "second", "second").await;
        seeder.move_alias(NAME, "live", "2").await;
    }
    let dev_before = state_of(&emulator, &dev).await;
    let fleet = AwsFleet::with_clients(
        vec![
            (
                Target::new(Some("dev"), REGION),
                Clients::from_sdk_config(&dev.config(&emulator).await),
            ),
            (
                Target::new(Some("prod"), REGION),
                Clients::from_sdk_config(&prod.config(&emulator).await),
            ),
        ],
        8,
    );
    let audit = scratch("dashboard").join("audit.jsonl");
    let mut screen = Screen::new(fleet, 140, 40, false);
    screen.app.audit = AuditLog::at(&audit);
    screen.discover().await;
    let prod_arn = format!("arn:aws:lambda:{REGION}:{PROD}:function:{NAME}");
    let shown = screen.app.state.inventory.function(&prod_arn).unwrap();
    assert_eq!(shown.target, Target::new(Some("prod"), REGION));
    screen.app.state.view = View::Function {
        arn: prod_arn.clone(),
    };
    screen.keys("B<enter>").await;
    assert!(screen.asking(), "a protected stage asks for the name");
    screen.keys(&format!("{NAME}<enter>")).await;
    while screen.modal().is_some() {
        screen.app.next_batch().await;
    }
    let text = screen.text();
    assert!(
        text.contains("alias live moved from version 2 to version 1"),
        "{text}"
    );
    assert_eq!(
        state_of(&emulator, &dev).await,
        dev_before,
        "dev's namesake is byte for byte as it was"
    );
    assert_eq!(
        state_of(&emulator, &prod).await["aliases"][0],
        json!(["live", "1"])
    );
    let line: Value = serde_json::from_str(
        std::fs::read_to_string(&audit)
            .unwrap()
            .lines()
            .last()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(line["account"], PROD);
    assert_eq!(line["arn"], prod_arn.as_str());
    assert_eq!(line["profile"], "prod");
}
