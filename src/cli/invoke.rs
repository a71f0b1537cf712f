//! `mfn-tui invoke`: one invocation, its answer pretty-printed, its log tail, and from the
//! tail's REPORT line what it took and cost. Bad payloads are refused before anything is sent.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::analysis::cost::invocation_cost;
use crate::analysis::report::{self, InvocationReport};
use crate::config::Config;
use crate::fleet::cost_report::priced_as;
use crate::fleet::{Fleet, Function};
use crate::fleet::{InvocationType, InvokeRequest, InvokeResult};
use crate::units::{invocation_dollars, millis};

use super::args::InvocationArgs;
use super::{exit, fail};
use crate::text::visible;

use crate::fleet::change::limits::{EVENT_LIMIT, SYNC_LIMIT};
use crate::fleet::change::{Operation, Safety};
use crate::fleet::locate::locate;

/// The payload of `--payload` (JSON text, or `@FILE`), checked: valid JSON within `limit`.
pub fn load_payload(arg: &str, limit: usize) -> Result<Vec<u8>, String> {
    let (bytes, source) = match arg.strip_prefix('@') {
        Some(path) => (
            std::fs::read(path).map_err(|e| format!("--payload @{path}: {e}"))?,
            path.to_owned(),
        ),
        None => (arg.as_bytes().to_vec(), "--payload".to_owned()),
    };
    crate::fleet::change::limits::check_payload(&bytes, &source, limit)?;
    Ok(bytes)
}

/// What `--json` prints. Field names are stable.
#[derive(Serialize)]
struct JsonInvocation {
    status: u16,
    function_error: Option<String>,
    executed_version: Option<String>,
    round_trip_ms: f64,
    payload: serde_json::Value,
    log_tail: Vec<String>,
    report: Option<JsonReport>,
}

#[derive(Serialize)]
pub struct JsonReport {
    pub request_id: String,
    pub cold: bool,
    pub duration_ms: f64,
    pub billed_duration_ms: f64,
    pub init_duration_ms: Option<f64>,
    pub max_memory_used_mb: u32,
    pub memory_size_mb: u32,
    pub cost_usd: f64,
}

/// The REPORT record in a log tail, and what the invocation cost.
pub fn tail_report(function: &Function, config: &Config, tail: &[String]) -> Option<JsonReport> {
    let r: InvocationReport = tail.iter().rev().find_map(|l| report::parse(l))?;
    Some(JsonReport {
        request_id: r.request_id.as_str().to_owned(),
        cold: r.is_cold(),
        duration_ms: r.duration_ms,
        billed_duration_ms: r.billed_duration_ms,
        init_duration_ms: r.init_duration_ms,
        max_memory_used_mb: r.max_memory_used_mb,
        memory_size_mb: r.memory_size_mb,
        cost_usd: invocation_cost(&r, priced_as(function), &config.pricing),
    })
}

pub async fn run(
    fleet: Arc<dyn Fleet>,
    config: &Config,
    safety: &Safety,
    name: &str,
    args: &InvocationArgs,
    kind: InvocationType,
    json: bool,
) -> ExitCode {
    if let Err(refusal) = safety.permit(Operation::Invoke, name) {
        return fail(&refusal.to_string());
    }
    let limit = if kind == InvocationType::Event {
        EVENT_LIMIT
    } else {
        SYNC_LIMIT
    };
    let payload = match load_payload(&args.payload, limit) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("mfn-tui: {e}");
            return ExitCode::from(2);
        }
    };
    let function = match locate(fleet.clone(), name).await {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    let started = Instant::now();
    let request = InvokeRequest {
        qualifier: args.qualifier.clone(),
        payload,
        kind,
    };
    let result = match fleet.invoke(&function, request).await {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };
    let round_trip_ms = started.elapsed().as_secs_f64() * 1000.0;
    let report = tail_report(&function, config, &result.log_tail);
    if json {
        print_json(&result, round_trip_ms, report);
    } else {
        print_text(&result, round_trip_ms, report.as_ref());
    }
    if result.function_error.is_some() {
        ExitCode::from(exit::FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_json(result: &InvokeResult, round_trip_ms: f64, report: Option<JsonReport>) {
    let payload = serde_json::from_slice(&result.payload).unwrap_or_else(|_| {
        serde_json::Value::String(String::from_utf8_lossy(&result.payload).into_owned())
    });
    let doc = JsonInvocation {
        status: result.status,
        function_error: result.function_error.clone(),
        executed_version: result.executed_version.clone(),
        round_trip_ms,
        payload,
        log_tail: result.log_tail.clone(),
        report,
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&doc).expect("serializable")
    );
}

fn print_text(result: &InvokeResult, round_trip_ms: f64, report: Option<&JsonReport>) {
    let mut status = format!("status {}", result.status);
    if let Some(e) = &result.function_error {
        status.push_str(&format!(" · FUNCTION ERROR {}", visible(e)));
    }
    if let Some(v) = &result.executed_version {
        status.push_str(&format!(" · version {}", visible(v)));
    }
    status.push_str(&format!(" · {} round trip", millis(round_trip_ms)));
    println!("{status}");
    if let Some(r) = report {
        let mut line = format!(
            "{} · duration {} · billed {} · {}/{} MB · {}",
            if r.cold { "cold" } else { "warm" },
            millis(r.duration_ms),
            millis(r.billed_duration_ms),
            r.max_memory_used_mb,
            r.memory_size_mb,
            invocation_dollars(r.cost_usd)
        );
        if let Some(init) = r.init_duration_ms {
            line.push_str(&format!(" · init {}", millis(init)));
        }
        println!("{line}");
    }
    if !result.payload.is_empty() {
        println!("── response");
        let text = serde_json::from_slice::<serde_json::Value>(&result.payload)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| String::from_utf8_lossy(&result.payload).into_owned());
        // Pretty JSON escapes control characters itself; any other answer is shown line by line.
        for line in text.lines() {
            println!("{}", visible(line));
        }
    }
    if !result.log_tail.is_empty() {
        println!("── log tail");
        for line in &result.log_tail {
            println!("{}", visible(line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_and_oversized_payloads_are_refused_before_sending() {
        let e = load_payload("{\"a\": ", SYNC_LIMIT).unwrap_err();
        assert!(
            e.contains("not valid JSON") && e.contains("nothing was sent"),
            "{e}"
        );
        let big = format!("\"{}\"", "x".repeat(300 * 1024));
        assert!(
            load_payload(&big, EVENT_LIMIT).is_ok(),
            "256 KB is no longer the limit"
        );
        let queued = format!("\"{}\"", "x".repeat(1100 * 1024));
        assert!(load_payload(&queued, SYNC_LIMIT).is_ok());
        let e = load_payload(&queued, EVENT_LIMIT).unwrap_err();
        assert!(e.contains("over the 1.0 MB"), "{e}");
        let e = load_payload("@/nonexistent/event.json", SYNC_LIMIT).unwrap_err();
        assert!(e.contains("/nonexistent/event.json"), "{e}");
        assert_eq!(load_payload("{}", SYNC_LIMIT).unwrap(), b"{}");
    }
}
