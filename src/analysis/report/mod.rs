//! The platform's REPORT record of one invocation, read from either log format.
//!
//! Text: `REPORT RequestId: … Duration: 395.99 ms Billed Duration: 662 ms Memory Size: 512 MB
//! Max Memory Used: 301 MB [Init Duration: 265.72 ms] [Restore Duration: … Billed Restore
//! Duration: …] [Status: timeout|error Error Type: …]`, fields tab-separated (spaces accepted too),
//! X-Ray fields possibly following. JSON: `{"type":"platform.report","record":{"requestId":…,
//! "metrics":{"durationMs":…},"status":…}}`.

mod json;
mod text;

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

/// A CloudWatch Logs filter pattern that matches both formats' REPORT records (and few other
/// events): the service sends only these.
pub const FILTER_PATTERN: &str = "?\"REPORT RequestId\" ?\"platform.report\"";

/// Reads a REPORT record from a log message in either format; `None` for any other message.
pub fn parse(message: &str) -> Option<InvocationReport> {
    let message = message.trim_start();
    if message.starts_with("REPORT ") {
        text::parse(message)
    } else if message.starts_with('{') && message.contains("platform.report") {
        json::parse(message)
    } else {
        None
    }
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
    fn other_messages_are_not_reports() {
        assert!(parse("START RequestId: x Version: $LATEST").is_none());
        assert!(parse("END RequestId: x").is_none());
        assert!(parse("REPORT of the day: all good").is_none());
        assert!(parse(r#"{"type":"platform.start","record":{}}"#).is_none());
        assert!(parse("2026-11-28T10:00:00Z x INFO REPORT Duration: 5 ms").is_none());
    }
}
