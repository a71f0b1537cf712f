//! The logs view's rows as text: what the view draws and what `save` writes.

use crate::analysis::report::InvocationStatus;
use crate::text::visible;
use crate::units::{clock_time, invocation_dollars, iso_time, millis};

use super::buffer::Entry;
use super::invocations::Invocation;
use super::{LogsPane, Row};

/// A message on one line: tabs and line breaks as spaces, no trailing newline, and every other
/// control character or escape sequence shown, never acted on.
pub fn one_line(message: &str) -> String {
    visible(&message.trim_end().replace(['\t', '\n', '\r'], " ")).into_owned()
}

/// What an invocation's header says: request, function, cold or warm, duration, cost.
pub fn invocation_summary(pane: &LogsPane, inv: &Invocation) -> String {
    let function = &pane.functions[usize::from(inv.source)].name;
    let Some(request) = &inv.request_id else {
        return format!("init · {function} · {}", inv.stream);
    };
    let mut text = format!("{request} · {function}");
    match &inv.report {
        Some(r) => {
            text.push_str(if r.is_cold() { " · cold" } else { " · warm" });
            text.push_str(&format!(
                " · {} (billed {})",
                millis(r.duration_ms),
                millis(r.billed_duration_ms)
            ));
            if let Some(init) = r.init_duration_ms {
                text.push_str(&format!(" · init {}", millis(init)));
            }
            text.push_str(&format!(
                " · {}/{} MB",
                r.max_memory_used_mb, r.memory_size_mb
            ));
            match r.status {
                InvocationStatus::Success => {}
                InvocationStatus::Timeout => text.push_str(" · TIMEOUT"),
                InvocationStatus::Error => text.push_str(" · ERROR"),
            }
            if let Some(usd) = inv.cost_usd {
                text.push_str(&format!(" · {}", invocation_dollars(usd)));
            }
        }
        None => text.push_str(" · running"),
    }
    text
}

/// A record as a saved line: full time, function, message.
fn record_line(pane: &LogsPane, e: &Entry) -> String {
    format!(
        "{} {} {}",
        iso_time(e.timestamp_ms),
        pane.functions[usize::from(e.source)].name,
        e.message.trim_end()
    )
}

/// The time column of the view.
pub fn time_column(e: &Entry) -> String {
    clock_time(e.timestamp_ms)
}

/// The rows shown, as text: headers of invocations when grouped, records indented under them.
pub fn plain_lines(pane: &LogsPane) -> Vec<String> {
    pane.rows
        .iter()
        .filter_map(|row| match *row {
            Row::Record(i) => {
                let line = record_line(pane, pane.buffer.get(i)?);
                Some(if pane.grouped {
                    format!("    {line}")
                } else {
                    line
                })
            }
            Row::Invocation(id) => Some(format!(
                "── {}",
                invocation_summary(pane, pane.invocations.get(id)?)
            )),
        })
        .collect()
}

/// A message pretty-printed when it is (or ends with) a JSON object or array; `None` if not.
pub fn pretty_json(message: &str) -> Option<String> {
    let m = message.trim();
    // The managed runtimes put a prefix (time, request id, level) before the payload.
    let start = m.find(['{', '['])?;
    let value: serde_json::Value = serde_json::from_str(&m[start..]).ok()?;
    let body = serde_json::to_string_pretty(&value).ok()?;
    let prefix = m[..start].trim_end();
    Some(if prefix.is_empty() {
        body
    } else {
        format!("{}\n{body}", one_line(prefix))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_after_a_runtime_prefix_is_pretty_printed_and_prose_is_not() {
        let line = "2026-11-28T10:00:00.000Z\tid\tINFO\t{\"user\":{\"id\":7},\"ok\":true}";
        let pretty = pretty_json(line).unwrap();
        assert!(
            pretty.starts_with("2026-11-28T10:00:00.000Z id INFO\n{\n"),
            "{pretty}"
        );
        assert!(pretty.contains("\"id\": 7"), "{pretty}");
        assert_eq!(pretty_json("no json {here"), None);
        assert_eq!(pretty_json("plain words"), None);
    }
}
