//! CORS as API Gateway answers it where `cors` is set: a REST API's preflight (the `OPTIONS`
//! method the framework adds, answered 200), an HTTP API's preflight (204) and the
//! `Access-Control-*` headers an HTTP API adds to every answer.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Response, StatusCode};

use super::routes::Match;
use crate::fleet::ApiKind;
use crate::fleet::local::project::Cors;

/// The answer to `OPTIONS` on a path whose routes have `cors`, or `None` when none has.
pub fn preflight(on_path: &[Match], origin: Option<&str>) -> Option<Response<Full<Bytes>>> {
    let with_cors: Vec<&Match> = on_path.iter().filter(|m| m.route.cors.is_some()).collect();
    let first = with_cors.first()?;
    let cors = first.route.cors.as_ref()?;
    let methods = if cors.methods.is_empty() {
        let mut methods: Vec<&str> = with_cors.iter().map(|m| m.route.method.as_str()).collect();
        methods.push("OPTIONS");
        methods.dedup();
        methods.join(",")
    } else {
        cors.methods.join(",")
    };
    let status = match first.route.kind {
        ApiKind::Rest => StatusCode::OK,
        ApiKind::Http => StatusCode::NO_CONTENT,
    };
    let mut builder = Response::builder()
        .status(status)
        .header("Access-Control-Allow-Origin", allowed_origin(cors, origin))
        .header("Access-Control-Allow-Headers", cors.headers.join(","))
        .header("Access-Control-Allow-Methods", methods);
    if cors.allow_credentials {
        builder = builder.header("Access-Control-Allow-Credentials", "true");
    }
    if let Some(age) = cors.max_age {
        builder = builder.header("Access-Control-Max-Age", age.to_string());
    }
    builder.body(Full::new(Bytes::new())).ok()
}

/// An HTTP API with `cors` adds its headers to the function's answer (a REST API leaves that
/// to the function).
pub fn decorate(response: &mut Response<Full<Bytes>>, m: &Match, origin: Option<&str>) {
    let (ApiKind::Http, Some(cors), Some(origin)) = (m.route.kind, &m.route.cors, origin) else {
        return;
    };
    let headers = response.headers_mut();
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = value.parse() {
            headers.insert(name, v);
        }
    };
    set(
        "access-control-allow-origin",
        allowed_origin(cors, Some(origin)),
    );
    if cors.allow_credentials {
        set("access-control-allow-credentials", "true".into());
    }
    if !cors.expose_headers.is_empty() {
        set(
            "access-control-expose-headers",
            cors.expose_headers.join(","),
        );
    }
}

/// `*`, or the request's origin when it is one of those allowed, else the first allowed.
fn allowed_origin(cors: &Cors, origin: Option<&str>) -> String {
    if cors.origins.iter().any(|o| o == "*") {
        return "*".into();
    }
    match origin {
        Some(o) if cors.origins.iter().any(|a| a == o) => o.to_owned(),
        _ => cors.origins.first().cloned().unwrap_or_default(),
    }
}
