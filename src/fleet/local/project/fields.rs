//! Reading the keys of a `serverless.yml`: text and numbers through the variables, the
//! environment, a function and its events; what is not read is refused with its key.

use std::collections::BTreeMap;

use serde_norway::{Mapping, Value};

use super::variables::{Sources, resolve, scalar};
use super::{FunctionDef, HttpEvent};
use crate::fleet::ApiKind;

pub(super) struct FunctionDefaults {
    pub runtime: Option<String>,
    pub architecture: String,
    pub memory_mb: u32,
    pub timeout_s: u32,
    pub environment: BTreeMap<String, String>,
}

pub(super) fn keys(m: &Mapping) -> Vec<String> {
    m.keys().filter_map(scalar).collect()
}

pub(super) struct Reader<'a> {
    pub doc: &'a Value,
    pub sources: &'a Sources,
}

impl Reader<'_> {
    pub(super) fn text(&self, value: Option<&Value>, key: &str) -> Result<Option<String>, String> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(v) => {
                let raw = scalar(v).ok_or_else(|| format!("`{key}` must be text or a number"))?;
                resolve(&raw, self.doc, self.sources)
                    .map(Some)
                    .map_err(|e| format!("`{key}`: {e}"))
            }
        }
    }

    pub(super) fn number(&self, value: Option<&Value>, key: &str) -> Result<Option<u32>, String> {
        match self.text(value, key)? {
            None => Ok(None),
            Some(t) => t
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| format!("`{key}` must be a whole number, not `{t}`")),
        }
    }

    pub(super) fn environment(
        &self,
        value: Option<&Value>,
        key: &str,
    ) -> Result<BTreeMap<String, String>, String> {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return Ok(BTreeMap::new());
        };
        let map = value
            .as_mapping()
            .ok_or_else(|| format!("`{key}` must be a map of names to values"))?;
        let mut env = BTreeMap::new();
        for (k, v) in map {
            let name = scalar(k).ok_or_else(|| format!("`{key}` has a name that is not text"))?;
            let value = self
                .text(Some(v), &format!("{key}.{name}"))?
                .unwrap_or_default();
            env.insert(name, value);
        }
        Ok(env)
    }

    pub(super) fn function(
        &self,
        service: &str,
        stage: &str,
        key: &str,
        spec: &Value,
        defaults: &FunctionDefaults,
    ) -> Result<FunctionDef, String> {
        const FUNCTION: [&str; 10] = [
            "handler",
            "runtime",
            "architecture",
            "memorySize",
            "timeout",
            "environment",
            "reservedConcurrency",
            "events",
            "description",
            "name",
        ];
        let at = |k: &str| format!("functions.{key}.{k}");
        let spec = spec
            .as_mapping()
            .ok_or_else(|| format!("`functions.{key}` must be a map"))?;
        for k in keys(spec) {
            if !FUNCTION.contains(&k.as_str()) {
                return Err(format!(
                    "`{}` is not supported locally (read: {})",
                    at(&k),
                    FUNCTION.join(", ")
                ));
            }
        }
        let handler = self
            .text(spec.get("handler"), &at("handler"))?
            .ok_or_else(|| format!("`{}` is missing", at("handler")))?;
        let runtime = self
            .text(spec.get("runtime"), &at("runtime"))?
            .or_else(|| defaults.runtime.clone())
            .ok_or_else(|| {
                format!(
                    "`{}` is missing, and so is `provider.runtime`",
                    at("runtime")
                )
            })?;
        let mut environment = defaults.environment.clone();
        environment.extend(self.environment(spec.get("environment"), &at("environment"))?);
        let mut events = Vec::new();
        if let Some(list) = spec.get("events").filter(|v| !v.is_null()) {
            let list = list
                .as_sequence()
                .ok_or_else(|| format!("`{}` must be a list", at("events")))?;
            for (i, event) in list.iter().enumerate() {
                events.push(self.event(event, &format!("{}[{i}]", at("events")))?);
            }
        }
        Ok(FunctionDef {
            key: key.to_owned(),
            name: self
                .text(spec.get("name"), &at("name"))?
                .unwrap_or_else(|| format!("{service}-{stage}-{key}")),
            handler,
            runtime,
            architecture: self
                .text(spec.get("architecture"), &at("architecture"))?
                .unwrap_or_else(|| defaults.architecture.clone()),
            memory_mb: self
                .number(spec.get("memorySize"), &at("memorySize"))?
                .unwrap_or(defaults.memory_mb),
            timeout_s: self
                .number(spec.get("timeout"), &at("timeout"))?
                .unwrap_or(defaults.timeout_s),
            environment,
            reserved_concurrency: self
                .number(spec.get("reservedConcurrency"), &at("reservedConcurrency"))?,
            events,
        })
    }

    fn event(&self, event: &Value, at: &str) -> Result<HttpEvent, String> {
        let map = event
            .as_mapping()
            .filter(|m| m.len() == 1)
            .ok_or_else(|| format!("`{at}` must be one event, like `- http: …`"))?;
        let (kind, spec) = map.iter().next().expect("one entry");
        let kind_name = scalar(kind).unwrap_or_default();
        let kind = match kind_name.as_str() {
            "http" => ApiKind::Rest,
            "httpApi" => ApiKind::Http,
            other => {
                return Err(format!(
                    "`{at}`: `{other}` events are not supported locally (http and httpApi are)"
                ));
            }
        };
        let at = format!("{at}.{kind_name}");
        let (method, path) = match spec {
            // `GET /articles`, or `'*'` for any route.
            Value::String(_) => {
                let text = self.text(Some(spec), &at)?.unwrap_or_default();
                match text.split_once(' ') {
                    Some((m, p)) => (m.to_owned(), p.trim().to_owned()),
                    None if text == "*" => ("ANY".to_owned(), "/{proxy+}".to_owned()),
                    None => return Err(format!("`{at}` must be `METHOD /path`, not `{text}`")),
                }
            }
            Value::Mapping(m) => {
                for k in keys(m) {
                    if !["method", "path", "cors", "private"].contains(&k.as_str()) {
                        return Err(format!("`{at}.{k}` is not supported locally"));
                    }
                }
                let method = self
                    .text(m.get("method"), &format!("{at}.method"))?
                    .ok_or_else(|| format!("`{at}.method` is missing"))?;
                let path = self
                    .text(m.get("path"), &format!("{at}.path"))?
                    .ok_or_else(|| format!("`{at}.path` is missing"))?;
                (method, path)
            }
            _ => return Err(format!("`{at}` must be a map with method and path")),
        };
        let method = match method.to_ascii_uppercase().as_str() {
            "*" => "ANY".to_owned(),
            m => m.to_owned(),
        };
        let path = format!("/{}", path.trim_start_matches('/'));
        Ok(HttpEvent { kind, method, path })
    }
}
