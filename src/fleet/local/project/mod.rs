//! A fleet on disk: every service under a directory, read from its `serverless.yml`. Only the
//! subset that matters for running functions here is read; anything else in `provider` or a
//! function is refused with the file and the key, so nothing is silently ignored.

mod fields;
pub mod variables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_norway::{Mapping, Value};

use crate::fleet::ApiKind;
use fields::{FunctionDefaults, Reader, keys};
use variables::{Sources, scalar};

/// A service (one Serverless project) and its functions.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDef {
    pub name: String,
    pub stage: String,
    pub region: String,
    /// The project directory: handlers are found from here.
    pub dir: PathBuf,
    pub file: PathBuf,
    pub functions: Vec<FunctionDef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    /// The key under `functions:`.
    pub key: String,
    /// `SERVICE-STAGE-KEY`, as the framework names it.
    pub name: String,
    pub handler: String,
    pub runtime: String,
    pub architecture: String,
    pub memory_mb: u32,
    pub timeout_s: u32,
    pub environment: BTreeMap<String, String>,
    pub reserved_concurrency: Option<u32>,
    pub events: Vec<HttpEvent>,
}

/// An `http` (REST, payload v1) or `httpApi` (HTTP API, payload v2) event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpEvent {
    pub kind: ApiKind,
    /// Upper case, or `ANY`.
    pub method: String,
    /// With a leading `/`, path parameters as `{id}`.
    pub path: String,
}

/// What a directory holds: the services read, and the files that could not be read (why).
#[derive(Debug, Clone, Default)]
pub struct Project {
    pub services: Vec<ServiceDef>,
    pub errors: Vec<(PathBuf, String)>,
}

/// Top-level sections that configure deployment, not execution: read past.
const DEPLOYMENT_ONLY: [&str; 7] = [
    "frameworkVersion",
    "plugins",
    "custom",
    "package",
    "resources",
    "configValidationMode",
    "useDotenv",
];

/// Reads every `serverless.yml` (or `.yaml`) in `dir` and its immediate subdirectories.
pub fn load(dir: &Path, sources: &Sources) -> Project {
    let mut project = Project::default();
    let mut candidates = vec![dir.to_path_buf()];
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut subdirs: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            subdirs.sort();
            candidates.extend(subdirs);
        }
        Err(e) => {
            project
                .errors
                .push((dir.to_path_buf(), format!("cannot read the directory: {e}")));
            return project;
        }
    }
    for candidate in candidates {
        let Some(file) = ["serverless.yml", "serverless.yaml"]
            .iter()
            .map(|f| candidate.join(f))
            .find(|f| f.is_file())
        else {
            continue;
        };
        match read_service(&file, sources) {
            Ok(service) => project.services.push(service),
            Err(e) => project.errors.push((file, e)),
        }
    }
    if project.services.is_empty() && project.errors.is_empty() {
        project.errors.push((
            dir.to_path_buf(),
            "no serverless.yml here or in a directory below it".into(),
        ));
    }
    project
}

/// One `serverless.yml`; the error names the key that is wrong.
pub fn read_service(file: &Path, sources: &Sources) -> Result<ServiceDef, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read it: {e}"))?;
    let doc: Value = serde_norway::from_str(&text).map_err(|e| format!("not valid YAML: {e}"))?;
    let top = doc.as_mapping().ok_or("the file is not a map of keys")?;
    let r = Reader { doc: &doc, sources };
    for key in keys(top) {
        if !["service", "provider", "functions"].contains(&key.as_str())
            && !DEPLOYMENT_ONLY.contains(&key.as_str())
        {
            return Err(format!(
                "`{key}` is not supported locally (read: service, provider, functions)"
            ));
        }
    }
    let name = match top.get("service") {
        Some(Value::Mapping(m)) => r.text(m.get("name"), "service.name")?,
        other => r.text(other, "service")?,
    }
    .ok_or("`service` is missing")?;
    let empty = Mapping::new();
    let provider = match top.get("provider") {
        Some(Value::Mapping(m)) => m,
        None => &empty,
        Some(_) => return Err("`provider` must be a map".into()),
    };
    const PROVIDER: [&str; 8] = [
        "name",
        "runtime",
        "architecture",
        "memorySize",
        "timeout",
        "environment",
        "stage",
        "region",
    ];
    for key in keys(provider) {
        if !PROVIDER.contains(&key.as_str()) {
            return Err(format!(
                "`provider.{key}` is not supported locally (read: {})",
                PROVIDER.join(", ")
            ));
        }
    }
    if let Some(p) = r.text(provider.get("name"), "provider.name")?
        && p != "aws"
    {
        return Err(format!(
            "`provider.name` is `{p}`; only aws functions run here"
        ));
    }
    let stage = match sources.options.get("stage") {
        Some(s) => s.clone(),
        None => r
            .text(provider.get("stage"), "provider.stage")?
            .unwrap_or_else(|| "dev".into()),
    };
    let region = match sources.options.get("region") {
        Some(s) => s.clone(),
        None => r
            .text(provider.get("region"), "provider.region")?
            .unwrap_or_else(|| "us-east-1".into()),
    };
    let defaults = FunctionDefaults {
        runtime: r.text(provider.get("runtime"), "provider.runtime")?,
        architecture: r
            .text(provider.get("architecture"), "provider.architecture")?
            .unwrap_or_else(|| "x86_64".into()),
        memory_mb: r
            .number(provider.get("memorySize"), "provider.memorySize")?
            .unwrap_or(1024),
        timeout_s: r
            .number(provider.get("timeout"), "provider.timeout")?
            .unwrap_or(6),
        environment: r.environment(provider.get("environment"), "provider.environment")?,
    };
    let functions = match top.get("functions") {
        Some(Value::Mapping(m)) => m,
        None => return Err("`functions` is missing: nothing to run".into()),
        Some(_) => return Err("`functions` must be a map of function names".into()),
    };
    let mut defs = Vec::new();
    for (key, spec) in functions {
        let key = scalar(key).ok_or("a key under `functions` is not a name")?;
        defs.push(r.function(&name, &stage, &key, spec, &defaults)?);
    }
    Ok(ServiceDef {
        name,
        stage,
        region,
        dir: file.parent().unwrap_or(Path::new(".")).to_path_buf(),
        file: file.to_path_buf(),
        functions: defs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Project {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
        load(&dir, &Sources::default())
    }

    /// A service directory holding `yaml`, under a fresh temporary directory.
    fn fixture(name: &str, yaml: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("mfn-tui-project-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("svc")).unwrap();
        std::fs::write(dir.join("svc/serverless.yml"), yaml).unwrap();
        dir
    }

    #[test]
    fn the_demo_fleet_reads_as_three_services_in_two_runtimes() {
        let project = demo();
        assert!(project.errors.is_empty(), "{:?}", project.errors);
        let names: Vec<&str> = project.services.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["articles", "comments", "users"]);
        let users = &project.services[2];
        assert_eq!(users.stage, "dev");
        let login = users.functions.iter().find(|f| f.key == "login").unwrap();
        assert_eq!(login.name, "users-dev-login");
        assert_eq!(login.runtime, "python3.11");
        assert_eq!(login.architecture, "arm64");
        assert_eq!((login.memory_mb, login.timeout_s), (128, 3));
        assert_eq!(login.reserved_concurrency, Some(2));
        assert_eq!(login.environment["USERS_TABLE"], "users-dev-users");
        assert_eq!(login.environment["STAGE"], "dev");
        assert_eq!(
            login.events,
            vec![HttpEvent {
                kind: ApiKind::Rest,
                method: "POST".into(),
                path: "/users/login".into()
            }]
        );
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
    fn what_is_not_supported_is_refused_with_the_file_and_key() {
        let cases = [
            (
                "provider:\n  runtime: python3.11\n  vpc: {}\nfunctions:\n  f:\n    handler: h.f\n",
                "`provider.vpc`",
            ),
            (
                "provider:\n  runtime: python3.11\nfunctions:\n  f:\n    handler: h.f\n    layers: []\n",
                "`functions.f.layers`",
            ),
            (
                "provider:\n  runtime: python3.11\nfunctions:\n  f:\n    handler: h.f\n    events:\n      - sqs: arn:aws:sqs:x\n",
                "`sqs` events",
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
            assert!(project.services.is_empty());
            let (file, error) = &project.errors[0];
            assert!(file.ends_with("svc/serverless.yml"), "{file:?}");
            assert!(error.contains(expected), "case {i}: {error}");
            std::fs::remove_dir_all(&dir).unwrap();
        }
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
}
