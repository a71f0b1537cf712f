//! One line of a log file and the REPORT record in it. Text lines are a header of at most three
//! words, then the message: nothing (bare records), `TIME` (CloudWatch Logs exports, `aws logs
//! tail --format short`), `TIME STREAM` (`aws logs tail`), `TIME FUNCTION` (the dashboard's saved
//! logs, `mfn-tui logs`), a `/aws/lambda/NAME` log group or a function ARN anywhere among them.
//! JSON lines are `mfn-tui logs --json` records (`timestamp_ms`, `function`, `message`), log
//! events (`timestamp`, `logGroup`, `message`) or `platform.report` records themselves.

use std::borrow::Cow;

use serde::Deserialize;

use crate::analysis::report::{self, InvocationReport};

use super::time::parse_time;

/// How a text REPORT record starts: the mark of a record, whatever else the line holds.
const TEXT_MARK: &str = "REPORT RequestId:";
/// What every JSON REPORT record holds.
const JSON_MARK: &str = "platform.report";
/// Header words before the message, at most.
const MAX_HEADER_WORDS: usize = 3;

/// What a line holds.
#[derive(Debug, PartialEq)]
pub enum Line<'a> {
    /// A REPORT record, with the time and the function the line names, where it names them.
    Record {
        report: InvocationReport,
        time_ms: Option<i64>,
        function: Option<Cow<'a, str>>,
    },
    /// A REPORT record that could not be read: cut short, or in a layout not recognised.
    Malformed,
    /// Any other line.
    Other,
}

/// Reads one line (without its line break).
pub fn read(line: &str) -> Line<'_> {
    let line = line.trim_end_matches('\r').trim_start();
    if line.starts_with('{') {
        return json_line(line);
    }
    let mut header = Header::default();
    let mut rest = line;
    for _ in 0..=MAX_HEADER_WORDS {
        if rest.starts_with("REPORT ") || rest.starts_with('{') {
            return message(rest, header.time_ms, header.function.map(Cow::Borrowed));
        }
        let Some((word, after)) = rest.split_once(' ') else {
            break;
        };
        if !header.take(word) {
            break;
        }
        rest = after.trim_start_matches(' ');
    }
    unread(line)
}

/// What the words before the message said.
#[derive(Default)]
struct Header<'a> {
    time_ms: Option<i64>,
    function: Option<&'a str>,
    /// The word just taken was the time (a function's name may follow it).
    after_time: bool,
}

impl<'a> Header<'a> {
    /// Takes one header word; `false` when it fits no header this reader knows.
    fn take(&mut self, word: &'a str) -> bool {
        let after_time = std::mem::take(&mut self.after_time);
        if self.time_ms.is_none()
            && let Some(t) = parse_time(word)
        {
            self.time_ms = Some(t);
            self.after_time = true;
            return true;
        }
        if let Some(name) = function_of_group(word).or_else(|| function_of_arn(word)) {
            return self.function.replace(name).is_none();
        }
        // Log streams (`2026/11/28/[$LATEST]…`) and other log groups name no function.
        if word.contains('/') {
            return true;
        }
        after_time && self.function.is_none() && is_function_name(word) && {
            self.function = Some(word);
            true
        }
    }
}

/// The record in a message, given the time and function its line names.
fn message<'a>(text: &str, time_ms: Option<i64>, function: Option<Cow<'a, str>>) -> Line<'a> {
    let text = text.trim_start();
    let marked = text.starts_with(TEXT_MARK) || text.starts_with('{') && text.contains(JSON_MARK);
    if !marked {
        return Line::Other;
    }
    match report::parse(text) {
        Some(report) => Line::Record {
            report,
            time_ms,
            function,
        },
        None => Line::Malformed,
    }
}

/// A line this reader found no record in: malformed when it holds a record's mark.
fn unread(line: &str) -> Line<'static> {
    if line.contains(TEXT_MARK) || line.contains('{') && line.contains(JSON_MARK) {
        Line::Malformed
    } else {
        Line::Other
    }
}

/// The fields of a JSON line this reader looks at; others are skipped.
#[derive(Deserialize)]
struct JsonLine {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    timestamp_ms: Option<i64>,
    /// Epoch milliseconds (log events) or ISO 8601 (`mfn-tui logs --json`).
    #[serde(default)]
    timestamp: Option<serde_json::Value>,
    /// A `platform.report` record's own time.
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    function: Option<String>,
    #[serde(default, alias = "logGroup")]
    log_group: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

fn json_line(line: &str) -> Line<'_> {
    let Ok(json) = serde_json::from_str::<JsonLine>(line) else {
        return unread(line);
    };
    if json.kind.as_deref() == Some(JSON_MARK) {
        let time_ms = json.time.as_deref().and_then(parse_time);
        return match report::parse(line) {
            Some(report) => Line::Record {
                report,
                time_ms,
                function: None,
            },
            None => Line::Malformed,
        };
    }
    let Some(text) = json.message else {
        return unread(line);
    };
    let time_ms = json.timestamp_ms.or_else(|| match json.timestamp? {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => parse_time(&s),
        _ => None,
    });
    let function = json.function.or_else(|| {
        let group = json.log_group?;
        function_of_group(&group).map(str::to_owned)
    });
    message(&text, time_ms, function.map(Cow::Owned))
}

/// `NAME` of the default log group `/aws/lambda/NAME` (also as Logs Insights' `@log`,
/// `ACCOUNT:/aws/lambda/NAME`).
fn function_of_group(word: &str) -> Option<&str> {
    let at = word.find("/aws/lambda/")?;
    let name = &word[at + "/aws/lambda/".len()..];
    ((at == 0 || word[..at].ends_with(':')) && is_function_name(name)).then_some(name)
}

/// `NAME` of `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`.
fn function_of_arn(word: &str) -> Option<&str> {
    let rest = word.strip_prefix("arn:")?;
    let (_, after) = rest.split_once(":function:")?;
    let name = after.split(':').next()?;
    is_function_name(name).then_some(name)
}

/// What Lambda accepts as a function's name: letters, digits, `-` and `_`, at most 64.
fn is_function_name(word: &str) -> bool {
    (1..=64).contains(&word.len())
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "REPORT RequestId: 3f1c0b2e\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t";
    const JSON: &str = r#"{"time":"2026-11-28T10:00:00.123Z","type":"platform.report","record":{"requestId":"j1","metrics":{"durationMs":20.5,"billedDurationMs":21,"memorySizeMB":256,"maxMemoryUsedMB":80},"status":"success"}}"#;
    const T: i64 = 1_795_860_000_123;

    /// The time and function a line's record comes with.
    fn read_record(line: &str) -> (Option<i64>, Option<String>) {
        match read(line) {
            Line::Record {
                time_ms, function, ..
            } => (time_ms, function.map(Cow::into_owned)),
            other => panic!("no record in {line:?}: {other:?}"),
        }
    }

    #[test]
    fn bare_records_name_neither_time_nor_function() {
        assert_eq!(read_record(TEXT), (None, None));
        assert_eq!(read_record(&format!("{TEXT}\r")), (None, None));
        // A JSON record carries its own time.
        assert_eq!(read_record(JSON), (Some(T), None));
    }

    #[test]
    fn exports_and_tail_give_the_time_and_streams_name_no_function() {
        assert_eq!(
            read_record(&format!("2026-11-28T10:00:00.123Z {TEXT}")),
            (Some(T), None)
        );
        assert_eq!(
            read_record(&format!("2026-11-28T10:00:00.123Z {JSON}")),
            (Some(T), None)
        );
        assert_eq!(
            read_record(&format!(
                "2026-11-28T10:00:00.123000+00:00 2026/11/28/[$LATEST]0123456789abcdef {TEXT}"
            )),
            (Some(T), None)
        );
        assert_eq!(
            read_record(&format!("2026-11-28T10:00:00 {TEXT}")),
            (Some(T - 123), None)
        );
    }

    #[test]
    fn saved_logs_log_groups_and_arns_name_the_function() {
        let named = (Some(T), Some("users-dev-login".to_owned()));
        assert_eq!(
            read_record(&format!("2026-11-28T10:00:00.123Z users-dev-login {TEXT}")),
            named
        );
        // Grouped under an invocation's header, indented.
        assert_eq!(
            read_record(&format!(
                "    2026-11-28T10:00:00.123Z users-dev-login {TEXT}"
            )),
            named
        );
        assert_eq!(
            read_record(&format!(
                "/aws/lambda/users-dev-login 2026/11/28/[1]ab 2026-11-28T10:00:00.123Z {TEXT}"
            )),
            named
        );
        assert_eq!(
            read_record(&format!(
                "2026-11-28T10:00:00.123Z arn:aws:lambda:eu-west-1:123456789012:function:users-dev-login:live {TEXT}"
            )),
            named
        );
    }

    #[test]
    fn json_lines_of_mfn_tui_logs_and_of_log_events() {
        let logs = serde_json::json!({
            "timestamp": "2026-11-28T10:00:00.123Z",
            "timestamp_ms": T,
            "function": "users-dev-login",
            "log_stream": "2026/11/28/[$LATEST]ab",
            "request_id": "3f1c0b2e",
            "message": TEXT,
        });
        assert_eq!(
            read_record(&logs.to_string()),
            (Some(T), Some("users-dev-login".into()))
        );
        let event = serde_json::json!({
            "logGroup": "/aws/lambda/orders",
            "logStreamName": "2026/11/28/[$LATEST]ab",
            "timestamp": T,
            "message": JSON,
        });
        assert_eq!(
            read_record(&event.to_string()),
            (Some(T), Some("orders".into()))
        );
    }

    #[test]
    fn records_that_cannot_be_read_are_malformed() {
        // Cut short.
        assert_eq!(
            read("2026-11-28T10:00:00.123Z REPORT RequestId: 3f1c0b2e\tDuration: 12.5"),
            Line::Malformed
        );
        assert_eq!(read(&JSON[..JSON.len() - 20]), Line::Malformed);
        // A header this reader does not know.
        assert_eq!(
            read(&format!("2026-11-28 10:00:00 UTC {TEXT}")),
            Line::Malformed
        );
    }

    #[test]
    fn other_lines_are_skipped() {
        for line in [
            "",
            "2026-11-28T10:00:00.123Z START RequestId: 3f1c0b2e Version: $LATEST",
            "2026-11-28T10:00:00.123Z 2026-11-28T10:00:00.120Z\t3f1c0b2e\tINFO\tsent the REPORT",
            "2026-11-28T10:00:00.123Z REPORT of the day: all good",
            r#"{"time":"2026-11-28T10:00:00.123Z","type":"platform.start","record":{}}"#,
            r#"{"message":"START RequestId: x","timestamp":1}"#,
        ] {
            assert_eq!(read(line), Line::Other, "{line}");
        }
    }
}
