//! Lambda logs with known figures, written in the line layouts `stats --from` reads: each
//! invocation's START, a handler line, END and REPORT (text or JSON), as a CloudWatch Logs export,
//! `aws logs tail` (detailed and short), the dashboard's saved logs, `mfn-tui logs --json` or
//! bare messages.

use std::io::Write;

use mfn_tui::units::iso_time;

/// How each line is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `TIME MESSAGE` (CloudWatch Logs export; one stream, one function).
    Export,
    /// `TIME STREAM MESSAGE` (`aws logs tail`; Python's isoformat with microseconds).
    TailDetailed,
    /// `TIME MESSAGE` to the second, no zone (`aws logs tail --format short`).
    TailShort,
    /// `TIME FUNCTION MESSAGE` (the dashboard's saved logs and `mfn-tui logs`).
    Saved,
    /// One `mfn-tui logs --json` record per line.
    LogsJson,
    /// The messages alone.
    Bare,
}

/// One invocation and how its REPORT record reads.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub function: String,
    pub time_ms: i64,
    pub duration_ms: f64,
    pub init_ms: Option<f64>,
    /// `timeout` or `error`; success when `None`.
    pub status: Option<&'static str>,
    /// The JSON log format's `platform.report` instead of a text REPORT line.
    pub json: bool,
}

impl Invocation {
    /// A warm, successful invocation with a text REPORT line.
    pub fn warm(function: &str, time_ms: i64, duration_ms: f64) -> Self {
        Invocation {
            function: function.to_owned(),
            time_ms,
            duration_ms,
            init_ms: None,
            status: None,
            json: false,
        }
    }
}

/// The REPORT message of `inv`, text or JSON.
pub fn report_message(inv: &Invocation, id: &str) -> String {
    let billed = (inv.duration_ms + inv.init_ms.unwrap_or(0.0)).ceil();
    if inv.json {
        let mut metrics = serde_json::json!({
            "durationMs": inv.duration_ms,
            "billedDurationMs": billed,
            "memorySizeMB": 512,
            "maxMemoryUsedMB": 100,
        });
        if let Some(init) = inv.init_ms {
            metrics["initDurationMs"] = init.into();
        }
        return serde_json::json!({
            "time": iso_time(inv.time_ms),
            "type": "platform.report",
            "record": {
                "requestId": id,
                "metrics": metrics,
                "status": inv.status.unwrap_or("success"),
            },
        })
        .to_string();
    }
    let mut text = format!(
        "REPORT RequestId: {id}\tDuration: {:.2} ms\tBilled Duration: {billed} ms\tMemory Size: 512 MB\tMax Memory Used: 100 MB\t",
        inv.duration_ms
    );
    if let Some(init) = inv.init_ms {
        text.push_str(&format!("Init Duration: {init:.2} ms\t"));
    }
    match inv.status {
        Some("error") => text.push_str("Status: error\tError Type: Runtime.ExitError\t"),
        Some(status) => text.push_str(&format!("Status: {status}\t")),
        None => {}
    }
    text
}

/// One line holding `message`, written at `inv.time_ms` by `inv.function`.
pub fn line(layout: Layout, inv: &Invocation, message: &str) -> String {
    let time = iso_time(inv.time_ms);
    match layout {
        Layout::Export => format!("{time} {message}"),
        Layout::TailDetailed => format!(
            "{}000+00:00 2026/11/28/[$LATEST]0123456789abcdef0123456789abcdef {message}",
            time.trim_end_matches('Z')
        ),
        Layout::TailShort => format!("{} {message}", &time[..19]),
        Layout::Saved => format!("{time} {} {message}", inv.function),
        Layout::LogsJson => serde_json::json!({
            "timestamp": time,
            "timestamp_ms": inv.time_ms,
            "function": inv.function,
            "log_stream": "2026/11/28/[$LATEST]0123456789abcdef0123456789abcdef",
            "request_id": null,
            "message": message,
        })
        .to_string(),
        Layout::Bare => message.to_owned(),
    }
}

/// Writes every invocation's four lines; the bytes written.
pub fn write_log(
    mut out: impl Write,
    layout: Layout,
    invocations: impl IntoIterator<Item = Invocation>,
) -> std::io::Result<u64> {
    let mut written = 0u64;
    for (i, inv) in invocations.into_iter().enumerate() {
        let id = format!("{i:08x}-1111-2222-3333-444455556666");
        let handler = format!(
            "{}\t{id}\tINFO\tprocessed order {i} for customer {}",
            iso_time(inv.time_ms),
            i % 1013
        );
        for message in [
            format!("START RequestId: {id} Version: $LATEST"),
            handler,
            format!("END RequestId: {id}"),
            report_message(&inv, &id),
        ] {
            let text = line(layout, &inv, &message);
            out.write_all(text.as_bytes())?;
            out.write_all(b"\n")?;
            written += text.len() as u64 + 1;
        }
    }
    Ok(written)
}
