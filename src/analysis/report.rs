//! The platform's REPORT record of one invocation, read from either log format.
//!
//! Text: `REPORT RequestId: … Duration: 395.99 ms Billed Duration: 662 ms Memory Size: 512 MB
//! Max Memory Used: 301 MB [Init Duration: 265.72 ms] [Restore Duration: … Billed Restore
//! Duration: …] [Status: timeout|error Error Type: …]`, fields tab-separated (spaces accepted too),
//! X-Ray fields possibly following. JSON: `{"type":"platform.report","record":{"requestId":…,
//! "metrics":{"durationMs":…},"status":…}}`.

use serde::{Deserialize, Serialize};

/// How an invocation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvocationStatus {
    Success,
    Timeout,
    Error,
}

/// A request id, kept inline: reading millions of records allocates nothing per record.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RequestId {
    len: u8,
    bytes: [u8; 64],
}

impl RequestId {
    /// Ids longer than 64 bytes (none that Lambda makes) are cut at a char boundary.
    pub fn new(id: &str) -> RequestId {
        let mut len = id.len().min(64);
        while len < id.len() && !id.is_char_boundary(len) {
            len -= 1;
        }
        let mut bytes = [0u8; 64];
        bytes[..len].copy_from_slice(&id.as_bytes()[..len]);
        RequestId {
            len: len as u8,
            bytes,
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl std::fmt::Debug for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl Serialize for RequestId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What the platform reported about one invocation. Durations in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvocationReport {
    pub request_id: RequestId,
    pub duration_ms: f64,
    pub billed_duration_ms: f64,
    pub memory_size_mb: u32,
    pub max_memory_used_mb: u32,
    /// Present only on a cold start of an on-demand environment.
    pub init_duration_ms: Option<f64>,
    /// SnapStart: the restore that replaced init on a cold start.
    pub restore_duration_ms: Option<f64>,
    pub billed_restore_duration_ms: Option<f64>,
    pub status: InvocationStatus,
}

impl InvocationReport {
    /// A cold start: the environment was initialised (or restored) for this invocation.
    pub fn is_cold(&self) -> bool {
        self.init_duration_ms.is_some() || self.restore_duration_ms.is_some()
    }

    /// The latency a caller saw: init (or restore) plus duration on a cold start, duration when warm.
    pub fn latency_ms(&self) -> f64 {
        self.duration_ms
            + self
                .init_duration_ms
                .or(self.restore_duration_ms)
                .unwrap_or(0.0)
    }

    /// Billed milliseconds: the billed duration (which includes billed init where the platform
    /// bills it) plus the billed restore under SnapStart.
    pub fn billed_ms(&self) -> f64 {
        self.billed_duration_ms + self.billed_restore_duration_ms.unwrap_or(0.0)
    }
}

/// Reads a REPORT record from a log message in either format; `None` for any other message.
pub fn parse(message: &str) -> Option<InvocationReport> {
    let message = message.trim_start();
    if message.starts_with("REPORT ") {
        parse_text(message)
    } else if message.starts_with('{') && message.contains("platform.report") {
        parse_json(message)
    } else {
        None
    }
}

/// The field labels of a text REPORT line, longest first so `Billed Duration` is not read as
/// `Duration`.
const LABELS: [(&[&str], Field); 10] = [
    (&["Billed", "Restore", "Duration:"], Field::BilledRestore),
    (&["Billed", "Duration:"], Field::Billed),
    (&["Restore", "Duration:"], Field::Restore),
    (&["Init", "Duration:"], Field::Init),
    (&["Max", "Memory", "Used:"], Field::MaxMemory),
    (&["Memory", "Size:"], Field::MemorySize),
    (&["Error", "Type:"], Field::ErrorType),
    (&["Duration:"], Field::Duration),
    (&["RequestId:"], Field::RequestId),
    (&["Status:"], Field::Status),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    RequestId,
    Duration,
    Billed,
    MemorySize,
    MaxMemory,
    Init,
    Restore,
    BilledRestore,
    Status,
    ErrorType,
}

/// The platform's exact layout, read field after field with constant prefixes (compiled to a
/// few integer compares); anything else goes to the general reader.
fn parse_platform_line(line: &str) -> Option<InvocationReport> {
    fn take<'a>(rest: &mut &'a str, prefix: &str, unit: &str) -> Option<&'a str> {
        let after = rest.strip_prefix(prefix)?;
        let end = position(after, b' ')?;
        let value = &after[..end];
        *rest = after[end..].strip_prefix(unit)?;
        Some(value)
    }
    let mut rest = line.strip_prefix("REPORT RequestId: ")?;
    let tab = position(rest, b'\t')?;
    let id = &rest[..tab];
    rest = &rest[tab..];
    let duration = decimal(take(&mut rest, "\tDuration: ", " ms")?)?;
    let billed = decimal(take(&mut rest, "\tBilled Duration: ", " ms")?)?;
    let memory = take(&mut rest, "\tMemory Size: ", " MB")?.parse().ok()?;
    let used = take(&mut rest, "\tMax Memory Used: ", " MB")?
        .parse()
        .ok()?;
    let init = match take(&mut rest, "\tInit Duration: ", " ms") {
        Some(v) => Some(decimal(v)?),
        None => None,
    };
    // Only a plain end (or X-Ray fields) is this layout; Status, Restore… go the general way.
    let tail = rest.trim_start_matches('\t');
    if !(tail.is_empty() || tail.starts_with("XRAY ") || tail.trim().is_empty()) {
        return None;
    }
    Some(InvocationReport {
        request_id: RequestId::new(id),
        duration_ms: duration,
        billed_duration_ms: billed,
        memory_size_mb: memory,
        max_memory_used_mb: used,
        init_duration_ms: init,
        restore_duration_ms: None,
        billed_restore_duration_ms: None,
        status: InvocationStatus::Success,
    })
}

/// A report with nothing read yet (durations NaN until read).
fn empty() -> InvocationReport {
    InvocationReport {
        request_id: RequestId::new(""),
        duration_ms: f64::NAN,
        billed_duration_ms: f64::NAN,
        memory_size_mb: 0,
        max_memory_used_mb: 0,
        init_duration_ms: None,
        restore_duration_ms: None,
        billed_restore_duration_ms: None,
        status: InvocationStatus::Success,
    }
}

fn parse_text(line: &str) -> Option<InvocationReport> {
    if let Some(report) = parse_platform_line(line.trim_end_matches(['\n', '\r'])) {
        return Some(report);
    }
    let mut report = empty();
    read_tab_fields(line, &mut report)?;
    if report.duration_ms.is_nan() || report.billed_duration_ms.is_nan() {
        // Tabs turned into spaces on the way (a copy, a paste): find the labels word by word.
        read_words(line, &mut report)?;
    }
    (!report.duration_ms.is_nan() && !report.billed_duration_ms.is_nan()).then_some(report)
}

/// The platform's own layout: one `Label: value unit` field per tab, scanned byte by byte (the
/// hot path of reading a large window). A line without tabs is one field here.
fn read_tab_fields(line: &str, report: &mut InvocationReport) -> Option<()> {
    let mut rest = line;
    loop {
        let (field, next) = match position(rest, b'\t') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        if let Some(colon) = position(field, b':') {
            let label = &field[..colon];
            let label = label.strip_prefix("REPORT ").unwrap_or(label);
            if let Some(kind) = field_of(label.trim()) {
                let value = field[colon + 1..].trim_start();
                let value = position(value, b' ').map_or(value, |i| &value[..i]);
                set(report, kind, value)?;
            }
        }
        match next {
            Some(n) => rest = n,
            None => return Some(()),
        }
    }
}

/// Labels found word by word, for lines whose tabs became spaces.
fn read_words(line: &str, report: &mut InvocationReport) -> Option<()> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut i = 1;
    while i < words.len() {
        let Some((label, field)) = LABELS
            .iter()
            .find(|(label, _)| words[i..].starts_with(label))
        else {
            i += 1;
            continue;
        };
        i += label.len();
        let Some(value) = words.get(i) else { break };
        set(report, *field, value)?;
        i += 1;
    }
    Some(())
}

/// The first `byte` in `s` (ASCII, so the index is a char boundary).
fn position(s: &str, byte: u8) -> Option<usize> {
    s.as_bytes().iter().position(|&b| b == byte)
}

fn field_of(label: &str) -> Option<Field> {
    Some(match label {
        "RequestId" => Field::RequestId,
        "Duration" => Field::Duration,
        "Billed Duration" => Field::Billed,
        "Memory Size" => Field::MemorySize,
        "Max Memory Used" => Field::MaxMemory,
        "Init Duration" => Field::Init,
        "Restore Duration" => Field::Restore,
        "Billed Restore Duration" => Field::BilledRestore,
        "Status" => Field::Status,
        "Error Type" => Field::ErrorType,
        _ => return None,
    })
}

/// `395.99` without the general float parser's cost; anything unusual goes to it.
fn decimal(s: &str) -> Option<f64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || int.len() > 15 || frac.len() > 6 {
        return s.parse().ok();
    }
    let digits = |d: &str| -> Option<u64> {
        d.bytes().try_fold(0u64, |acc, b| {
            b.is_ascii_digit().then(|| acc * 10 + u64::from(b - b'0'))
        })
    };
    match (digits(int), digits(frac)) {
        (Some(i), Some(f)) => Some(i as f64 + f as f64 / 10f64.powi(frac.len() as i32)),
        _ => s.parse().ok(),
    }
}

/// Sets one field; `None` when a number that must be there is not one.
fn set(report: &mut InvocationReport, field: Field, value: &str) -> Option<()> {
    let number = || decimal(value);
    let megabytes = || {
        value
            .parse::<u32>()
            .ok()
            .or_else(|| number().map(|n| n as u32))
    };
    match field {
        Field::RequestId => report.request_id = RequestId::new(value),
        Field::Duration => report.duration_ms = number()?,
        Field::Billed => report.billed_duration_ms = number()?,
        Field::MemorySize => report.memory_size_mb = megabytes()?,
        Field::MaxMemory => report.max_memory_used_mb = megabytes()?,
        Field::Init => report.init_duration_ms = number(),
        Field::Restore => report.restore_duration_ms = number(),
        Field::BilledRestore => report.billed_restore_duration_ms = number(),
        Field::Status => report.status = status(value),
        Field::ErrorType => {}
    }
    Some(())
}

fn status(word: &str) -> InvocationStatus {
    match word.to_ascii_lowercase().as_str() {
        "timeout" => InvocationStatus::Timeout,
        "success" => InvocationStatus::Success,
        _ => InvocationStatus::Error,
    }
}

#[derive(Deserialize)]
struct JsonRecord {
    #[serde(rename = "type")]
    kind: String,
    record: JsonReport,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport {
    #[serde(default)]
    request_id: String,
    metrics: JsonMetrics,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonMetrics {
    duration_ms: f64,
    billed_duration_ms: f64,
    #[serde(rename = "memorySizeMB", default)]
    memory_size_mb: u32,
    #[serde(rename = "maxMemoryUsedMB", default)]
    max_memory_used_mb: u32,
    init_duration_ms: Option<f64>,
    restore_duration_ms: Option<f64>,
    billed_restore_duration_ms: Option<f64>,
}

fn parse_json(message: &str) -> Option<InvocationReport> {
    let r: JsonRecord = serde_json::from_str(message).ok()?;
    if r.kind != "platform.report" {
        return None;
    }
    let m = r.record.metrics;
    Some(InvocationReport {
        request_id: RequestId::new(&r.record.request_id),
        duration_ms: m.duration_ms,
        billed_duration_ms: m.billed_duration_ms,
        memory_size_mb: m.memory_size_mb,
        max_memory_used_mb: m.max_memory_used_mb,
        init_duration_ms: m.init_duration_ms,
        restore_duration_ms: m.restore_duration_ms,
        billed_restore_duration_ms: m.billed_restore_duration_ms,
        status: r
            .record
            .status
            .as_deref()
            .map_or(InvocationStatus::Success, status),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cold_text_report_with_tabs() {
        let r = parse("REPORT RequestId: 3f1c0b2e-1111\tDuration: 395.99 ms\tBilled Duration: 662 ms\tMemory Size: 512 MB\tMax Memory Used: 301 MB\tInit Duration: 265.72 ms\t\n").unwrap();
        assert_eq!(r.request_id.as_str(), "3f1c0b2e-1111");
        assert_eq!(r.duration_ms, 395.99);
        assert_eq!(r.billed_duration_ms, 662.0);
        assert_eq!((r.memory_size_mb, r.max_memory_used_mb), (512, 301));
        assert_eq!(r.init_duration_ms, Some(265.72));
        assert!(r.is_cold());
        assert!((r.latency_ms() - 661.71).abs() < 1e-9);
        assert_eq!(r.status, InvocationStatus::Success);
    }

    #[test]
    fn a_warm_report_with_spaces_and_xray_fields() {
        let r = parse("REPORT RequestId: abc Duration: 12.50 ms Billed Duration: 13 ms Memory Size: 128 MB Max Memory Used: 70 MB XRAY TraceId: 1-5e-abc SegmentId: 0f Sampled: true").unwrap();
        assert!(!r.is_cold());
        assert_eq!(r.duration_ms, 12.5);
        assert_eq!(r.billed_ms(), 13.0);
    }

    #[test]
    fn a_snapstart_restore_counts_as_cold_and_billed_restore_is_billed() {
        let r = parse("REPORT RequestId: r\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 1024 MB\tMax Memory Used: 200 MB\tRestore Duration: 300.50 ms\tBilled Restore Duration: 120 ms").unwrap();
        assert!(r.is_cold());
        assert_eq!(r.init_duration_ms, None);
        assert_eq!(r.latency_ms(), 400.5);
        assert_eq!(r.billed_ms(), 220.0);
    }

    #[test]
    fn timeouts_and_errors_are_read_from_the_status_field() {
        let t = parse("REPORT RequestId: t\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\tStatus: timeout").unwrap();
        assert_eq!(t.status, InvocationStatus::Timeout);
        let e = parse("REPORT RequestId: e\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\tStatus: error\tError Type: Runtime.ExitError").unwrap();
        assert_eq!(e.status, InvocationStatus::Error);
    }

    #[test]
    fn the_json_platform_report() {
        let r = parse(r#"{"time":"2026-11-28T10:00:00.000Z","type":"platform.report","record":{"requestId":"j1","metrics":{"durationMs":20.5,"billedDurationMs":21,"memorySizeMB":256,"maxMemoryUsedMB":80,"initDurationMs":150.25},"status":"success"}}"#).unwrap();
        assert_eq!(r.request_id.as_str(), "j1");
        assert_eq!(r.init_duration_ms, Some(150.25));
        assert_eq!(r.memory_size_mb, 256);
        assert!(r.is_cold());
        let t = parse(r#"{"type":"platform.report","record":{"requestId":"j2","metrics":{"durationMs":3000,"billedDurationMs":3000},"status":"timeout"}}"#).unwrap();
        assert_eq!(t.status, InvocationStatus::Timeout);
    }

    #[test]
    fn the_fast_decimal_reader_agrees_with_the_float_parser() {
        for s in [
            "0",
            "7",
            "395.99",
            "265.72",
            "0.01",
            "123456.123456",
            "1e3",
            "-5",
            "12.",
            ".5",
            "1.2.3",
            "abc",
            "",
        ] {
            assert_eq!(decimal(s), s.parse::<f64>().ok(), "{s}");
        }
    }

    #[test]
    fn the_fast_path_and_the_general_reader_agree() {
        for line in [
            "REPORT RequestId: a\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t",
            "REPORT RequestId: b\tDuration: 395.99 ms\tBilled Duration: 662 ms\tMemory Size: 512 MB\tMax Memory Used: 301 MB\tInit Duration: 265.72 ms\t\n",
            "REPORT RequestId: c\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tXRAY TraceId: 1-2-3\tSegmentId: 4\tSampled: true",
        ] {
            let fast =
                parse_platform_line(line.trim_end_matches('\n')).expect("the fast path reads it");
            let mut general = empty();
            read_tab_fields(line, &mut general).unwrap();
            assert_eq!(fast, general, "{line}");
        }
        // Status and SnapStart fields are left to the general reader.
        assert!(parse_platform_line("REPORT RequestId: t\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\tStatus: timeout").is_none());
    }

    #[test]
    fn other_messages_are_not_reports() {
        assert!(parse("START RequestId: x Version: $LATEST").is_none());
        assert!(parse("END RequestId: x").is_none());
        assert!(parse("REPORT of the day: all good").is_none());
        assert!(parse(r#"{"type":"platform.start","record":{}}"#).is_none());
        assert!(parse("2026-11-28T10:00:00Z x INFO REPORT Duration: 5 ms").is_none());
    }
}
