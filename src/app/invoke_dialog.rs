//! The invoke dialog: a multi-line payload editor checked as you type, seeded from templates
//! (bundled in `assets/events`, and the events saved for the function), the qualifier and the
//! kind of invocation, and the outcome once it comes back.

use crate::fleet::Function;
use crate::fleet::InvocationType;
use crate::fleet::change::limits::{EVENT_LIMIT, SYNC_LIMIT, check_payload};

/// The bundled templates, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("empty", include_str!("../../assets/events/empty.json")),
    (
        "API Gateway REST",
        include_str!("../../assets/events/api-gateway-rest.json"),
    ),
    (
        "API Gateway HTTP",
        include_str!("../../assets/events/api-gateway-http.json"),
    ),
    ("SQS", include_str!("../../assets/events/sqs.json")),
    (
        "EventBridge",
        include_str!("../../assets/events/eventbridge.json"),
    ),
    ("S3", include_str!("../../assets/events/s3.json")),
];

/// What an invocation showed.
#[derive(Debug, Clone, PartialEq)]
pub struct InvokeOutcome {
    pub status: u16,
    pub function_error: Option<String>,
    pub executed_version: Option<String>,
    pub round_trip_ms: f64,
    /// The response, pretty-printed when it is JSON.
    pub response: String,
    pub log_tail: Vec<String>,
    /// From the tail's REPORT line: cold or warm, durations, memory, cost.
    pub report: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InvokeDialog {
    pub function: Function,
    pub lines: Vec<String>,
    pub row: usize,
    /// In chars.
    pub col: usize,
    /// Templates: the bundled ones, then the function's saved events (name, body).
    pub templates: Vec<(String, String)>,
    pub template: usize,
    pub qualifiers: Vec<String>,
    pub qualifier: usize,
    pub kind: InvocationType,
    /// Why the payload cannot be sent as it is (checked as you type).
    pub problem: Option<String>,
    pub outcome: Option<Result<InvokeOutcome, String>>,
    /// The size limit for the current kind.
    pub limit: usize,
}

impl InvokeDialog {
    pub fn open(function: Function) -> InvokeDialog {
        let mut qualifiers = vec!["$LATEST".to_owned()];
        qualifiers.extend(function.aliases.iter().map(|a| a.name.clone()));
        let mut versions: Vec<&str> = function
            .versions
            .iter()
            .map(|v| v.version.as_str())
            .collect();
        versions.sort_by_key(|v| std::cmp::Reverse(v.parse::<u64>().unwrap_or(0)));
        qualifiers.extend(versions.into_iter().map(str::to_owned));
        let templates = TEMPLATES
            .iter()
            .map(|(n, b)| ((*n).to_owned(), (*b).to_owned()))
            .collect();
        let mut d = InvokeDialog {
            function,
            lines: Vec::new(),
            row: 0,
            col: 0,
            templates,
            template: 0,
            qualifiers,
            qualifier: 0,
            kind: InvocationType::RequestResponse,
            problem: None,
            outcome: None,
            limit: SYNC_LIMIT,
        };
        d.load_template(0);
        d
    }

    /// Adds the function's saved events to the templates.
    pub fn add_saved(&mut self, saved: Vec<(String, String)>) {
        self.templates
            .extend(saved.into_iter().map(|(n, b)| (format!("saved: {n}"), b)));
    }

    pub fn load_template(&mut self, index: usize) {
        self.template = index % self.templates.len().max(1);
        let body = self.templates[self.template].1.trim_end().to_owned();
        self.lines = body.lines().map(str::to_owned).collect();
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.row = 0;
        self.col = 0;
        self.check();
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// Re-checks the payload: valid JSON, within the limit of the invocation's kind.
    pub fn check(&mut self) {
        self.problem = check_payload(self.text().as_bytes(), "the payload", self.limit).err();
    }

    pub fn next_kind(&mut self) {
        self.kind = match self.kind {
            InvocationType::RequestResponse => InvocationType::Event,
            InvocationType::Event => InvocationType::DryRun,
            InvocationType::DryRun => InvocationType::RequestResponse,
        };
        self.limit = if self.kind == InvocationType::Event {
            EVENT_LIMIT
        } else {
            SYNC_LIMIT
        };
        self.check();
    }

    pub fn next_qualifier(&mut self) {
        self.qualifier = (self.qualifier + 1) % self.qualifiers.len();
    }

    pub fn qualifier(&self) -> Option<String> {
        let q = &self.qualifiers[self.qualifier];
        (q != "$LATEST").then(|| q.clone())
    }

    fn byte_col(&self) -> usize {
        let line = &self.lines[self.row];
        line.char_indices()
            .nth(self.col)
            .map_or(line.len(), |(i, _)| i)
    }

    pub fn insert(&mut self, c: char) {
        let at = self.byte_col();
        self.lines[self.row].insert(at, c);
        self.col += 1;
        self.check();
    }

    pub fn newline(&mut self) {
        let at = self.byte_col();
        let rest = self.lines[self.row].split_off(at);
        self.lines.insert(self.row + 1, rest);
        self.row += 1;
        self.col = 0;
        self.check();
    }

    pub fn backspace(&mut self) {
        if self.col > 0 {
            self.col -= 1;
            let at = self.byte_col();
            self.lines[self.row].remove(at);
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.col = self.lines[self.row].chars().count();
            self.lines[self.row].push_str(&line);
        }
        self.check();
    }

    pub fn move_cursor(&mut self, rows: isize, cols: isize) {
        self.row = self
            .row
            .saturating_add_signed(rows)
            .min(self.lines.len() - 1);
        let len = self.lines[self.row].chars().count();
        self.col = self.col.saturating_add_signed(cols).min(len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_is_checked_as_you_go_and_keeps_what_was_typed() {
        let mut d = InvokeDialog::open(Function::new("f", "arn", "us-east-1"));
        assert_eq!(d.text(), "{}");
        assert!(d.problem.is_none());
        d.move_cursor(0, 1);
        for c in "\"a\": ".chars() {
            d.insert(c);
        }
        assert!(d.problem.as_ref().unwrap().contains("not valid JSON"));
        d.insert('1');
        assert_eq!(d.text(), "{\"a\": 1}");
        assert!(d.problem.is_none());
        d.newline();
        d.backspace();
        assert_eq!(d.text(), "{\"a\": 1}");
    }

    #[test]
    fn templates_and_qualifiers_cycle() {
        let mut f = Function::new("f", "arn", "us-east-1");
        f.versions = vec![crate::fleet::Version {
            version: "3".into(),
            code_sha256: String::new(),
            last_modified: String::new(),
            description: String::new(),
            state: crate::fleet::VersionState::Active,
        }];
        let mut d = InvokeDialog::open(f);
        assert_eq!(d.qualifiers, vec!["$LATEST", "3"]);
        d.next_qualifier();
        assert_eq!(d.qualifier().as_deref(), Some("3"));
        d.load_template(3);
        assert!(d.text().contains("aws:sqs"));
        assert!(d.problem.is_none(), "every bundled template is valid JSON");
        for (i, (name, _)) in TEMPLATES.iter().enumerate() {
            d.load_template(i);
            assert!(d.problem.is_none(), "{name}");
        }
    }
}
