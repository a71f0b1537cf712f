//! Reading the values of a `serverless.yml` through its variables: text, numbers, maps, the
//! environment, and which keys of a section are read, read past or refused. A wrong value is
//! recorded and reading goes on, so one pass finds every problem.

use std::collections::BTreeMap;

use serde_norway::{Mapping, Value};

use super::findings::{Field, Findings, Reported};
use super::keys::{Treatment, treatment};
use super::variables::{Resolver, Unresolved, intrinsic, scalar};

pub(super) struct Reader<'a> {
    pub resolver: &'a Resolver<'a>,
    pub findings: &'a Findings,
}

/// The keys of a map, as text.
pub(super) fn keys(m: &Mapping) -> Vec<String> {
    m.keys().filter_map(scalar).collect()
}

impl Reader<'_> {
    pub fn error(&self, message: impl Into<String>) -> Reported {
        self.findings.error(message)
    }

    fn unresolved(&self, key: &str, e: Unresolved) -> Reported {
        self.error(format!("`{key}`: {}", e.message()))
    }

    pub fn text(&self, value: Option<&Value>, key: &str) -> Field<String> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(v) => {
                if let Some(cfn) = intrinsic(v) {
                    return Err(self.error(format!(
                        "`{key}` is a CloudFormation intrinsic (`{cfn}`), which has a value only in a deployed stack; write the value itself"
                    )));
                }
                let raw = scalar(v)
                    .ok_or_else(|| self.error(format!("`{key}` must be text or a number")))?;
                self.resolver
                    .resolve(&raw)
                    .map(Some)
                    .map_err(|e| self.unresolved(key, e))
            }
        }
    }

    pub fn number(&self, value: Option<&Value>, key: &str) -> Field<u32> {
        match self.text(value, key)? {
            None => Ok(None),
            // `1536MB` reads as the 1536 it says.
            Some(t) => t
                .trim()
                .trim_end_matches(['M', 'B', ' '])
                .parse()
                .map(Some)
                .map_err(|_| self.error(format!("`{key}` must be a whole number, not `{t}`"))),
        }
    }

    pub fn flag(&self, value: Option<&Value>, key: &str) -> Field<bool> {
        match self.text(value, key)? {
            None => Ok(None),
            Some(t) => match t.trim() {
                "true" => Ok(Some(true)),
                "false" => Ok(Some(false)),
                other => Err(self.error(format!("`{key}` must be true or false, not `{other}`"))),
            },
        }
    }

    /// A map, or a variable that stands for one (`${file(config.yml):dev}`).
    pub fn map(&self, value: Option<&Value>, key: &str) -> Field<Mapping> {
        let resolved;
        let value = match value {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(s)) if s.contains("${") => {
                resolved = self
                    .resolver
                    .value(s)
                    .map_err(|e| self.unresolved(key, e))?;
                &resolved
            }
            Some(v) => v,
        };
        match value {
            Value::Mapping(m) => Ok(Some(m.clone())),
            Value::Null => Ok(None),
            _ => Err(self.error(format!("`{key}` must be a map"))),
        }
    }

    /// Text values or a list of them: `[a, b]` or `a`.
    pub fn texts(&self, value: Option<&Value>, key: &str) -> Field<Vec<String>> {
        match value {
            Some(Value::Sequence(items)) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    out.extend(self.text(Some(item), &format!("{key}[{i}]"))?);
                }
                Ok(Some(out))
            }
            other => Ok(self.text(other, key)?.map(|t| vec![t])),
        }
    }

    /// `environment`: names to text. A value with no source here (an intrinsic, an unset
    /// variable of the environment, an AWS-only source) is `""`, with a note naming the key.
    pub fn environment(&self, value: Option<&Value>, key: &str) -> BTreeMap<String, String> {
        let mut env = BTreeMap::new();
        let Ok(Some(map)) = self.map(value, key) else {
            return env;
        };
        for (k, v) in &map {
            let Some(name) = scalar(k) else {
                self.error(format!("`{key}` has a name that is not text"));
                continue;
            };
            let at = format!("{key}.{name}");
            let value = if let Some(cfn) = intrinsic(v) {
                self.findings.note(format!(
                    "`{at}` is a CloudFormation intrinsic (`{cfn}`), set to \"\" here"
                ));
                String::new()
            } else if let Some(raw) = scalar(v) {
                match self.resolver.resolve(&raw) {
                    Ok(text) => text,
                    Err(Unresolved::Absent(why)) => {
                        self.findings
                            .note(format!("`{at}` is set to \"\" here: {why}"));
                        String::new()
                    }
                    Err(e) => {
                        self.unresolved(&at, e);
                        continue;
                    }
                }
            } else if v.is_null() {
                String::new()
            } else {
                self.error(format!("`{at}` must be text or a number"));
                continue;
            };
            env.insert(name, value);
        }
        env
    }

    /// Sorts the keys of a section: read past ones are noted under `shown` (the section with
    /// function names as `*`), refused ones are errors under `at`.
    pub fn sort_keys(&self, map: &Mapping, at: &str, shown: &str, lists: (&[&str], &[&str])) {
        let (read, past) = lists;
        let path = |prefix: &str, key: &str| match prefix {
            "" => key.to_owned(),
            p => format!("{p}.{key}"),
        };
        for key in keys(map) {
            match treatment(&key, read, past) {
                Treatment::Read => {}
                Treatment::Past(hint) => self.findings.past(path(shown, &key), hint),
                Treatment::Unknown => self
                    .findings
                    .past(path(shown, &key), Some("not a key mfn-tui knows")),
                Treatment::Refused(why) => {
                    self.error(format!("`{}`: {why}", path(at, &key)));
                }
            }
        }
    }
}
