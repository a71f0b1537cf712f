//! Serverless projects as people write them, run with `--local`: deployment-only keys read past
//! with a note, every variable form resolved as the framework does, other events listed,
//! duplicates reported, and a relative DIR that works. Each through the built binary or the
//! fleet, with real Python processes.

mod support;

use std::path::{Path, PathBuf};

use support::cli::{entry, local_command, output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/local")
}

fn scratch(name: &str) -> PathBuf {
    support::scratch::dir("projects", name)
}

/// `mfn-tui --local DIR ARGS…` run from `cwd`, with its state under `state`.
fn mfn_in(cwd: &Path, state: &Path, dir: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let mut cmd = local_command(state);
    cmd.current_dir(cwd).arg(dir).args(args);
    output(cmd)
}

fn ls(dir: &Path) -> (Option<i32>, serde_json::Value) {
    let state = scratch(&format!(
        "ls-{}",
        dir.file_name().unwrap().to_string_lossy()
    ));
    let (code, out, err) = mfn_in(
        &fixtures(),
        &state,
        &dir.display().to_string(),
        &["ls", "--json"],
    );
    let doc = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    (code, doc)
}

fn messages(doc: &serde_json::Value, kind: &str) -> Vec<String> {
    doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .map(|e| e["message"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn deployment_only_keys_are_read_past_with_one_note_and_the_function_runs() {
    let (code, doc) = ls(&fixtures().join("deployment-keys"));
    assert_eq!(code, Some(0), "notes are not failures: {doc}");
    assert!(messages(&doc, "config").is_empty(), "{doc}");
    let notes = messages(&doc, "note");
    assert_eq!(notes.len(), 1, "one note lists every key: {notes:#?}");
    for key in [
        "`org`",
        "`app`",
        "`constructs`",
        "`provider.iam`",
        "`provider.iamRoleStatements`",
        "`provider.lambdaHashingVersion`",
        "`provider.deploymentBucket`",
        "`provider.tracing`",
        "`provider.apiGateway`",
        "`functions.*.package`",
        "`functions.*.destinations`",
        "`functions.*.events.http.authorizer`",
    ] {
        assert!(notes[0].contains(key), "{key} in {}", notes[0]);
    }
    let f = entry(&doc, "functions", "orders-dev-get");
    assert_eq!(f["routes"][0]["path"], "/orders/{id}");
    let answer = get_order("deployment-keys", "7");
    assert_eq!(answer["payload"]["body"], r#"{"order": "7"}"#, "{answer}");
}

/// `invoke --json` of the fixture's `orders-dev-get` for order `id`, with `--local DIR`.
fn get_order(dir: &str, id: &str) -> serde_json::Value {
    let state = scratch(&format!("order-{}", dir.replace(['.', '/'], "")));
    let payload = format!(r#"{{"pathParameters":{{"id":"{id}"}}}}"#);
    let args = ["invoke", "orders-dev-get", "--payload", &payload, "--json"];
    let (code, out, err) = mfn_in(&fixtures(), &state, dir, &args);
    assert_eq!(code, Some(0), "{out} {err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn every_variable_form_reaches_the_handler_as_the_framework_resolves_it() {
    let state = scratch("variables");
    let mut cmd = local_command(&state);
    cmd.current_dir(fixtures())
        .env("AWS_ACCESS_KEY_ID", "operator-key")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:8000")
        .env("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8001")
        .env("NOT_PASSED", "private")
        .env_remove("MFN_TEST_UNSET_VARIABLE")
        .args(["variables", "invoke", "vars-dev-env", "--json"]);
    let (code, out, err) = output(cmd);
    assert_eq!(code, Some(0), "{out} {err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let env = &doc["payload"];
    let expected = [
        ("STAGE", "dev"),
        ("REGION", "us-east-1"),
        ("AWS_REGION_VAR", "us-east-1"),
        ("ACCOUNT", "000000000000"),
        ("NESTED", "orders-dev-table"),
        ("PARAM", "test"),
        ("PARAM_FALLBACK", "param-fallback"),
        ("ENV_FALLBACK", "env-fallback"),
        ("FROM_FILE", "hello from config.yml"),
        ("SSM_FALLBACK", "ssm-fallback"),
        ("INTRINSIC", ""),
        ("BUCKET", ""),
        ("IS_OFFLINE", "true"),
        ("AWS_ACCESS_KEY_ID", "operator-key"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:8000"),
        ("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8001"),
    ];
    for (name, value) in expected {
        assert_eq!(env[name], value, "{name} in {env}");
    }
    assert!(env["NOT_PASSED"].is_null(), "only [local] pass_env: {env}");
    let (_, doc) = ls(&fixtures().join("variables"));
    let notes = messages(&doc, "note").join("\n");
    assert!(
        notes.contains("`functions.env.environment.INTRINSIC`"),
        "{notes}"
    );
    assert!(
        notes.contains("`functions.env.environment.BUCKET`"),
        "{notes}"
    );
}

#[test]
fn a_param_follows_the_stage() {
    let state = scratch("variables-prod");
    let (code, out, err) = mfn_in(
        &fixtures(),
        &state,
        "variables",
        &["--stage", "prod", "invoke", "vars-prod-env", "--json"],
    );
    assert_eq!(code, Some(0), "{out} {err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["payload"]["PARAM"], "live");
    assert_eq!(doc["payload"]["STAGE"], "prod");
}

#[test]
fn events_that_only_aws_triggers_are_listed_and_the_function_loads() {
    let (code, doc) = ls(&fixtures().join("events"));
    assert_eq!(code, Some(0), "{doc}");
    let worker = entry(&doc, "functions", "jobs-dev-worker");
    let sources: Vec<(String, String)> = worker["event_sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["source_arn"].as_str().unwrap().to_owned(),
                s["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let kinds: Vec<&str> = sources
        .iter()
        .map(|(s, _)| s.split(':').next().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["sqs", "eventBridge", "s3", "alexaSkill"],
        "{sources:?}"
    );
    assert!(
        sources[0].0.contains("!GetAtt JobsQueue.Arn"),
        "{sources:?}"
    );
    assert!(
        sources
            .iter()
            .all(|(_, state)| state == "not triggered locally"),
        "{sources:?}"
    );
    let tick = entry(&doc, "functions", "jobs-dev-tick");
    assert_eq!(
        tick["event_sources"][0]["source_arn"],
        "schedule: cron(* * * * ? *)"
    );
    assert_eq!(tick["event_sources"][0]["state"], "runs here");
    let report = entry(&doc, "functions", "jobs-dev-report");
    assert_eq!(report["event_sources"][0]["state"], "disabled");
}

#[test]
fn duplicate_service_names_and_routes_are_reported_not_merged() {
    let (code, doc) = ls(&fixtures().join("collisions"));
    assert_eq!(code, Some(3), "reported as problems: {doc}");
    let problems = messages(&doc, "config");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("service `shop`") && p.contains("one/serverless.yml")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("route GET /products")
            && p.contains("catalog-dev-products")
            && p.contains("shop-dev-list")),
        "{problems:#?}"
    );
    let names = support::cli::names(&doc, "functions");
    assert_eq!(
        names,
        vec!["catalog-dev-products", "shop-dev-list"],
        "the second shop is not run"
    );
}

/// The README's own example, `--local ./my-services`: a relative DIR once gave every
/// function a relative LAMBDA_TASK_ROOT, and each invocation failed its init.
#[test]
fn a_relative_dir_runs_its_functions() {
    let doc = get_order("./deployment-keys", "1");
    assert!(doc["function_error"].is_null(), "{doc}");
    assert_eq!(doc["payload"]["statusCode"], 200, "{doc}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resources_only_service_beside_others_is_a_note() {
    let root = scratch("resources-only");
    let services = root.join("services");
    std::fs::create_dir_all(services.join("tables")).unwrap();
    std::fs::write(
        services.join("tables/serverless.yml"),
        "service: tables\nprovider:\n  name: aws\nresources:\n  Resources: {}\n",
    )
    .unwrap();
    let greeter = support::local::greeter(&root.join("g"));
    std::fs::rename(greeter.join("greeter"), services.join("greeter")).unwrap();
    let fleet = support::local::open_clean(&services, &root.join("state"));
    assert!(fleet.functions.contains_key("greeter-dev-hello"));
    assert!(
        fleet
            .project
            .notes
            .iter()
            .any(|(f, n)| f.ends_with("tables/serverless.yml") && n.contains("no `functions`")),
        "{:?}",
        fleet.project.notes
    );
}
