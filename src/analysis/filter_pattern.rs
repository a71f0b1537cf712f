//! CloudWatch Logs filter patterns for unstructured text, as the local fleet applies them:
//! terms that must all appear (`ERROR timeout`), quoted phrases (`"Task timed out"`), terms of
//! which one must appear (`?ERROR ?WARN`), and terms that must not (`-healthcheck`). Matching is
//! case-sensitive, as in CloudWatch Logs.

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilterPattern {
    all: Vec<String>,
    any: Vec<String>,
    none: Vec<String>,
}

impl FilterPattern {
    /// Parses `pattern`; JSON (`{ $.x = … }`) and space-delimited (`[a, b]`) patterns are refused.
    pub fn parse(pattern: &str) -> Result<FilterPattern, String> {
        let p = pattern.trim();
        if p.starts_with('{') || p.starts_with('[') {
            return Err(format!(
                "`{p}`: JSON and space-delimited filter patterns are not supported here; use terms, \"phrases\", ?any and -none"
            ));
        }
        let mut parsed = FilterPattern::default();
        let mut rest = p;
        while !rest.is_empty() {
            let (prefix, body) = match rest.as_bytes()[0] {
                b'?' => (Some('?'), &rest[1..]),
                b'-' => (Some('-'), &rest[1..]),
                _ => (None, rest),
            };
            let (term, after) = if let Some(quoted) = body.strip_prefix('"') {
                let end = quoted
                    .find('"')
                    .ok_or_else(|| format!("`{p}` has a quote without its end"))?;
                (&quoted[..end], &quoted[end + 1..])
            } else {
                let end = body.find(char::is_whitespace).unwrap_or(body.len());
                (&body[..end], &body[end..])
            };
            if !term.is_empty() {
                let list = match prefix {
                    Some('?') => &mut parsed.any,
                    Some(_) => &mut parsed.none,
                    None => &mut parsed.all,
                };
                list.push(term.to_owned());
            }
            rest = after.trim_start();
        }
        Ok(parsed)
    }

    pub fn matches(&self, message: &str) -> bool {
        self.all.iter().all(|t| message.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| message.contains(t.as_str())))
            && !self.none.iter().any(|t| message.contains(t.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_phrases_any_and_none() {
        let p = FilterPattern::parse("ERROR \"user 42\" -healthcheck").unwrap();
        assert!(p.matches("ERROR: user 42 failed"));
        assert!(!p.matches("ERROR: user 43 failed"));
        assert!(!p.matches("ERROR user 42 healthcheck"));
        let any = FilterPattern::parse("?\"REPORT RequestId\" ?\"platform.report\"").unwrap();
        assert!(any.matches("REPORT RequestId: x\tDuration: 1 ms"));
        assert!(!any.matches("START RequestId: x"));
        assert!(FilterPattern::parse("").unwrap().matches("anything"));
        assert!(
            !FilterPattern::parse("error").unwrap().matches("ERROR"),
            "case-sensitive"
        );
    }

    #[test]
    fn json_patterns_are_refused_with_what_works() {
        let e = FilterPattern::parse("{ $.level = \"error\" }").unwrap_err();
        assert!(e.contains("not supported") && e.contains("?any"), "{e}");
        assert!(FilterPattern::parse("\"open").is_err());
    }
}
