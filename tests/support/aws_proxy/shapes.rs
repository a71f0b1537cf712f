//! AWS's error answers, each in its service's own protocol, so the real SDK parses them as it
//! would parse AWS's: Lambda and API Gateway REST-JSON (`x-amzn-ErrorType`), Logs and Tagging
//! JSON 1.1 (`__type`), CloudWatch RPC v2 CBOR (`__type`, `smithy-protocol: rpc-v2-cbor`), STS and
//! the other query services XML (`<Code>`).
//!
//! Lambda's throttle is what Lambda sends: `429`, `x-amzn-ErrorType: TooManyRequestsException`,
//! `Retry-After` in seconds, `{"Reason":"CallerRateLimitExceeded","Type":"User","message":"Rate
//! exceeded"}`. CloudWatch's errors carry no `x-amzn-query-error` header: with it the SDK would
//! report the query-era code (`Throttling`, `AccessDenied`) instead of the `__type`.

use std::time::Duration;

use serde_json::{Value, json};

use super::classify::{Call, Service};
use super::http::Response;
use super::{cbor, cloudwatch};

/// An error the proxy answers with instead of the emulator.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Rate exceeded; `retry_after` is how long until the bucket holds a token.
    Throttling { retry_after: Duration },
    /// The caller may not make this call (a denied region, a missing permission).
    AccessDenied,
    /// The session's credentials have expired.
    ExpiredToken,
    /// The service failed (`status` 5xx).
    ServerError { status: u16, message: String },
    /// The request could not be read (a CBOR body that does not decode).
    Malformed { message: String },
}

/// The whole answer for `kind`, shaped for `call`'s service.
pub fn error(call: &Call, kind: &Kind) -> Response {
    let shape = shape(call, kind);
    render(call.service, &shape)
}

/// An error before its protocol: HTTP status, code, message, who is at fault and what else the
/// service puts in the body.
struct Shape {
    status: u16,
    code: &'static str,
    message: String,
    sender: bool,
    extra: Vec<(&'static str, String)>,
    retry_after: Option<Duration>,
}

const EXPIRED: &str = "The security token included in the request is expired";

fn shape(call: &Call, kind: &Kind) -> Shape {
    let service = call.service;
    let json_like = matches!(
        service,
        Service::Logs | Service::Tagging | Service::CloudWatch
    );
    let base = |status, code, message: &str| Shape {
        status,
        code,
        message: message.to_owned(),
        sender: status < 500,
        extra: Vec::new(),
        retry_after: None,
    };
    match kind {
        Kind::Throttling { retry_after } => {
            let mut shape = match service {
                Service::Lambda => Shape {
                    extra: vec![
                        ("Reason", "CallerRateLimitExceeded".into()),
                        ("Type", "User".into()),
                    ],
                    ..base(429, "TooManyRequestsException", "Rate exceeded")
                },
                Service::ApiGateway => base(429, "TooManyRequestsException", "Too Many Requests"),
                Service::Sts | Service::Other => base(400, "Throttling", "Rate exceeded"),
                _ => base(400, "ThrottlingException", "Rate exceeded"),
            };
            shape.retry_after = Some(*retry_after);
            shape
        }
        Kind::AccessDenied => {
            let message = format!(
                "User: arn:aws:sts::{account}:assumed-role/mfn-test/session is not authorized to \
                 perform: {action} on resource: arn:aws:{prefix}:{region}:{account}:* because no \
                 identity-based policy allows the {action} action",
                account = super::super::emulator::ACCOUNT,
                action = format!("{}:{}", iam_prefix(service), call.operation),
                prefix = iam_prefix(service),
                region = call.scope.region,
            );
            match service {
                Service::Sts | Service::Other => base(403, "AccessDenied", &message),
                _ if json_like => base(400, "AccessDeniedException", &message),
                _ => Shape {
                    extra: vec![("Type", "User".into())],
                    ..base(403, "AccessDeniedException", &message)
                },
            }
        }
        Kind::ExpiredToken => match service {
            Service::Sts | Service::Other => base(403, "ExpiredToken", EXPIRED),
            _ if json_like => base(400, "ExpiredTokenException", EXPIRED),
            _ => base(403, "ExpiredTokenException", EXPIRED),
        },
        Kind::ServerError { status, message } => {
            let code = match service {
                Service::Lambda => "ServiceException",
                Service::Logs | Service::ApiGateway => "ServiceUnavailableException",
                Service::Tagging => "InternalServiceException",
                Service::CloudWatch => "InternalServiceFault",
                Service::Sts | Service::Other if *status == 503 => "ServiceUnavailable",
                Service::Sts | Service::Other => "InternalFailure",
            };
            let mut shape = base(*status, code, message);
            if service == Service::Lambda {
                shape.extra.push(("Type", "Service".into()));
            }
            shape
        }
        Kind::Malformed { message } => match service {
            Service::Sts | Service::Other => base(400, "MalformedQueryString", message),
            _ => base(400, "SerializationException", message),
        },
    }
}

/// The IAM action prefix of a service (`lambda`, `logs`, `cloudwatch`…).
fn iam_prefix(service: Service) -> &'static str {
    match service {
        Service::Lambda => "lambda",
        Service::Logs => "logs",
        Service::CloudWatch => "cloudwatch",
        Service::Tagging => "tag",
        Service::ApiGateway => "apigateway",
        Service::Sts => "sts",
        Service::Other => "iam",
    }
}

fn render(service: Service, shape: &Shape) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut response = match service {
        Service::Lambda | Service::ApiGateway => {
            Response::new(shape.status, "application/json", json_bytes(shape, false))
                .with_header("x-amzn-ErrorType", shape.code)
        }
        Service::Logs | Service::Tagging => Response::new(
            shape.status,
            "application/x-amz-json-1.1",
            json_bytes(shape, true),
        ),
        Service::CloudWatch => {
            cloudwatch::cbor_response(shape.status, cbor::encode(&body(shape, true)))
        }
        Service::Sts | Service::Other => {
            Response::new(shape.status, "text/xml", query_body(shape, &request_id))
        }
    };
    response.set_header("x-amzn-RequestId", &request_id);
    if let (Service::Lambda | Service::ApiGateway, Some(wait)) = (service, shape.retry_after) {
        response.set_header(
            "Retry-After",
            &wait.as_secs_f64().ceil().max(1.0).to_string(),
        );
    }
    response
}

fn json_bytes(shape: &Shape, with_type: bool) -> Vec<u8> {
    serde_json::to_vec(&body(shape, with_type)).unwrap()
}

/// The JSON (or, for CloudWatch, CBOR) body: `__type` where the protocol names the error there.
fn body(shape: &Shape, with_type: bool) -> Value {
    let mut body = serde_json::Map::new();
    if with_type {
        body.insert("__type".into(), json!(shape.code));
    }
    for (k, v) in &shape.extra {
        body.insert((*k).into(), json!(v));
    }
    body.insert("message".into(), json!(shape.message));
    Value::Object(body)
}

fn query_body(shape: &Shape, request_id: &str) -> Vec<u8> {
    format!(
        "<ErrorResponse><Error><Type>{}</Type><Code>{}</Code><Message>{}</Message></Error>\
         <RequestId>{request_id}</RequestId></ErrorResponse>",
        if shape.sender { "Sender" } else { "Receiver" },
        shape.code,
        shape.message,
    )
    .into_bytes()
}
