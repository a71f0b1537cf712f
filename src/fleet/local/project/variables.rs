//! Serverless Framework variables, the sources that matter on one machine: `${self:a.b}`,
//! `${opt:stage}` / `${opt:region}`, `${sls:stage}`, `${env:NAME}`, each with fallbacks
//! (`${env:X, 'default'}`, `${opt:stage, self:provider.stage}`), nested as deep as needed.

use std::collections::BTreeMap;

use serde_norway::Value;

/// What variables can read besides the document itself.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `--stage`, `--region` and the like.
    pub options: BTreeMap<String, String>,
    /// The environment (`env:`).
    pub env: BTreeMap<String, String>,
}

/// Resolves every `${…}` in `text`; `doc` is the whole file, for `self:` references.
pub fn resolve(text: &str, doc: &Value, sources: &Sources) -> Result<String, String> {
    resolve_depth(text, doc, sources, 0)
}

const MAX_DEPTH: usize = 10;

fn resolve_depth(
    text: &str,
    doc: &Value,
    sources: &Sources,
    depth: usize,
) -> Result<String, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "`{text}` refers to itself (variables nest deeper than {MAX_DEPTH})"
        ));
    }
    let mut out = text.to_owned();
    // Innermost first: the last `${` before the first `}` after it.
    while let Some(start) = out.rfind("${") {
        let end = out[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or_else(|| format!("`{text}` has a `${{` without its `}}`"))?;
        let inner = out[start + 2..end].to_owned();
        let value = expression(&inner, doc, sources, depth)?;
        // Inside another variable, a resolved value is a literal for it.
        let enclosed = out[..start].matches("${").count() > out[..start].matches('}').count();
        let value = if enclosed {
            format!("'{value}'")
        } else {
            value
        };
        out.replace_range(start..=end, &value);
    }
    Ok(out)
}

/// `a, b, 'c'`: the first that has a value.
fn expression(inner: &str, doc: &Value, sources: &Sources, depth: usize) -> Result<String, String> {
    let mut missing = Vec::new();
    for candidate in split_fallbacks(inner) {
        let candidate = candidate.trim();
        if let Some(literal) = quoted(candidate) {
            return Ok(literal.to_owned());
        }
        if candidate.parse::<f64>().is_ok() {
            return Ok(candidate.to_owned());
        }
        match source(candidate, doc, sources, depth)? {
            Some(value) => return Ok(value),
            None => missing.push(candidate.to_owned()),
        }
    }
    Err(format!(
        "`${{{inner}}}` has no value ({} unset) and no default; add one, e.g. `${{{}, 'value'}}`",
        missing.join(", "),
        missing.first().map(String::as_str).unwrap_or(inner)
    ))
}

fn split_fallbacks(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut quote, mut at) = (None, 0);
    for (i, c) in inner.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ',') => {
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

/// One source: `Ok(None)` when it has no value (so a fallback applies).
fn source(
    candidate: &str,
    doc: &Value,
    sources: &Sources,
    depth: usize,
) -> Result<Option<String>, String> {
    let (kind, key) = candidate.split_once(':').unwrap_or((candidate, ""));
    match kind {
        "self" => {
            let Some(value) = lookup(doc, key) else {
                return Ok(None);
            };
            match scalar(value) {
                Some(text) => resolve_depth(&text, doc, sources, depth + 1).map(Some),
                None => Err(format!(
                    "`${{self:{key}}}` is a list or a map; only text and numbers can be put in a string"
                )),
            }
        }
        "opt" => Ok(sources.options.get(key).cloned()),
        "sls" if key == "stage" => match sources.options.get("stage") {
            Some(stage) => Ok(Some(stage.clone())),
            None => match lookup(doc, "provider.stage").and_then(scalar) {
                Some(text) => resolve_depth(&text, doc, sources, depth + 1).map(Some),
                None => Ok(Some("dev".into())),
            },
        },
        "env" => Ok(sources.env.get(key).cloned()),
        _ => Err(format!(
            "the variable source `{kind}` (in `${{{candidate}}}`) is not available locally; use self:, opt:, sls:stage, env: or a literal"
        )),
    }
}

/// `a.b.c` in the document.
fn lookup<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .filter(|p| !p.is_empty())
        .try_fold(doc, |v, key| v.get(key))
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
mod tests {
    use super::*;

    fn doc() -> Value {
        serde_norway::from_str(
            "service: users\nprovider:\n  stage: ${opt:stage, 'dev'}\n  memorySize: 256\ncustom:\n  table: ${self:service}-${sls:stage}-users\n  loop: ${self:custom.loop}\n",
        )
        .unwrap()
    }

    fn sources(stage: Option<&str>) -> Sources {
        Sources {
            options: stage
                .map(|s| BTreeMap::from([("stage".to_string(), s.to_string())]))
                .unwrap_or_default(),
            env: BTreeMap::from([("REGION".to_string(), "eu-west-1".to_string())]),
        }
    }

    #[test]
    fn self_opt_sls_and_env_resolve_with_fallbacks() {
        let d = doc();
        let s = sources(None);
        assert_eq!(resolve("${self:provider.stage}", &d, &s).unwrap(), "dev");
        assert_eq!(
            resolve("${self:custom.table}", &d, &s).unwrap(),
            "users-dev-users"
        );
        assert_eq!(
            resolve("${self:provider.memorySize}", &d, &s).unwrap(),
            "256"
        );
        assert_eq!(
            resolve("${env:REGION, 'us-east-1'}", &d, &s).unwrap(),
            "eu-west-1"
        );
        assert_eq!(
            resolve("${env:NOPE, 'us-east-1'}", &d, &s).unwrap(),
            "us-east-1"
        );
        assert_eq!(
            resolve("${env:NOPE, ${self:service}}-x", &d, &s).unwrap(),
            "users-x"
        );
        let prod = sources(Some("prod"));
        assert_eq!(resolve("${sls:stage}", &d, &prod).unwrap(), "prod");
        assert_eq!(
            resolve("${self:custom.table}", &d, &prod).unwrap(),
            "users-prod-users"
        );
    }

    #[test]
    fn what_cannot_resolve_says_why() {
        let d = doc();
        let s = sources(None);
        let e = resolve("${env:TOKEN}", &d, &s).unwrap_err();
        assert!(e.contains("env:TOKEN") && e.contains("default"), "{e}");
        let e = resolve("${ssm:/db/password}", &d, &s).unwrap_err();
        assert!(
            e.contains("`ssm`") && e.contains("not available locally"),
            "{e}"
        );
        let e = resolve("${self:custom.loop}", &d, &s).unwrap_err();
        assert!(e.contains("refers to itself"), "{e}");
        let e = resolve("${self:provider", &d, &s).unwrap_err();
        assert!(e.contains("without its"), "{e}");
    }
}
