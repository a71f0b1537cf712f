//! The Lambda Runtime API (2018-06-01) for one execution environment, on its own loopback
//! port, as each Lambda sandbox has its own: `GET …/invocation/next` hands out the next event,
//! `POST …/invocation/{id}/response|error` return its outcome, `POST …/init/error` reports a
//! failed init.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinHandle;

/// An event for the environment.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub request_id: String,
    pub payload: Bytes,
    pub deadline_ms: i64,
    pub function_arn: String,
    pub trace_id: String,
}

/// What the runtime in the environment said.
#[derive(Debug, Clone, PartialEq)]
pub enum RuntimeEvent {
    /// The first `next`: init is over.
    Ready,
    /// `init/error`: the error type header and the body.
    InitError {
        error_type: String,
        body: Bytes,
    },
    Response {
        request_id: String,
        body: Bytes,
    },
    /// `invocation/{id}/error`.
    Error {
        request_id: String,
        error_type: String,
        body: Bytes,
    },
}

/// A running Runtime API: where it listens, the queue of events for the runtime, and what the
/// runtime reports.
pub struct RuntimeApi {
    pub addr: SocketAddr,
    pub invocations: mpsc::UnboundedSender<Invocation>,
    pub events: mpsc::UnboundedReceiver<RuntimeEvent>,
    server: JoinHandle<()>,
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

struct Shared {
    queue: Mutex<mpsc::UnboundedReceiver<Invocation>>,
    events: mpsc::UnboundedSender<RuntimeEvent>,
    ready_sent: std::sync::atomic::AtomicBool,
}

/// Starts a Runtime API on a free loopback port.
pub async fn start() -> std::io::Result<RuntimeApi> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (invocations, queue) = mpsc::unbounded_channel();
    let (events_tx, events) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        queue: Mutex::new(queue),
        events: events_tx,
        ready_sent: false.into(),
    });
    let server = tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            let shared = shared.clone();
            connections.spawn(async move {
                let service = service_fn(move |req| handle(shared.clone(), req));
                let _ = http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(RuntimeApi {
        addr,
        invocations,
        events,
        server,
    })
}

const PREFIX: &str = "/2018-06-01/runtime/";

async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().to_owned();
    let Some(rest) = path.strip_prefix(PREFIX) else {
        return Ok(status(StatusCode::NOT_FOUND, "unknown path"));
    };
    let method = req.method().clone();
    let error_type = req
        .headers()
        .get("Lambda-Runtime-Function-Error-Type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("Unhandled")
        .to_owned();
    let segments: Vec<&str> = rest.split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["invocation", "next"]) => {
            if !shared
                .ready_sent
                .swap(true, std::sync::atomic::Ordering::SeqCst)
            {
                let _ = shared.events.send(RuntimeEvent::Ready);
            }
            // One `next` at a time; it waits as long as there is no work.
            let next = shared.queue.lock().await.recv().await;
            Ok(match next {
                Some(inv) => next_response(inv),
                None => status(StatusCode::GONE, "the environment is shutting down"),
            })
        }
        ("POST", ["invocation", id, kind @ ("response" | "error")]) => {
            let request_id = (*id).to_owned();
            let is_error = *kind == "error";
            let body = match req.into_body().collect().await {
                Ok(b) => b.to_bytes(),
                Err(_) => return Ok(status(StatusCode::BAD_REQUEST, "unreadable body")),
            };
            let event = if is_error {
                RuntimeEvent::Error {
                    request_id,
                    error_type,
                    body,
                }
            } else {
                RuntimeEvent::Response { request_id, body }
            };
            let _ = shared.events.send(event);
            Ok(status(StatusCode::ACCEPTED, r#"{"status":"OK"}"#))
        }
        ("POST", ["init", "error"]) => {
            let body = req
                .into_body()
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            let _ = shared
                .events
                .send(RuntimeEvent::InitError { error_type, body });
            Ok(status(StatusCode::ACCEPTED, r#"{"status":"OK"}"#))
        }
        _ => Ok(status(StatusCode::NOT_FOUND, "unknown path")),
    }
}

fn next_response(inv: Invocation) -> Response<Full<Bytes>> {
    Response::builder()
        .status(StatusCode::OK)
        .header("Content-Type", "application/json")
        .header("Lambda-Runtime-Aws-Request-Id", &inv.request_id)
        .header("Lambda-Runtime-Deadline-Ms", inv.deadline_ms.to_string())
        .header("Lambda-Runtime-Invoked-Function-Arn", &inv.function_arn)
        .header("Lambda-Runtime-Trace-Id", &inv.trace_id)
        .body(Full::new(inv.payload))
        .expect("a valid response")
}

fn status(code: StatusCode, message: &str) -> Response<Full<Bytes>> {
    Response::builder()
        .status(code)
        .header("Content-Type", "application/json")
        .body(Full::new(Bytes::from(if message.starts_with('{') {
            message.to_owned()
        } else {
            format!(r#"{{"errorMessage":"{message}"}}"#)
        })))
        .expect("a valid response")
}
