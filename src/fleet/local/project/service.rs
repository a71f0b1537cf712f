//! One `serverless.yml`: the service's name, stage and region, the provider's defaults and
//! every function, with all of the file's problems and notes found in one pass.

use std::path::Path;

use serde_norway::{Mapping, Value};

use super::events::HttpApiDefaults;
use super::fields::{Reader, keys};
use super::file::Unreadable;
use super::findings::Findings;
use super::function::FunctionDefaults;
use super::keys::{PROVIDER_PAST, PROVIDER_READ, TOP_PAST, TOP_READ};
use super::variables::{Resolver, Sources, scalar};
use super::{Payload, ServiceDef};

/// What reading one file gives: the service when it has no problem, and everything found.
#[derive(Debug, Clone, Default)]
pub struct ServiceRead {
    pub service: Option<ServiceDef>,
    pub errors: Vec<String>,
    pub notes: Vec<String>,
}

/// Reads one `serverless.yml`; each problem names its key.
pub fn read_service(file: &Path, sources: &Sources) -> ServiceRead {
    let fail = |e: String| ServiceRead {
        errors: vec![e],
        ..ServiceRead::default()
    };
    let text = match super::file::read_text(file) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot read it: {e}")),
    };
    let doc: Value = match serde_norway::from_str(&text) {
        Ok(d) => d,
        Err(e) => return fail(format!("not valid YAML: {e}")),
    };
    let Some(top) = doc.as_mapping() else {
        return fail("the file is not a map of keys".into());
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    let sources = &match with_dotenv(&doc, sources, dir) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let resolver = match Resolver::new(&doc, sources, dir) {
        Ok(r) => r,
        Err(e) => {
            return fail(format!(
                "`provider.stage` or `provider.region`: {}",
                e.message()
            ));
        }
    };
    let findings = Findings::default();
    for note in &resolver.notes {
        findings.note(note.clone());
    }
    let r = Reader {
        resolver: &resolver,
        findings: &findings,
    };
    let service = read(&r, top, file);
    let (errors, notes) = findings.finish();
    ServiceRead {
        service: service.filter(|_| errors.is_empty()),
        errors,
        notes,
    }
}

fn read(r: &Reader, top: &Mapping, file: &Path) -> Option<ServiceDef> {
    let dir = file.parent().unwrap_or(Path::new("."));
    r.sort_keys(top, "", "", (TOP_READ, TOP_PAST));
    let name = match top.get("service") {
        Some(Value::Mapping(m)) => r.text(m.get("name"), "service.name"),
        other => r.text(other, "service"),
    };
    if let Ok(None) = name {
        r.error("`service` is missing: name the service");
    }
    let provider = match r.map(top.get("provider"), "provider") {
        Ok(p) => p.unwrap_or_default(),
        Err(_) => Mapping::new(),
    };
    r.sort_keys(
        &provider,
        "provider",
        "provider",
        (PROVIDER_READ, PROVIDER_PAST),
    );
    if let Ok(Some(p)) = r.text(provider.get("name"), "provider.name")
        && p != "aws"
    {
        r.error(format!(
            "`provider.name` is `{p}`; only aws functions run here"
        ));
    }
    let (stage, region) = (r.resolver.stage.clone(), r.resolver.region.clone());
    let http_api = r
        .map(provider.get("httpApi"), "provider.httpApi")
        .ok()
        .flatten()
        .unwrap_or_default();
    for key in keys(&http_api) {
        if !["cors", "payload"].contains(&key.as_str()) {
            r.findings.past(format!("provider.httpApi.{key}"), None);
        }
    }
    let payload = match r.text(http_api.get("payload"), "provider.httpApi.payload") {
        Ok(Some(p)) if p == "1.0" => Payload::V1,
        Ok(Some(p)) if p != "2.0" => {
            r.error(format!(
                "`provider.httpApi.payload` is `{p}`; API Gateway takes '1.0' or '2.0'"
            ));
            Payload::V2
        }
        _ => Payload::V2,
    };
    let defaults = FunctionDefaults {
        runtime: r
            .text(provider.get("runtime"), "provider.runtime")
            .ok()
            .flatten(),
        architecture: r
            .text(provider.get("architecture"), "provider.architecture")
            .ok()
            .flatten()
            .unwrap_or_else(|| "x86_64".into()),
        memory_mb: r
            .number(provider.get("memorySize"), "provider.memorySize")
            .ok()
            .flatten()
            .unwrap_or(1024),
        timeout_s: r
            .number(provider.get("timeout"), "provider.timeout")
            .ok()
            .flatten()
            .unwrap_or(6),
        environment: r.environment(provider.get("environment"), "provider.environment"),
        layers: provider.get("layers").cloned(),
        http_api: HttpApiDefaults {
            cors: r.http_api_cors(http_api.get("cors"), "provider.httpApi.cors"),
            payload,
        },
    };
    let functions = functions(r, top.get("functions"));
    let name = name.ok().flatten()?;
    let mut defs = Vec::new();
    for (key, spec) in &functions {
        let Some(key) = scalar(key) else {
            r.error("a key under `functions` is not a name");
            continue;
        };
        defs.extend(r.function(&name, &stage, &key, spec, &defaults));
    }
    Some(ServiceDef {
        name,
        stage,
        region,
        dir: dir.to_path_buf(),
        file: file.to_path_buf(),
        functions: defs,
    })
}

/// With `useDotenv: true`, the framework reads `.env.STAGE` and `.env` of the service into
/// `${env:…}` (what the environment sets wins). A file there that cannot be read (a FIFO, a
/// directory, over 10 MB) is an error: its variables would be missing.
fn with_dotenv(doc: &Value, sources: &Sources, dir: &Path) -> Result<Sources, String> {
    let mut sources = sources.clone();
    if doc.get("useDotenv").and_then(Value::as_bool) != Some(true) {
        return Ok(sources);
    }
    let stage = Resolver::new(doc, &sources, dir).map_or_else(|_| "dev".into(), |r| r.stage);
    for name in [format!(".env.{stage}"), ".env".to_owned()] {
        let text = match super::file::read_text(&dir.join(&name)) {
            Ok(text) => text,
            Err(Unreadable::Missing) => continue,
            Err(e) => return Err(format!("`useDotenv`: cannot read `{name}`: {e}")),
        };
        for line in text.lines().map(str::trim) {
            let line = line.strip_prefix("export ").unwrap_or(line);
            if let Some((k, v)) = line.split_once('=')
                && !line.starts_with('#')
            {
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v);
                sources
                    .env
                    .entry(k.trim().to_owned())
                    .or_insert_with(|| v.to_owned());
            }
        }
    }
    Ok(sources)
}

/// `functions`: a map, a variable standing for one, or a list of them (as the framework takes
/// `- ${file(functions.yml)}`). None at all is a note: a service of resources only.
fn functions(r: &Reader, value: Option<&Value>) -> Mapping {
    let mut all = Mapping::new();
    match value {
        None | Some(Value::Null) => {
            r.findings
                .note("no `functions`: nothing runs here (a service of resources only, read past)");
        }
        Some(Value::Sequence(parts)) => {
            for (i, part) in parts.iter().enumerate() {
                if let Ok(Some(m)) = r.map(Some(part), &format!("functions[{i}]")) {
                    all.extend(m);
                }
            }
        }
        Some(other) => {
            if let Ok(Some(m)) = r.map(Some(other), "functions") {
                all = m;
            }
        }
    }
    all
}
