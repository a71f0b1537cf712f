//! The HTTP gateway: the `http` and `httpApi` routes of every service on one loopback port,
//! each request turned into an API Gateway proxy event (REST payload 1.0, HTTP API payload
//! 2.0), the function invoked at `$LATEST`, and its answer turned back into a response.

pub mod proxy;

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;

use super::fleet::{InvokeError, LocalFleet};
use super::pool::Refused;
use crate::fleet::ApiKind;
use proxy::{HttpRequest, decode, http_event, proxy_response, respond, rest_event};

/// A route: the function a method and path template reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayRoute {
    pub kind: ApiKind,
    pub method: String,
    pub template: String,
    pub function: String,
    pub stage: String,
}

/// Starts serving on `127.0.0.1:port` (0: any free port); the address, or why not.
pub async fn start(fleet: Arc<LocalFleet>, port: u16) -> Result<SocketAddr, String> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
        format!(
            "the HTTP gateway cannot listen on 127.0.0.1:{port}: {e}; set [local] gateway_port to a free port (0 picks one)"
        )
    })?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let routes = Arc::new(routes(&fleet));
    let weak = Arc::downgrade(&fleet);
    drop(fleet);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let Some(fleet) = weak.upgrade() else { return };
            let routes = routes.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let (fleet, routes) = (fleet.clone(), routes.clone());
                    async move { Ok::<_, Infallible>(handle(&fleet, &routes, req).await) }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(addr)
}

/// Every route of the fleet, the most specific first (literal segments before parameters).
pub fn routes(fleet: &LocalFleet) -> Vec<GatewayRoute> {
    let mut routes: Vec<GatewayRoute> = fleet
        .functions
        .values()
        .flat_map(|f| {
            f.def.events.iter().map(|e| GatewayRoute {
                kind: e.kind,
                method: e.method.clone(),
                template: e.path.clone(),
                function: f.def.name.clone(),
                stage: f.stage.clone(),
            })
        })
        .collect();
    most_specific_first(&mut routes);
    routes
}

/// Orders routes as API Gateway matches them: more literal segments first, `ANY` last.
fn most_specific_first(routes: &mut [GatewayRoute]) {
    routes.sort_by_key(|r| {
        let literal = r
            .template
            .split('/')
            .filter(|s| !s.starts_with('{'))
            .count();
        (std::cmp::Reverse(literal), r.method == "ANY")
    });
}

/// The route `method path` takes, and its path parameters.
pub fn find<'a>(
    routes: &'a [GatewayRoute],
    method: &str,
    path: &str,
) -> Option<(&'a GatewayRoute, BTreeMap<String, String>)> {
    let path = path.trim_end_matches('/');
    for r in routes {
        if r.method != "ANY" && r.method != method {
            continue;
        }
        // REST APIs are also reached under their stage, as API Gateway serves them.
        let unstaged = match r.kind {
            ApiKind::Rest => path
                .strip_prefix(&format!("/{}", r.stage))
                .filter(|p| p.is_empty() || p.starts_with('/')),
            ApiKind::Http => None,
        };
        for candidate in [Some(path), unstaged].into_iter().flatten() {
            if let Some(params) = matches(&r.template, candidate) {
                return Some((r, params));
            }
        }
    }
    None
}

fn matches(template: &str, path: &str) -> Option<BTreeMap<String, String>> {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut params = BTreeMap::new();
    for (i, seg) in t.iter().enumerate() {
        if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix("+}")) {
            params.insert(name.to_owned(), decode(&p.get(i..)?.join("/"), false));
            return Some(params);
        }
        let value = p.get(i)?;
        match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                if value.is_empty() {
                    return None;
                }
                params.insert(name.to_owned(), decode(value, false));
            }
            None if seg == value => {}
            None => return None,
        }
    }
    (t.len() == p.len()).then_some(params)
}

async fn handle(
    fleet: &LocalFleet,
    routes: &[GatewayRoute],
    req: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let Some((route, params)) = find(routes, &method, &path) else {
        return respond(StatusCode::NOT_FOUND, json!({"message": "Not Found"}));
    };
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let request = HttpRequest {
        method: &method,
        path: &path,
        query: &query,
        headers: &headers,
        body: &body,
        params: &params,
    };
    let event = match route.kind {
        ApiKind::Rest => rest_event(route, &request),
        ApiKind::Http => http_event(route, &request),
    };
    let payload = Bytes::from(event.to_string());
    match fleet.call(&route.function, None, payload).await {
        Ok(outcome) if outcome.function_error.is_none() => {
            proxy_response(route.kind, &outcome.payload).unwrap_or_else(|| {
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
    }
}

/// A route of stage `dev`, for this module's tests and its children's.
#[cfg(test)]
fn route(kind: ApiKind, method: &str, template: &str, function: &str) -> GatewayRoute {
    GatewayRoute {
        kind,
        method: method.into(),
        template: template.into(),
        function: function.into(),
        stage: "dev".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_routes_win_and_parameters_are_decoded() {
        let mut routes = vec![
            route(ApiKind::Rest, "GET", "/comments/{id}", "get"),
            route(ApiKind::Rest, "GET", "/comments/boom", "boom"),
            route(ApiKind::Http, "GET", "/articles/{id}", "article"),
            route(
                ApiKind::Rest,
                "GET",
                "/articles/{id}/comments",
                "for-article",
            ),
            route(ApiKind::Http, "ANY", "/files/{proxy+}", "files"),
        ];
        most_specific_first(&mut routes);
        let (r, p) = find(&routes, "GET", "/comments/boom").unwrap();
        assert_eq!((r.function.as_str(), p.len()), ("boom", 0));
        let (r, p) = find(&routes, "GET", "/comments/a%20b").unwrap();
        assert_eq!((r.function.as_str(), p["id"].as_str()), ("get", "a b"));
        let (r, p) = find(&routes, "GET", "/articles/7/comments").unwrap();
        assert_eq!(
            (r.function.as_str(), p["id"].as_str()),
            ("for-article", "7")
        );
        let (r, _) = find(&routes, "GET", "/dev/articles/7/comments").unwrap();
        assert_eq!(r.function, "for-article", "REST under its stage");
        assert!(
            find(&routes, "GET", "/dev/articles/7").is_none(),
            "HTTP APIs have no stage prefix"
        );
        let (r, p) = find(&routes, "DELETE", "/files/a/b.txt").unwrap();
        assert_eq!(
            (r.function.as_str(), p["proxy"].as_str()),
            ("files", "a/b.txt")
        );
        assert!(find(&routes, "POST", "/comments/1").is_none());
        assert!(find(&routes, "GET", "/nothing").is_none());
    }
}
