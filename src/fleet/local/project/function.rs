//! One entry under `functions:`: its settings over the provider's, its events and layers.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_norway::Value;

use super::FunctionDef;
use super::events::{Events, HttpApiDefaults};
use super::fields::Reader;
use super::keys::{FUNCTION_PAST, FUNCTION_READ};
use super::variables::{intrinsic, scalar};
use crate::fleet::local::environment::runtime_problem;

/// What functions take from `provider` unless they say otherwise.
pub(super) struct FunctionDefaults {
    pub runtime: Option<String>,
    pub architecture: String,
    pub memory_mb: u32,
    pub timeout_s: u32,
    pub environment: BTreeMap<String, String>,
    pub layers: Option<Value>,
    pub http_api: HttpApiDefaults,
}

impl Reader<'_> {
    /// The function `key` of `service`; `None` when it has problems (all recorded).
    pub fn function(
        &self,
        service: &str,
        stage: &str,
        key: &str,
        spec: &Value,
        defaults: &FunctionDefaults,
    ) -> Option<FunctionDef> {
        let errors_before = self.findings.error_count();
        let at = |k: &str| format!("functions.{key}.{k}");
        let spec = match self.map(Some(spec), &format!("functions.{key}")) {
            Ok(Some(m)) => m,
            Ok(None) => {
                self.error(format!("`functions.{key}` is empty: give it a handler"));
                return None;
            }
            Err(_) => return None,
        };
        self.sort_keys(
            &spec,
            &format!("functions.{key}"),
            "functions.*",
            (FUNCTION_READ, FUNCTION_PAST),
        );
        let handler = self.text(spec.get("handler"), &at("handler"));
        if let Ok(None) = handler {
            self.error(format!("`{}` is missing", at("handler")));
        }
        let runtime = match self.text(spec.get("runtime"), &at("runtime")) {
            Ok(own) => own.or_else(|| defaults.runtime.clone()),
            Err(_) => None,
        };
        match &runtime {
            None if spec.get("runtime").is_none() => {
                self.error(format!(
                    "`{}` is missing, and so is `provider.runtime`",
                    at("runtime")
                ));
            }
            Some(r) => {
                if let Some(why) = runtime_problem(r, self.resolver.dir) {
                    self.error(format!("`{}`: {why}", at("runtime")));
                }
            }
            None => {}
        }
        let mut environment = defaults.environment.clone();
        environment.extend(self.environment(spec.get("environment"), &at("environment")));
        let mut events = Events::default();
        match spec.get("events") {
            None | Some(Value::Null) => {}
            Some(Value::Sequence(list)) => {
                for (i, event) in list.iter().enumerate() {
                    let at = format!("{}[{i}]", at("events"));
                    self.event(event, &at, &defaults.http_api, &mut events);
                }
            }
            Some(_) => {
                self.error(format!("`{}` must be a list", at("events")));
            }
        }
        let layers = self.layers(
            spec.get("layers").or(defaults.layers.as_ref()),
            &at("layers"),
        );
        let name = self.text(spec.get("name"), &at("name"));
        let architecture = self.text(spec.get("architecture"), &at("architecture"));
        let memory = self.number(spec.get("memorySize"), &at("memorySize"));
        let timeout = self.number(spec.get("timeout"), &at("timeout"));
        let reserved = self.number(spec.get("reservedConcurrency"), &at("reservedConcurrency"));
        if self.findings.error_count() > errors_before {
            return None;
        }
        Some(FunctionDef {
            key: key.to_owned(),
            name: name
                .ok()?
                .unwrap_or_else(|| format!("{service}-{stage}-{key}")),
            handler: handler.ok()??,
            runtime: runtime?,
            architecture: architecture
                .ok()?
                .unwrap_or_else(|| defaults.architecture.clone()),
            memory_mb: memory.ok()?.unwrap_or(defaults.memory_mb),
            timeout_s: timeout.ok()?.unwrap_or(defaults.timeout_s),
            environment,
            reserved_concurrency: reserved.ok()?,
            events: events.routes,
            triggers: events.triggers,
            layers,
        })
    }

    /// `layers`: each must be a layer of this file (`!Ref NameLambdaLayer`) whose `path` is
    /// here; a layer known only by its ARN has no code on this machine and is refused.
    fn layers(&self, value: Option<&Value>, at: &str) -> Vec<PathBuf> {
        let Some(Value::Sequence(list)) = value else {
            return Vec::new();
        };
        let mut dirs = Vec::new();
        for (i, layer) in list.iter().enumerate() {
            let at = format!("{at}[{i}]");
            let reference = intrinsic(layer).and_then(|cfn| {
                let name = cfn
                    .rsplit(' ')
                    .next()?
                    .strip_suffix("LambdaLayer")?
                    .to_owned();
                Some(name)
            });
            let path = reference.as_ref().and_then(|name| {
                let layers = self.resolver.doc.get("layers")?.as_mapping()?;
                let (_, spec) = layers
                    .iter()
                    .find(|(k, _)| scalar(k).is_some_and(|k| capitalized(&k) == *name))?;
                let path = self.resolver.resolve(&scalar(spec.get("path")?)?).ok()?;
                Some(self.resolver.dir.join(path))
            });
            match path {
                Some(dir) if dir.is_dir() => dirs.push(dir),
                _ => {
                    let shown = scalar(layer)
                        .or_else(|| intrinsic(layer))
                        .unwrap_or_default();
                    self.error(format!(
                        "`{at}` (`{shown}`): the layer's code is not on this machine; only layers of this file with their `path` run here"
                    ));
                }
            }
        }
        dirs
    }
}

/// The framework's logical name of a layer: `my-deps` → `MyDashdeps`… simplified to the
/// common case, the first letter in upper case.
fn capitalized(name: &str) -> String {
    let mut c = name.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
