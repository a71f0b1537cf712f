//! The HTTP gateway: the `http` and `httpApi` routes of every service on one loopback port,
//! each request turned into an API Gateway proxy event (payload 1.0 or 2.0), the function
//! invoked at `$LATEST`, and its answer turned back into a response; CORS preflights answered
//! where `cors` is set. A client cannot stop it: connections are bounded and timed out, a body
//! that cannot be read whole never reaches a function, and accept errors are waited out.

pub mod body;
mod cors;
pub mod header_case;
mod listener;
pub mod proxy;
pub mod routes;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::OwnedSemaphorePermit;

use super::fleet::{InvokeError, LocalFleet};
use super::pool::Refused;
use super::project::Payload;
use header_case::{Heads, Recorder};
use proxy::{HttpRequest, http_event, proxy_response, respond, rest_event};
pub use routes::{GatewayRoute, Match, find, routes};

/// How the gateway serves: where, and how much of it one client may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatewaySettings {
    /// `127.0.0.1:port` (0: any free port).
    pub port: u16,
    /// Connections served at once; more wait in the kernel's queue until one closes.
    pub connections: usize,
    /// A request's head must arrive within this, and a kept-alive connection idle this long
    /// is closed.
    pub header_timeout: Duration,
    /// A request's body must arrive within this.
    pub body_timeout: Duration,
}

/// Starts serving on `127.0.0.1:port`; the address, or why not.
pub async fn start(
    fleet: Arc<LocalFleet>,
    settings: &GatewaySettings,
) -> Result<SocketAddr, String> {
    let port = settings.port;
    let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
        format!(
            "the HTTP gateway cannot listen on 127.0.0.1:{port}: {e}; set [local] gateway_port to a free port (0 picks one)"
        )
    })?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let routes = Arc::new(routes(&fleet));
    let weak = Arc::downgrade(&fleet);
    drop(fleet);
    let settings = *settings;
    listener::spawn(
        listener,
        weak,
        settings.connections,
        move |stream, fleet, slot| serve(stream, fleet, routes.clone(), settings, slot),
    );
    Ok(addr)
}

/// One connection, until the client closes it or it idles past the header timeout; `_slot` is
/// its place among the connections served at once.
async fn serve(
    stream: TcpStream,
    fleet: Arc<LocalFleet>,
    routes: Arc<Vec<GatewayRoute>>,
    settings: GatewaySettings,
    _slot: OwnedSemaphorePermit,
) {
    let (stream, heads) = Recorder::new(stream);
    let service = service_fn(move |req| {
        let (fleet, routes, heads) = (fleet.clone(), routes.clone(), heads.clone());
        async move {
            let response = handle(&fleet, &routes, &heads, settings.body_timeout, req).await;
            heads.next_request();
            Ok::<_, Infallible>(response)
        }
    });
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

async fn handle(
    fleet: &LocalFleet,
    routes: &[GatewayRoute],
    heads: &Heads,
    body_timeout: Duration,
    req: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let names = heads.take_names();
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(k, v)| {
            let name = names.get(k.as_str()).cloned();
            (
                name.unwrap_or_else(|| k.as_str().to_owned()),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let origin = req
        .headers()
        .get("origin")
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned);
    let found = find(routes, &method, &path);
    // A preflight, unless a function has its own OPTIONS route here.
    if method == "OPTIONS"
        && found.as_ref().is_none_or(|m| m.route.method != "OPTIONS")
        && let Some(answer) = cors::preflight(&routes::on_path(routes, &path), origin.as_deref())
    {
        return answer;
    }
    let Some(found) = found else {
        return respond(StatusCode::NOT_FOUND, json!({"message": "Not Found"}));
    };
    let body = match body::read(req.into_body(), body_timeout).await {
        Ok(body) => body,
        Err(refusal) => return refusal.response(),
    };
    let request = HttpRequest {
        method: &method,
        path: &path,
        resource_path: &found.resource_path,
        query: &query,
        headers: &headers,
        body: &body,
        params: &found.params,
    };
    let route = found.route;
    let event = match route.payload {
        Payload::V1 => rest_event(route, &request),
        Payload::V2 => http_event(route, &request),
    };
    let payload = Bytes::from(event.to_string());
    let mut response = match fleet.call(&route.function, None, payload).await {
        Ok(outcome) if outcome.function_error.is_none() => {
            proxy_response(route.payload, &outcome.payload).unwrap_or_else(|| {
                respond(
                    StatusCode::BAD_GATEWAY,
                    json!({"message": "Internal server error"}),
                )
            })
        }
        Ok(_) => respond(
            StatusCode::BAD_GATEWAY,
            json!({"message": "Internal server error"}),
        ),
        Err(InvokeError::Refused(Refused::Throttled { .. })) => respond(
            StatusCode::TOO_MANY_REQUESTS,
            json!({"message": "Too Many Requests"}),
        ),
        Err(e) => respond(StatusCode::BAD_GATEWAY, json!({"message": e.to_string()})),
    };
    cors::decorate(&mut response, &found, origin.as_deref());
    response
}
