//! CloudWatch between the two protocols: `aws-sdk-cloudwatch` speaks only Smithy RPC v2 CBOR
//! (`POST /service/GraniteServiceVersion20100801/operation/OP`), moto 5.2.5 only JSON 1.0
//! (`POST /`, `X-Amz-Target: GraniteServiceVersion20100801.OP`) and 404s the CBOR path.
//!
//! Requests go CBOR → JSON (a gzip body, which the SDK sends for large `PutMetricData` calls, is
//! unpacked first) and answers JSON → CBOR; an answer that is not JSON (moto's HTML 500 on a
//! percentile statistic) becomes an `InternalServiceFault` the SDK can parse. The SigV4 signature
//! no longer matches the rewritten body; moto does not check signatures, so it is passed as is.

use std::io::Read;

use super::cbor;
use super::http::{Request, Response};

const SERVICE: &str = "GraniteServiceVersion20100801";

/// Whether `request` is the SDK's CBOR (not moto's own JSON, which passes through untouched).
pub fn is_cbor(request: &Request) -> bool {
    request
        .path()
        .starts_with(&format!("/service/{SERVICE}/operation/"))
}

/// The JSON 1.0 request moto answers for the CBOR call `operation`.
pub fn to_json(request: &Request, operation: &str) -> Result<Request, String> {
    let body = match request.header("content-encoding") {
        Some(e) if e.eq_ignore_ascii_case("gzip") => {
            let mut unpacked = Vec::new();
            flate2::read::GzDecoder::new(request.body.as_slice())
                .read_to_end(&mut unpacked)
                .map_err(|e| format!("a gzip body that does not unpack: {e}"))?;
            unpacked
        }
        _ => request.body.clone(),
    };
    let json = cbor::decode(&body)?;
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(k, _)| {
            ![
                "content-type",
                "content-encoding",
                "smithy-protocol",
                "accept",
            ]
            .iter()
            .any(|h| k.eq_ignore_ascii_case(h))
        })
        .cloned()
        .collect();
    headers.push(("Content-Type".into(), "application/x-amz-json-1.0".into()));
    headers.push(("X-Amz-Target".into(), format!("{SERVICE}.{operation}")));
    Ok(Request {
        method: "POST".into(),
        target: "/".into(),
        headers,
        body: serde_json::to_vec(&json).unwrap(),
    })
}

/// moto's JSON answer as the SDK expects it.
pub fn to_cbor(response: Response) -> Response {
    let json = match serde_json::from_slice::<serde_json::Value>(&response.body) {
        Ok(json) => json,
        Err(_) if response.body.is_empty() && response.status < 300 => serde_json::json!({}),
        Err(_) => serde_json::json!({
            "__type": "InternalServiceFault",
            "message": format!(
                "the emulator answered {} without a JSON body: {}",
                response.status,
                plain_text(&response.body)
            ),
        }),
    };
    let mut cbor = cbor_response(response.status, cbor::encode(&json));
    for (k, v) in &response.headers {
        if k.eq_ignore_ascii_case("x-amzn-requestid")
            || k.eq_ignore_ascii_case("x-amzn-query-error")
        {
            cbor.set_header(k, v);
        }
    }
    cbor
}

/// A response in RPC v2 CBOR.
pub fn cbor_response(status: u16, body: Vec<u8>) -> Response {
    Response::new(status, "application/cbor", body).with_header("smithy-protocol", "rpc-v2-cbor")
}

/// An HTML page's text, tags dropped and white space folded, at most 200 characters.
fn plain_text(body: &[u8]) -> String {
    let html = String::from_utf8_lossy(body);
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect()
}
