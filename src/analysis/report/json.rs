//! The JSON log format's `platform.report` record.

use serde::Deserialize;

use super::text::status;
use super::{InvocationReport, InvocationStatus, RequestId};

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

pub(super) fn parse(message: &str) -> Option<InvocationReport> {
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
