//! The HTTP gateway: the `http` and `httpApi` routes of every service on one loopback port,
//! each request turned into an API Gateway proxy event (REST payload 1.0, HTTP API payload
//! 2.0), the function invoked at `$LATEST`, and its answer turned back into a response.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use base64::Engine;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use super::fleet::{InvokeError, LOCAL_ACCOUNT, LocalFleet};
use super::pool::Refused;
use crate::fleet::ApiKind;

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
    routes.sort_by_key(|r| {
        let literal = r
            .template
            .split('/')
            .filter(|s| !s.starts_with('{'))
            .count();
        (std::cmp::Reverse(literal), r.method == "ANY")
    });
    routes
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
    match fleet.invoke(&route.function, None, payload).await {
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

/// What the proxy events are made of.
pub struct HttpRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    pub params: &'a BTreeMap<String, String>,
}

fn body_fields(body: &[u8]) -> (Value, bool) {
    if body.is_empty() {
        return (Value::Null, false);
    }
    match std::str::from_utf8(body) {
        Ok(text) => (Value::String(text.to_owned()), false),
        Err(_) => (
            Value::String(base64::engine::general_purpose::STANDARD.encode(body)),
            true,
        ),
    }
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k, true), decode(v, true))
        })
        .collect()
}

fn map_or_null(pairs: impl IntoIterator<Item = (String, Value)>) -> Value {
    let map: serde_json::Map<String, Value> = pairs.into_iter().collect();
    if map.is_empty() {
        Value::Null
    } else {
        Value::Object(map)
    }
}

/// A REST API (payload 1.0) proxy event.
pub fn rest_event(route: &GatewayRoute, r: &HttpRequest) -> Value {
    let (body, base64) = body_fields(r.body);
    let query = query_pairs(r.query);
    let mut multi_query: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, v) in &query {
        multi_query
            .entry(k.clone())
            .or_default()
            .push(Value::String(v.clone()));
    }
    let mut multi_headers: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, v) in r.headers {
        multi_headers
            .entry(k.clone())
            .or_default()
            .push(Value::String(v.clone()));
    }
    let now = crate::clock::now_ms();
    json!({
        "resource": route.template,
        "path": r.path,
        "httpMethod": r.method,
        "headers": map_or_null(r.headers.iter().map(|(k, v)| (k.clone(), Value::String(v.clone())))),
        "multiValueHeaders": map_or_null(multi_headers.into_iter().map(|(k, v)| (k, Value::Array(v)))),
        "queryStringParameters": map_or_null(query.iter().map(|(k, v)| (k.clone(), Value::String(v.clone())))),
        "multiValueQueryStringParameters": map_or_null(multi_query.into_iter().map(|(k, v)| (k, Value::Array(v)))),
        "pathParameters": map_or_null(r.params.iter().map(|(k, v)| (k.clone(), Value::String(v.clone())))),
        "stageVariables": Value::Null,
        "requestContext": {
            "resourcePath": route.template,
            "httpMethod": r.method,
            "path": format!("/{}{}", route.stage, r.path),
            "stage": route.stage,
            "requestId": uuid::Uuid::new_v4().to_string(),
            "accountId": LOCAL_ACCOUNT,
            "apiId": "local",
            "protocol": "HTTP/1.1",
            "requestTimeEpoch": now,
            "identity": {"sourceIp": "127.0.0.1", "userAgent": header(r.headers, "user-agent")},
        },
        "body": body,
        "isBase64Encoded": base64,
    })
}

/// An HTTP API (payload 2.0) proxy event.
pub fn http_event(route: &GatewayRoute, r: &HttpRequest) -> Value {
    let (body, base64) = body_fields(r.body);
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    let mut cookies = Vec::new();
    for (k, v) in r.headers {
        let k = k.to_ascii_lowercase();
        if k == "cookie" {
            cookies.extend(v.split(';').map(|c| Value::String(c.trim().to_owned())));
            continue;
        }
        headers
            .entry(k)
            .and_modify(|e| {
                e.push(',');
                e.push_str(v);
            })
            .or_insert_with(|| v.clone());
    }
    let mut query: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in query_pairs(r.query) {
        query
            .entry(k)
            .and_modify(|e| {
                e.push(',');
                e.push_str(&v);
            })
            .or_insert(v);
    }
    let route_key = format!("{} {}", route.method, route.template);
    let now = crate::clock::now_ms();
    let mut event = json!({
        "version": "2.0",
        "routeKey": if route.method == "ANY" { "$default".to_owned() } else { route_key.clone() },
        "rawPath": r.path,
        "rawQueryString": r.query,
        "headers": headers,
        "requestContext": {
            "accountId": LOCAL_ACCOUNT,
            "apiId": "local",
            "domainName": header(r.headers, "host"),
            "http": {
                "method": r.method,
                "path": r.path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": header(r.headers, "user-agent"),
            },
            "requestId": uuid::Uuid::new_v4().to_string(),
            "routeKey": route_key,
            "stage": "$default",
            "time": crate::units::iso_time(now),
            "timeEpoch": now,
        },
        "isBase64Encoded": base64,
    });
    let obj = event.as_object_mut().expect("an object");
    if !cookies.is_empty() {
        obj.insert("cookies".into(), Value::Array(cookies));
    }
    if !query.is_empty() {
        obj.insert("queryStringParameters".into(), json!(query));
    }
    if !r.params.is_empty() {
        obj.insert("pathParameters".into(), json!(r.params));
    }
    if !body.is_null() {
        obj.insert("body".into(), body);
    }
    event
}

fn header(headers: &[(String, String)], name: &str) -> String {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// The HTTP response a proxy integration's answer asks for; `None` when it is malformed (REST
/// needs `statusCode`; an HTTP API takes any JSON as a 200 body).
pub fn proxy_response(kind: ApiKind, payload: &[u8]) -> Option<Response<Full<Bytes>>> {
    let value: Value = serde_json::from_slice(payload).ok()?;
    let Some(status) = value.get("statusCode").and_then(Value::as_u64) else {
        return match kind {
            ApiKind::Rest => None,
            ApiKind::Http => Some(respond(StatusCode::OK, value)),
        };
    };
    let mut builder = Response::builder().status(u16::try_from(status).ok()?);
    if let Some(headers) = value.get("headers").and_then(Value::as_object) {
        for (k, v) in headers {
            let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            builder = builder.header(k, v);
        }
    }
    if let Some(multi) = value.get("multiValueHeaders").and_then(Value::as_object) {
        for (k, vs) in multi {
            for v in vs.as_array().into_iter().flatten() {
                builder =
                    builder.header(k, v.as_str().map_or_else(|| v.to_string(), str::to_owned));
            }
        }
    }
    let body = match value.get("body") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) if value.get("isBase64Encoded") == Some(&Value::Bool(true)) => {
            base64::engine::general_purpose::STANDARD.decode(s).ok()?
        }
        Some(Value::String(s)) => s.clone().into_bytes(),
        Some(other) => other.to_string().into_bytes(),
    };
    builder.body(Full::new(Bytes::from(body))).ok()
}

fn respond(status: StatusCode, body: Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("a valid response")
}

/// Percent-decoding (and `+` as a space in query strings).
fn decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    out.push(b);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(kind: ApiKind, method: &str, template: &str, function: &str) -> GatewayRoute {
        GatewayRoute {
            kind,
            method: method.into(),
            template: template.into(),
            function: function.into(),
            stage: "dev".into(),
        }
    }

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
        routes.sort_by_key(|r| {
            let literal = r
                .template
                .split('/')
                .filter(|s| !s.starts_with('{'))
                .count();
            (std::cmp::Reverse(literal), r.method == "ANY")
        });
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

    #[test]
    fn proxy_events_carry_what_api_gateway_puts_in_them() {
        let headers = vec![
            ("host".to_string(), "127.0.0.1:3000".to_string()),
            ("cookie".to_string(), "a=1; b=2".to_string()),
        ];
        let params = BTreeMap::from([("id".to_string(), "2".to_string())]);
        let request = HttpRequest {
            method: "GET",
            path: "/articles/2",
            query: "tag=cost&tag=lambda&q=a+b",
            headers: &headers,
            body: b"",
            params: &params,
        };
        let v2 = http_event(
            &route(ApiKind::Http, "GET", "/articles/{id}", "api"),
            &request,
        );
        assert_eq!(v2["version"], "2.0");
        assert_eq!(v2["routeKey"], "GET /articles/{id}");
        assert_eq!(v2["pathParameters"]["id"], "2");
        assert_eq!(v2["queryStringParameters"]["tag"], "cost,lambda");
        assert_eq!(v2["queryStringParameters"]["q"], "a b");
        assert_eq!(v2["cookies"], json!(["a=1", "b=2"]));
        assert_eq!(v2["requestContext"]["http"]["method"], "GET");
        assert!(v2.get("body").is_none());
        let v1 = rest_event(
            &route(ApiKind::Rest, "GET", "/articles/{id}", "api"),
            &HttpRequest {
                body: b"{\"x\":1}",
                ..request
            },
        );
        assert_eq!(v1["httpMethod"], "GET");
        assert_eq!(v1["resource"], "/articles/{id}");
        assert_eq!(
            v1["multiValueQueryStringParameters"]["tag"],
            json!(["cost", "lambda"])
        );
        assert_eq!(v1["requestContext"]["stage"], "dev");
        assert_eq!(v1["body"], "{\"x\":1}");
        assert_eq!(v1["isBase64Encoded"], false);
    }

    #[test]
    fn answers_become_responses_and_malformed_ones_do_not() {
        let ok = proxy_response(
            ApiKind::Rest,
            br#"{"statusCode":201,"headers":{"x-a":"1"},"body":"made"}"#,
        )
        .unwrap();
        assert_eq!(ok.status(), 201);
        assert_eq!(ok.headers()["x-a"], "1");
        assert!(proxy_response(ApiKind::Rest, br#"{"hello":1}"#).is_none());
        let plain = proxy_response(ApiKind::Http, br#"{"hello":1}"#).unwrap();
        assert_eq!(plain.status(), 200);
        let binary = proxy_response(
            ApiKind::Http,
            br#"{"statusCode":200,"body":"aGk=","isBase64Encoded":true}"#,
        )
        .unwrap();
        assert_eq!(binary.status(), 200);
    }
}
