//! Reading directories of services: what is read, read past, refused, and reported.

use super::*;

fn demo() -> Project {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    load(&dir, &Sources::default())
}

/// A service directory holding `yaml`, under a fresh temporary directory.
fn fixture(name: &str, yaml: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mfn-tui-project-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("svc")).unwrap();
    std::fs::write(dir.join("svc/serverless.yml"), yaml).unwrap();
    dir
}

fn errors(project: &Project) -> Vec<&str> {
    project.errors.iter().map(|(_, e)| e.as_str()).collect()
}

#[test]
fn the_demo_fleet_reads_as_three_services_in_two_runtimes() {
    let project = demo();
    assert!(project.errors.is_empty(), "{:?}", project.errors);
    let names: Vec<&str> = project.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["articles", "comments", "users"]);
    let users = &project.services[2];
    assert_eq!(users.stage, "dev");
    assert!(users.dir.is_absolute());
    let login = users.functions.iter().find(|f| f.key == "login").unwrap();
    assert_eq!(login.name, "users-dev-login");
    assert_eq!(login.runtime, "python3.11");
    assert_eq!(login.architecture, "arm64");
    assert_eq!((login.memory_mb, login.timeout_s), (128, 3));
    assert_eq!(login.reserved_concurrency, Some(2));
    assert_eq!(login.environment["USERS_TABLE"], "users-dev-users");
    assert_eq!(login.environment["STAGE"], "dev");
    assert_eq!(login.events.len(), 1);
    assert_eq!(
        (login.events[0].kind, login.events[0].method.as_str()),
        (ApiKind::Rest, "POST")
    );
    assert_eq!(login.events[0].path, "/users/login");
    let api = &project.services[0].functions[0];
    assert_eq!(api.runtime, "nodejs20.x");
    assert_eq!(api.events.len(), 2);
    assert_eq!(api.events[1].path, "/articles/{id}");
    assert_eq!(api.events[1].kind, ApiKind::Http);
}

#[test]
fn options_and_the_environment_reach_the_variables() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let sources = Sources {
        options: BTreeMap::from([("stage".to_string(), "prod".to_string())]),
        env: BTreeMap::from([("TOKEN_SECRET".to_string(), "from-env".to_string())]),
    };
    let project = load(&dir, &sources);
    let users = project.services.iter().find(|s| s.name == "users").unwrap();
    let login = users.functions.iter().find(|f| f.key == "login").unwrap();
    assert_eq!(login.name, "users-prod-login");
    assert_eq!(login.environment["TOKEN_SECRET"], "from-env");
    assert_eq!(login.environment["USERS_TABLE"], "users-prod-users");
}

#[test]
fn what_would_make_the_local_run_lie_is_refused_with_the_file_and_key() {
    let cases = [
        (
            "provider:\n  runtime: python3.11\nfunctions:\n  f:\n    handler: h.f\n    layers: ['arn:aws:lambda:us-east-1:1:layer:x:1']\n",
            "`functions.f.layers[0]`",
        ),
        (
            "provider:\n  runtime: python3.11\nfunctions:\n  f:\n    image: repo/f:latest\n",
            "`functions.f.image`",
        ),
        (
            "provider:\n  runtime: python3.11\nfunctions:\n  f:\n    handler: h.f\n    events:\n      - http:\n          method: get\n          path: /x\n          integration: lambda\n",
            "integration: lambda",
        ),
        (
            "provider:\n  runtime: java17\nfunctions:\n  f:\n    handler: h.f\n",
            "`functions.f.runtime`",
        ),
        (
            "provider:\n  runtime: python3.11\nfunctions:\n  f:\n    events: []\n",
            "`functions.f.handler` is missing",
        ),
        (
            "provider: {}\nfunctions:\n  f:\n    handler: h.f\n",
            "`provider.runtime`",
        ),
        (
            "provider:\n  runtime: python3.11\n  memorySize: lots\nfunctions:\n  f:\n    handler: h.f\n",
            "`provider.memorySize` must be a whole number",
        ),
        (
            "provider:\n  runtime: ${ssm:/runtime}\nfunctions:\n  f:\n    handler: h.f\n",
            "`ssm`",
        ),
        ("service: [oops\n", "not valid YAML"),
    ];
    for (i, (body, expected)) in cases.iter().enumerate() {
        let yaml = if body.starts_with("service") {
            (*body).to_owned()
        } else {
            format!("service: s\n{body}")
        };
        let dir = fixture(&format!("bad{i}"), &yaml);
        let project = load(&dir, &Sources::default());
        assert!(project.services.is_empty(), "case {i}");
        let (file, error) = &project.errors[0];
        assert!(file.ends_with("svc/serverless.yml"), "{file:?}");
        assert!(error.contains(expected), "case {i}: {error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn one_pass_reports_every_problem_of_a_file() {
    let dir = fixture(
        "many",
        "service: s\nprovider:\n  runtime: python3.11\n  timeout: soon\nfunctions:\n  a:\n    runtime: cobol\n  b:\n    handler: h.b\n    memorySize: big\n    image: x\n",
    );
    let project = load(&dir, &Sources::default());
    assert!(project.services.is_empty());
    let found = errors(&project);
    for expected in [
        "`provider.timeout`",
        "`functions.a.handler` is missing",
        "`functions.a.runtime`",
        "`functions.b.memorySize`",
        "`functions.b.image`",
    ] {
        assert!(
            found.iter().any(|e| e.contains(expected)),
            "{expected} in {found:#?}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_broken_service_does_not_keep_the_others_from_loading() {
    let dir = fixture("mixed", "service: broken\nfunctions: 3\n");
    std::fs::create_dir_all(dir.join("good")).unwrap();
    std::fs::write(
        dir.join("good/serverless.yml"),
        "service: good\nplugins: [serverless-offline]\nprovider:\n  runtime: nodejs20.x\nfunctions:\n  f:\n    handler: h.f\n    events:\n      - httpApi: 'GET /things/{id}'\n      - httpApi: '*'\n",
    )
    .unwrap();
    let project = load(&dir, &Sources::default());
    assert_eq!(project.services.len(), 1);
    assert_eq!(project.errors.len(), 1);
    let f = &project.services[0].functions[0];
    assert_eq!(
        (f.events[0].method.as_str(), f.events[0].path.as_str()),
        ("GET", "/things/{id}")
    );
    assert_eq!(
        (f.events[1].method.as_str(), f.events[1].path.as_str()),
        ("ANY", "/{proxy+}")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_service_of_resources_only_is_a_note_not_an_error() {
    let dir = fixture(
        "resources",
        "service: tables\nresources:\n  Resources: {}\n",
    );
    let project = load(&dir, &Sources::default());
    assert!(project.errors.is_empty(), "{:?}", project.errors);
    assert!(
        project
            .notes
            .iter()
            .any(|(_, n)| n.contains("no `functions`")),
        "{:?}",
        project.notes
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn use_dotenv_reads_the_stage_file_then_dot_env_under_the_environment() {
    let dir = fixture(
        "dotenv",
        "service: s\nuseDotenv: true\nprovider:\n  runtime: python3.11\n  environment:\n    A: ${env:A}\n    B: ${env:B}\n    C: ${env:C}\nfunctions:\n  f:\n    handler: h.f\n",
    );
    std::fs::write(
        dir.join("svc/.env"),
        "A=from-dotenv\nB=from-dotenv\n# C=commented\n",
    )
    .unwrap();
    std::fs::write(dir.join("svc/.env.dev"), "export B=\"from-stage-file\"\n").unwrap();
    let sources = Sources {
        options: BTreeMap::new(),
        env: BTreeMap::from([("A".to_string(), "from-shell".to_string())]),
    };
    let project = load(&dir, &sources);
    let env = &project.services[0].functions[0].environment;
    assert_eq!(env["A"], "from-shell");
    assert_eq!(env["B"], "from-stage-file");
    assert_eq!(env["C"], "", "unset: empty, with a note");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn project_files_that_are_not_regular_or_too_big_are_reported_and_the_rest_loads() {
    let dir = fixture(
        "hostile",
        "service: good\nprovider:\n  runtime: python3.11\nfunctions:\n  f:\n    handler: h.f\n",
    );
    let service = |name: &str, yaml: &str| {
        std::fs::create_dir_all(dir.join(name)).unwrap();
        std::fs::write(dir.join(name).join("serverless.yml"), yaml).unwrap();
        dir.join(name)
    };
    std::fs::create_dir_all(dir.join("pipe")).unwrap();
    mkfifo(&dir.join("pipe/serverless.yml"));
    std::fs::create_dir_all(dir.join("zero")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero/serverless.yml")).unwrap();
    let big = service(
        "big",
        "service: big\nprovider:\n  runtime: python3.11\n  environment:\n    X: ${file(./big.yml):x}\nfunctions:\n  f:\n    handler: h.f\n",
    );
    let file = std::fs::File::create(big.join("big.yml")).unwrap();
    file.set_len(file::MAX_BYTES + 1).unwrap();
    let dotenv =
        "provider:\n  runtime: python3.11\nuseDotenv: true\nfunctions:\n  f:\n    handler: h.f\n";
    let env_dir = service("envdir", &format!("service: envdir\n{dotenv}"));
    std::fs::create_dir_all(env_dir.join(".env")).unwrap();
    let env_pipe = service("envpipe", &format!("service: envpipe\n{dotenv}"));
    mkfifo(&env_pipe.join(".env"));

    // A FIFO must not hang the load: read it on a thread and give up waiting after a minute.
    let (tx, rx) = std::sync::mpsc::channel();
    let root = dir.clone();
    std::thread::spawn(move || tx.send(load(&root, &Sources::default())).unwrap());
    let project = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the load never blocks");

    let names: Vec<&str> = project.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["good"], "{:?}", project.errors);
    let reported = |service: &str, expected: &str| {
        let found = project
            .errors
            .iter()
            .find(|(file, _)| file.parent().is_some_and(|d| d.ends_with(service)));
        let Some((_, error)) = found else {
            panic!("nothing reported for {service}: {:?}", project.errors);
        };
        assert!(error.contains(expected), "{service}: {error}");
    };
    reported(
        "pipe",
        "serverless.yml is a FIFO (named pipe), not a regular file",
    );
    reported("zero", "serverless.yml is a device, not a regular file");
    reported("big", "big.yml holds more than 10 MB");
    reported("envdir", "cannot read `.env`");
    reported("envdir", ".env is a directory");
    reported("envpipe", ".env is a FIFO");
    assert_eq!(project.errors.len(), 5, "{:?}", project.errors);
    std::fs::remove_dir_all(&dir).unwrap();
}
