//! The platform's own log lines, in AWS's text format, so the REPORT parser, latency and cost
//! read the local fleet exactly as they read CloudWatch Logs.

/// How an invocation ended, as REPORT says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    Success,
    Timeout,
    Error(String),
}

pub fn init_start(runtime: &str) -> String {
    format!("INIT_START Runtime Version: {runtime}.local\tRuntime Version ARN: local")
}

pub fn start(request_id: &str, version: &str) -> String {
    format!("START RequestId: {request_id} Version: {version}")
}

pub fn end(request_id: &str) -> String {
    format!("END RequestId: {request_id}")
}

/// What the REPORT line reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Report<'a> {
    pub request_id: &'a str,
    pub duration_ms: f64,
    pub memory_mb: u32,
    pub max_memory_used_mb: u32,
    pub init_ms: Option<f64>,
    pub ending: Ending,
}

impl Report<'_> {
    /// Billed in whole milliseconds; since August 2025 a managed runtime's init is billed too.
    pub fn billed_ms(&self) -> f64 {
        (self.duration_ms + self.init_ms.unwrap_or(0.0))
            .ceil()
            .max(1.0)
    }

    pub fn line(&self) -> String {
        let mut line = format!(
            "REPORT RequestId: {}\tDuration: {:.2} ms\tBilled Duration: {:.0} ms\tMemory Size: {} MB\tMax Memory Used: {} MB",
            self.request_id,
            self.duration_ms,
            self.billed_ms(),
            self.memory_mb,
            self.max_memory_used_mb
        );
        if let Some(init) = self.init_ms {
            line.push_str(&format!("\tInit Duration: {init:.2} ms"));
        }
        match &self.ending {
            Ending::Success => {}
            Ending::Timeout => line.push_str("\tStatus: timeout"),
            Ending::Error(kind) => line.push_str(&format!("\tStatus: error\tError Type: {kind}")),
        }
        line.push('\t');
        line
    }
}

/// `2026/11/28/[$LATEST]0123456789abcdef0123456789abcdef`.
pub fn stream_name(date: &str, version: &str, environment: u64) -> String {
    format!(
        "{date}/[{version}]{:032x}",
        environment.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::report::{InvocationStatus, parse};

    #[test]
    fn the_report_line_reads_back_through_the_parser() {
        let cold = Report {
            request_id: "3f1c0b2e-5d6a-4b7c-8d9e-0f1a2b3c4d5e",
            duration_ms: 395.99,
            memory_mb: 512,
            max_memory_used_mb: 301,
            init_ms: Some(265.72),
            ending: Ending::Success,
        };
        let r = parse(&cold.line()).unwrap();
        assert_eq!(r.billed_duration_ms, 662.0);
        assert_eq!(r.init_duration_ms, Some(265.72));
        assert!(r.is_cold());
        let timeout = Report {
            init_ms: None,
            ending: Ending::Timeout,
            duration_ms: 3000.0,
            ..cold.clone()
        };
        let r = parse(&timeout.line()).unwrap();
        assert_eq!(r.status, InvocationStatus::Timeout);
        assert!(!r.is_cold());
        let error = Report {
            ending: Ending::Error("Runtime.ExitError".into()),
            ..cold
        };
        assert_eq!(
            parse(&error.line()).unwrap().status,
            InvocationStatus::Error
        );
    }
}
