//! The text REPORT line: the platform's exact layout on a fast path, tab-separated fields in
//! any order, or words when tabs became spaces.

use super::{InvocationReport, InvocationStatus, RequestId};

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

pub(super) fn parse(line: &str) -> Option<InvocationReport> {
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

pub(super) fn status(word: &str) -> InvocationStatus {
    match word.to_ascii_lowercase().as_str() {
        "timeout" => InvocationStatus::Timeout,
        "success" => InvocationStatus::Success,
        _ => InvocationStatus::Error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
