//! API Gateway's proxy integrations: a request as a REST (payload 1.0) or HTTP API (payload
//! 2.0) event, and the function's answer back as a response.

use std::collections::BTreeMap;

use base64::Engine;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Response, StatusCode};
use serde_json::{Value, json};

use super::routes::GatewayRoute;
use crate::fleet::ApiKind;
use crate::fleet::local::fleet::LOCAL_ACCOUNT;
use crate::fleet::local::project::Payload;

/// What the proxy events are made of.
pub struct HttpRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// The path without the stage (what a REST event's `path` holds).
    pub resource_path: &'a str,
    pub query: &'a str,
    /// Names as the client wrote them.
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

/// A payload 1.0 proxy event: a REST API's (header names as the client wrote them, `path`
/// without the stage, `requestContext.path` with it), or an HTTP API's with `payload: '1.0'`.
pub fn rest_event(route: &GatewayRoute, r: &HttpRequest) -> Value {
    let (body, base64) = body_fields(r.body);
    let lower;
    let headers = match route.kind {
        ApiKind::Rest => r.headers,
        ApiKind::Http => {
            lower = r
                .headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect::<Vec<_>>();
            &lower
        }
    };
    let (stage, context_path) = match route.kind {
        ApiKind::Rest => (
            route.stage.clone(),
            format!("/{}{}", route.stage, r.resource_path),
        ),
        ApiKind::Http => ("$default".to_owned(), r.resource_path.to_owned()),
    };
    let query = query_pairs(r.query);
    let mut multi_query: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, v) in &query {
        multi_query
            .entry(k.clone())
            .or_default()
            .push(Value::String(v.clone()));
    }
    let mut multi_headers: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, v) in headers {
        multi_headers
            .entry(k.clone())
            .or_default()
            .push(Value::String(v.clone()));
    }
    let now = crate::clock::now_ms();
    let mut event = json!({
        "resource": route.template,
        "path": r.resource_path,
        "httpMethod": r.method,
        "headers": map_or_null(headers.iter().map(|(k, v)| (k.clone(), Value::String(v.clone())))),
        "multiValueHeaders": map_or_null(multi_headers.into_iter().map(|(k, v)| (k, Value::Array(v)))),
        "queryStringParameters": map_or_null(query.iter().map(|(k, v)| (k.clone(), Value::String(v.clone())))),
        "multiValueQueryStringParameters": map_or_null(multi_query.into_iter().map(|(k, v)| (k, Value::Array(v)))),
        "pathParameters": map_or_null(r.params.iter().map(|(k, v)| (k.clone(), Value::String(v.clone())))),
        "stageVariables": Value::Null,
        "requestContext": {
            "resourcePath": route.template,
            "httpMethod": r.method,
            "path": context_path,
            "stage": stage,
            "requestId": uuid::Uuid::new_v4().to_string(),
            "accountId": LOCAL_ACCOUNT,
            "apiId": "local",
            "protocol": "HTTP/1.1",
            "requestTimeEpoch": now,
            "identity": {"sourceIp": "127.0.0.1", "userAgent": header(r.headers, "user-agent")},
        },
        "body": body,
        "isBase64Encoded": base64,
    });
    if route.kind == ApiKind::Http {
        event["version"] = json!("1.0");
    }
    event
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

/// The HTTP response a proxy integration's answer asks for; `None` when it is malformed
/// (payload 1.0 needs `statusCode`; 2.0 takes any other JSON as a 200 body).
pub fn proxy_response(format: Payload, payload: &[u8]) -> Option<Response<Full<Bytes>>> {
    let value: Value = serde_json::from_slice(payload).ok()?;
    let Some(status) = value.get("statusCode").and_then(Value::as_u64) else {
        return match format {
            Payload::V1 => None,
            Payload::V2 => Some(respond(StatusCode::OK, value)),
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

pub fn respond(status: StatusCode, body: Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("a valid response")
}

/// Percent-decoding (and `+` as a space in query strings).
pub(super) fn decode(s: &str, plus_is_space: bool) -> String {
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
    use super::super::routes::route;
    use super::*;

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
            resource_path: "/articles/2",
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
            Payload::V1,
            br#"{"statusCode":201,"headers":{"x-a":"1"},"body":"made"}"#,
        )
        .unwrap();
        assert_eq!(ok.status(), 201);
        assert_eq!(ok.headers()["x-a"], "1");
        assert!(proxy_response(Payload::V1, br#"{"hello":1}"#).is_none());
        let plain = proxy_response(Payload::V2, br#"{"hello":1}"#).unwrap();
        assert_eq!(plain.status(), 200);
        let binary = proxy_response(
            Payload::V2,
            br#"{"statusCode":200,"body":"aGk=","isBase64Encoded":true}"#,
        )
        .unwrap();
        assert_eq!(binary.status(), 200);
    }
}
