//! How an invocation ends, as Lambda ends it: the runtime's response or error, its exit
//! (`Runtime.ExitError`), the timeout (`Sandbox.Timedout`), its process tree over the
//! function's `memorySize` (`Runtime.OutOfMemory`, checked every [`MEMORY_CHECK`] while it
//! runs), or a failed init; and what each returns, logs and leaves of the environment.

use std::sync::Arc;
use std::time::Duration;

use hyper::body::Bytes;

use super::environment::{Environment, Next, StreamLog};
use super::platform::{self, Ending, Report};
use super::pool::{Outcome, Pool};
use super::runtime_api::RuntimeEvent;

/// How often a running invocation's memory is read.
pub const MEMORY_CHECK: Duration = Duration::from_millis(100);

/// What the environment did with an invocation.
pub enum Answer {
    Response(Bytes),
    Error(String, Bytes),
    TimedOut,
    Exited(String),
    /// Its processes' resident memory passed `memorySize`; they are killed already.
    OutOfMemory,
}

/// What an invocation returns and records.
pub struct Settled {
    pub payload: Bytes,
    pub function_error: Option<String>,
    pub ending: Ending,
    /// Whether the environment serves again (not after a timeout, an exit or running out of
    /// memory).
    pub keep: bool,
}

/// The runtime's answer to `request_id`, the process's exit, the deadline, or memory over
/// `memory_mb` (checked while it runs and once more when it answers, so a quick allocation
/// that the runtime survived long enough to answer is caught too).
pub async fn wait_for(
    env: &mut Environment,
    request_id: &str,
    timeout: Duration,
    memory_mb: u32,
) -> Answer {
    let answer = answered(env, request_id, timeout, memory_mb).await;
    // The tree as walked within the last second (walking it on every answer would cost a
    // fast function much), each process's peak read now.
    let recent = Duration::from_secs(1);
    if matches!(answer, Answer::Response(_) | Answer::Error(..)) && over(env, memory_mb, recent) {
        return Answer::OutOfMemory;
    }
    answer
}

/// The environment's next event, its exit or the deadline, its memory read every
/// [`MEMORY_CHECK`] meanwhile; `None` when it went over `memory_mb` (its processes killed).
pub async fn watched(
    env: &mut Environment,
    deadline: tokio::time::Instant,
    memory_mb: u32,
) -> Option<Next> {
    loop {
        let check = (tokio::time::Instant::now() + MEMORY_CHECK).min(deadline);
        match env.next_event(check).await {
            Next::Deadline if tokio::time::Instant::now() < deadline => {
                if over(env, memory_mb, Duration::ZERO) {
                    return None;
                }
            }
            next => return Some(next),
        }
    }
}

/// Whether the environment's peak memory is over `memory_mb`; its processes killed if so.
pub fn over(env: &mut Environment, memory_mb: u32, walk_after: Duration) -> bool {
    let over = env.max_memory_mb(walk_after) > memory_mb;
    if over {
        env.stop_processes();
    }
    over
}

async fn answered(
    env: &mut Environment,
    request_id: &str,
    timeout: Duration,
    memory_mb: u32,
) -> Answer {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let event = match watched(env, deadline, memory_mb).await {
            None => return Answer::OutOfMemory,
            Some(Next::Event(e)) => e,
            Some(Next::Exited(status)) => return Answer::Exited(status),
            Some(Next::Deadline) => return Answer::TimedOut,
        };
        match event {
            Some(RuntimeEvent::Response {
                request_id: id,
                body,
            }) if id == request_id => {
                return Answer::Response(body);
            }
            Some(RuntimeEvent::Error {
                request_id: id,
                error_type,
                body,
            }) if id == request_id => {
                let kind = serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v.get("errorType")?.as_str().map(str::to_owned))
                    .unwrap_or(error_type);
                return Answer::Error(kind, body);
            }
            Some(_) => continue,
            None => return Answer::Exited("the Runtime API closed".into()),
        }
    }
}

impl Answer {
    /// What the invocation returns, with the platform's lines about its end written to `log`.
    pub fn settle(self, log: &StreamLog, request_id: &str, timeout: Duration) -> Settled {
        let unhandled = Some("Unhandled".to_owned());
        let exit = |status: &str, kind: &str| {
            let message =
                format!("RequestId: {request_id} Error: Runtime exited with error: {status}");
            log.write(format!("{message}\n{kind}"));
            Settled {
                payload: error_body(&message, kind),
                function_error: Some("Unhandled".to_owned()),
                ending: Ending::Error(kind.into()),
                keep: false,
            }
        };
        match self {
            Answer::Response(payload) => Settled {
                payload,
                function_error: None,
                ending: Ending::Success,
                keep: true,
            },
            Answer::Error(kind, payload) => Settled {
                payload,
                function_error: unhandled,
                ending: Ending::Error(kind),
                keep: true,
            },
            Answer::TimedOut => {
                let message = format!(
                    "{} {request_id} Task timed out after {:.2} seconds",
                    crate::units::iso_time(crate::clock::now_ms()),
                    timeout.as_secs_f64()
                );
                log.write(message.clone());
                Settled {
                    payload: error_body(&message, "Sandbox.Timedout"),
                    function_error: unhandled,
                    ending: Ending::Timeout,
                    keep: false,
                }
            }
            Answer::Exited(status) => exit(&status, "Runtime.ExitError"),
            // As Lambda reports it: the runtime killed, the error type saying why.
            Answer::OutOfMemory => exit("signal: killed", "Runtime.OutOfMemory"),
        }
    }
}

/// The body Lambda returns for a failure.
pub fn error_body(message: &str, kind: &str) -> Bytes {
    Bytes::from(serde_json::json!({"errorMessage": message, "errorType": kind}).to_string())
}

/// An init that failed: the invocation that met it fails with its error, as on AWS.
pub struct InitFailure {
    pub log: Arc<StreamLog>,
    pub error_type: String,
    pub body: Bytes,
    pub init_ms: f64,
}

impl InitFailure {
    /// The invocation that met a failed init fails with the init's error, as on AWS.
    pub fn finish(self, pool: &Pool, request_id: String) -> Outcome {
        let version = pool.launch.version.clone();
        let log = &self.log;
        log.write(format!(
            "INIT_REPORT Init Duration: {:.2} ms\tPhase: init\tStatus: error\tError Type: {}",
            self.init_ms, self.error_type
        ));
        log.write(platform::start(&request_id, &version));
        log.write(platform::end(&request_id));
        let report = Report {
            request_id: &request_id,
            duration_ms: 0.0,
            memory_mb: pool.launch.memory_mb,
            max_memory_used_mb: 0,
            init_ms: Some(self.init_ms),
            ending: Ending::Error(self.error_type.clone()),
        };
        let billed_ms = report.billed_ms();
        log.write(report.line());
        Outcome {
            request_id,
            payload: self.body,
            function_error: Some(self.error_type),
            executed_version: version,
            cold: true,
            duration_ms: 0.0,
            billed_ms,
            init_ms: Some(self.init_ms),
            max_memory_used_mb: 0,
            log: log.take_tail(),
        }
    }
}
