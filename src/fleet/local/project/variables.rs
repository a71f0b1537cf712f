//! Serverless Framework variables as the framework resolves them, from the sources one machine
//! has: `${self:…}`, `${opt:…}`, `${sls:stage}`, `${env:…}`, `${param:…}` (from `params:`),
//! `${aws:region}` / `${aws:accountId}` and `${file(…):…}`; fallbacks (`${env:X, 'default'}`),
//! nesting (`${self:custom.${sls:stage}.table}`), and the framework's defaults for
//! `provider.stage` (`dev`) and `provider.region` (`us-east-1`). Sources that live in AWS
//! (`ssm:`, `cf:`, `s3:`…) have no value here, so their fallback applies.

use std::collections::BTreeMap;
use std::path::Path;

use serde_norway::Value;

use crate::fleet::local::fleet::LOCAL_ACCOUNT;

/// What variables can read besides the document itself.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `--stage`, `--region` and the like.
    pub options: BTreeMap<String, String>,
    /// The environment (`env:`).
    pub env: BTreeMap<String, String>,
}

/// Why a variable has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// Its source has no value on this machine (an unset variable of the environment, an
    /// option not given, a parameter, or a source that lives in AWS).
    Absent(String),
    /// The file itself is wrong: a reference to nothing, a loop, a bad expression.
    Invalid(String),
}

impl Unresolved {
    pub fn message(&self) -> &str {
        match self {
            Unresolved::Absent(m) | Unresolved::Invalid(m) => m,
        }
    }
}

/// Resolves the variables of one `serverless.yml`.
pub struct Resolver<'a> {
    pub doc: &'a Value,
    pub sources: &'a Sources,
    /// The service directory: `file(…)` paths are relative to it.
    pub dir: &'a Path,
    pub stage: String,
    pub region: String,
    /// What choosing the stage and region took, for the operator to know.
    pub notes: Vec<String>,
}

const MAX_DEPTH: usize = 10;

/// Sources that exist only in an AWS account.
const REMOTE: [&str; 5] = ["ssm", "cf", "s3", "secretsmanager", "sls:instanceId"];

impl<'a> Resolver<'a> {
    /// A resolver with the stage and region the framework would use: `--stage` / `--region`,
    /// else `provider.stage` / `provider.region`, else `dev` / `us-east-1`.
    pub fn new(doc: &'a Value, sources: &'a Sources, dir: &'a Path) -> Result<Self, Unresolved> {
        let mut r = Resolver {
            doc,
            sources,
            dir,
            stage: "dev".into(),
            region: "us-east-1".into(),
            notes: Vec::new(),
        };
        for key in ["stage", "region"] {
            let value = match sources.options.get(key) {
                Some(v) => Some(v.clone()),
                None => match doc
                    .get("provider")
                    .and_then(|p| p.get(key))
                    .and_then(scalar)
                {
                    Some(t) => match r.resolve(&t) {
                        Ok(v) => Some(v),
                        // `stage: ${opt:stage}` without --stage: the framework's default.
                        Err(Unresolved::Absent(why)) => {
                            r.notes.push(format!(
                                "`provider.{key}`: {why}; the framework's default is used"
                            ));
                            None
                        }
                        Err(e) => return Err(e),
                    },
                    None => None,
                },
            };
            if let Some(value) = value {
                match key {
                    "stage" => r.stage = value,
                    _ => r.region = value,
                }
            }
        }
        Ok(r)
    }

    /// Resolves every `${…}` in `text` to text.
    pub fn resolve(&self, text: &str) -> Result<String, Unresolved> {
        self.text(text, 0)
    }

    /// Resolves `text`; a string that is one variable may stand for a map or a list.
    pub fn value(&self, text: &str) -> Result<Value, Unresolved> {
        self.value_at(text, 0)
    }

    fn text(&self, text: &str, depth: usize) -> Result<String, Unresolved> {
        let value = self.value_at(text, depth)?;
        scalar(&value).ok_or_else(|| {
            Unresolved::Invalid(format!(
                "`{text}` is a list or a map; only text and numbers can be put in a string"
            ))
        })
    }

    fn value_at(&self, text: &str, depth: usize) -> Result<Value, Unresolved> {
        if depth > MAX_DEPTH {
            return Err(Unresolved::Invalid(format!(
                "`{text}` refers to itself (variables nest deeper than {MAX_DEPTH})"
            )));
        }
        let mut out = text.to_owned();
        // Innermost first: the last `${` before the first `}` after it.
        while let Some(start) = out.rfind("${") {
            let end = out[start..].find('}').map(|e| start + e).ok_or_else(|| {
                Unresolved::Invalid(format!("`{text}` has a `${{` without its `}}`"))
            })?;
            let inner = out[start + 2..end].to_owned();
            let value = self.expression(&inner, depth)?;
            if start == 0 && end == out.len() - 1 {
                return Ok(value);
            }
            let resolved = scalar(&value).ok_or_else(|| {
                Unresolved::Invalid(format!(
                    "`${{{inner}}}` is a list or a map; only text and numbers can be put in a string"
                ))
            })?;
            // A value standing as a whole candidate of an enclosing variable
            // (`${env:X, ${self:y}}`) is a literal for it; one inside an address
            // (`${self:custom.${sls:stage}.table}`) is part of the address.
            let before = out[..start].trim_end();
            let after = out[end + 1..].trim_start();
            let candidate = (before.ends_with(',') || before.ends_with("${"))
                && (after.starts_with(',') || after.starts_with('}'));
            let enclosed = out[..start].matches("${").count() > out[..start].matches('}').count();
            let replacement = if enclosed && candidate {
                format!("'{resolved}'")
            } else {
                resolved
            };
            out.replace_range(start..=end, &replacement);
        }
        Ok(Value::String(out))
    }

    /// `a, b, 'c'`: the first that has a value.
    fn expression(&self, inner: &str, depth: usize) -> Result<Value, Unresolved> {
        let mut absent = Vec::new();
        for candidate in split_fallbacks(inner) {
            let candidate = candidate.trim();
            if let Some(literal) = quoted(candidate) {
                return Ok(Value::String(literal.to_owned()));
            }
            if candidate.parse::<f64>().is_ok() || ["true", "false"].contains(&candidate) {
                return Ok(Value::String(candidate.to_owned()));
            }
            match self.source(candidate, depth) {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => absent.push((candidate.to_owned(), None)),
                Err(Unresolved::Absent(why)) => absent.push((candidate.to_owned(), Some(why))),
                Err(invalid) => return Err(invalid),
            }
        }
        let (first, why) = absent.first().cloned().unwrap_or_default();
        let names: Vec<&str> = absent.iter().map(|(c, _)| c.as_str()).collect();
        let why = why.map(|w| format!("{w}; ")).unwrap_or_default();
        let message = format!(
            "`${{{inner}}}` has no value here ({} unset; {why}no fallback): give one, e.g. `${{{first}, 'value'}}`",
            names.join(", ")
        );
        // A reference into the file that finds nothing is a mistake in the file.
        if first.starts_with("self:") && absent.len() == 1 && absent[0].1.is_none() {
            return Err(Unresolved::Invalid(message));
        }
        Err(Unresolved::Absent(message))
    }

    /// One source: `Ok(None)` when it has no value (so a fallback applies).
    fn source(&self, candidate: &str, depth: usize) -> Result<Option<Value>, Unresolved> {
        if let Some(rest) = candidate.strip_prefix("file(") {
            return self.file(rest, depth);
        }
        let (kind, key) = candidate.split_once(':').unwrap_or((candidate, ""));
        let text = |v: &str| Ok(Some(Value::String(v.to_owned())));
        match (kind, key) {
            ("self", key) => self.lookup(self.doc, key, depth).map(|v| {
                v.or_else(|| match key {
                    "provider.stage" => Some(Value::String(self.stage.clone())),
                    "provider.region" => Some(Value::String(self.region.clone())),
                    _ => None,
                })
            }),
            ("opt", key) => Ok(self.sources.options.get(key).cloned().map(Value::String)),
            ("sls", "stage") => text(&self.stage),
            ("aws", "region") => text(&self.region),
            ("aws", "accountId") => text(LOCAL_ACCOUNT),
            ("env", key) => Ok(self.sources.env.get(key).cloned().map(Value::String)),
            ("param", key) => self.param(key, depth),
            _ if REMOTE.contains(&kind) || REMOTE.contains(&candidate) => Err(Unresolved::Absent(
                format!("`{kind}` is read from an AWS account when deploying, not locally"),
            )),
            _ => Err(Unresolved::Absent(format!(
                "the variable source `{kind}` is not available locally (self, opt, sls, env, param, aws, file are)"
            ))),
        }
    }

    /// `params: {STAGE: {…}, default: {…}}`: the stage's value, else the default's.
    fn param(&self, key: &str, depth: usize) -> Result<Option<Value>, Unresolved> {
        let Some(params) = self.doc.get("params") else {
            return Ok(None);
        };
        for section in [self.stage.as_str(), "default"] {
            if let Some(v) = params.get(section).and_then(|s| s.get(key)) {
                return self.resolved(v, depth).map(Some);
            }
        }
        Ok(None)
    }

    /// `file(./config.yml):a.b` (the text after `file(`): a YAML or JSON file of the service.
    fn file(&self, rest: &str, depth: usize) -> Result<Option<Value>, Unresolved> {
        let (path, address) = rest.split_once(')').ok_or_else(|| {
            Unresolved::Invalid(format!("`file({rest}` has no closing parenthesis"))
        })?;
        let path = quoted(path.trim()).unwrap_or(path.trim());
        let address = address.trim_start_matches(':');
        let file = self.dir.join(path);
        if !["yml", "yaml", "json"]
            .iter()
            .any(|e| file.extension().is_some_and(|x| x == *e))
        {
            return Err(Unresolved::Absent(format!(
                "`{path}` is code, which only the framework runs (YAML and JSON files are read)"
            )));
        }
        let text = match super::file::read_text(&file) {
            Ok(text) => text,
            Err(super::file::Unreadable::Missing) => return Ok(None),
            Err(e) => return Err(Unresolved::Invalid(format!("`{path}`: {e}"))),
        };
        let doc: Value = serde_norway::from_str(&text)
            .map_err(|e| Unresolved::Invalid(format!("`{path}` is not YAML or JSON: {e}")))?;
        self.lookup(&doc, address, depth)
    }

    /// `a.b.c` in `doc`, resolving variables met on the way (`custom: ${file(c.yml)}`).
    fn lookup(&self, doc: &Value, path: &str, depth: usize) -> Result<Option<Value>, Unresolved> {
        let mut at = doc.clone();
        for key in path.split('.').filter(|p| !p.is_empty()) {
            let key = quoted(key).unwrap_or(key);
            if let Value::String(s) = &at
                && s.contains("${")
            {
                at = self.value_at(s, depth + 1)?;
            }
            let next = match &at {
                Value::Sequence(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
                other => other.get(key),
            };
            match next {
                Some(v) => at = v.clone(),
                None => return Ok(None),
            }
        }
        self.resolved(&at, depth).map(Some)
    }

    /// A found value: text with its own variables resolved, anything else as it is.
    fn resolved(&self, value: &Value, depth: usize) -> Result<Value, Unresolved> {
        if let Some(cfn) = intrinsic(value) {
            return Err(Unresolved::Absent(format!(
                "it is a CloudFormation intrinsic (`{cfn}`), which has a value only in a deployed stack"
            )));
        }
        match value {
            Value::String(s) if s.contains("${") => self.value_at(s, depth + 1),
            Value::Null => Ok(Value::String(String::new())),
            other => Ok(other.clone()),
        }
    }
}

/// A CloudFormation intrinsic (`!Ref X`, `{"Fn::GetAtt": …}`), as written.
pub fn intrinsic(value: &Value) -> Option<String> {
    match value {
        Value::Tagged(t) => Some(match scalar(&t.value) {
            Some(arg) => format!("{} {arg}", t.tag),
            None => t.tag.to_string(),
        }),
        Value::Mapping(m) if m.len() == 1 => {
            let (k, v) = m.iter().next()?;
            let k = scalar(k)?;
            (k == "Ref" || k.starts_with("Fn::")).then(|| match scalar(v) {
                Some(arg) => format!("{k}: {arg}"),
                None => k,
            })
        }
        _ => None,
    }
}

fn split_fallbacks(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut quote, mut parens, mut at) = (None, 0, 0);
    for (i, c) in inner.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '(') => parens += 1,
            (None, ')') => parens -= 1,
            (None, ',') if parens == 0 => {
                parts.push(&inner[at..i]);
                at = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[at..]);
    parts
}

fn quoted(s: &str) -> Option<&str> {
    ['\'', '"']
        .iter()
        .find_map(|q| s.strip_prefix(*q).and_then(|r| r.strip_suffix(*q)))
}

/// Text for a scalar value.
pub fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
