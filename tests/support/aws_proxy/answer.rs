//! What the proxy answers one call with: the fault a rule fires, the service's throttling error
//! when the call's bucket is empty, or the emulator's answer (CloudWatch's translated) — and how
//! the call is counted; on its way back a `ListFunctions` answer may be cut into AWS's pages.

use std::time::Duration;

use super::Shared;
use super::classify::{Call, Service};
use super::counters::Outcome;
use super::faults::Fault;
use super::http::{self, Request, Response};
use super::shapes::{self, Kind};
use super::{cloudwatch, pages, percentiles};

/// How the answer goes back on the client's connection.
pub enum Answer {
    /// A whole response.
    Whole(Response),
    /// The head promising the whole body, half the body, then the connection closes.
    Cut(Response),
    /// The connection is reset with no answer.
    Reset,
    /// No answer, ever.
    Hang,
}

pub async fn answer(shared: &Shared, call: &Call, request: &Request) -> Answer {
    if let Some(fault) = shared.faults.pick(call) {
        let outcome = if fault == Fault::Throttle {
            Outcome::Throttled
        } else {
            Outcome::Faulted
        };
        shared.counters.record(call.class, outcome);
        return faulty(shared, call, request, fault).await;
    }
    if let Err(wait) = shared.buckets.take(&call.scope, call.class) {
        shared.counters.record(call.class, Outcome::Throttled);
        return Answer::Whole(shapes::error(call, &Kind::Throttling { retry_after: wait }));
    }
    let (response, upstream_error) = forward(shared, call, request).await;
    shared
        .counters
        .record(call.class, Outcome::Passed { upstream_error });
    Answer::Whole(response)
}

async fn faulty(shared: &Shared, call: &Call, request: &Request, fault: Fault) -> Answer {
    let error = |kind: Kind| Answer::Whole(shapes::error(call, &kind));
    match fault {
        Fault::Throttle => error(Kind::Throttling {
            retry_after: Duration::from_secs(1),
        }),
        Fault::ServerError(status) => error(Kind::ServerError {
            status,
            message: "We encountered an internal error. Please try again.".into(),
        }),
        Fault::AccessDenied => error(Kind::AccessDenied),
        Fault::ExpiredToken => error(Kind::ExpiredToken),
        Fault::ConnectionReset => Answer::Reset,
        Fault::Hang => Answer::Hang,
        Fault::TruncatedBody => Answer::Cut(forward(shared, call, request).await.0),
        Fault::ShortBody { missing } => {
            let mut response = forward(shared, call, request).await.0;
            let keep = response.body.len().saturating_sub(missing);
            response.body.truncate(keep);
            Answer::Whole(response)
        }
        Fault::GarbageBody { secret } => Answer::Whole(garbage(call, secret.as_deref())),
    }
}

/// A `200` in the service's content type whose body is not JSON, CBOR or XML: an unterminated
/// object after a stray prefix, holding `secret` where given.
fn garbage(call: &Call, secret: Option<&str>) -> Response {
    let content_type = match call.service {
        Service::Lambda | Service::ApiGateway => "application/json",
        Service::Logs | Service::Tagging => "application/x-amz-json-1.1",
        Service::CloudWatch => "application/cbor",
        Service::Sts | Service::Other => "text/xml",
    };
    let body = format!(
        "<<garbage>> {{\"Environment\": {{\"Variables\": {{\"SECRET\": \"{}",
        secret.unwrap_or("not-a-secret")
    );
    let response = Response::new(200, content_type, body.into_bytes());
    if call.service == Service::CloudWatch {
        response.with_header("smithy-protocol", "rpc-v2-cbor")
    } else {
        response
    }
}

/// The emulator's answer to `request` (in AWS's shape where the options ask for it), and
/// whether it is an error (4xx/5xx, or none at all).
async fn forward(shared: &Shared, call: &Call, request: &Request) -> (Response, bool) {
    let translate = call.service == Service::CloudWatch && cloudwatch::is_cbor(request);
    let paged = shared
        .list_functions_page
        .filter(|_| call.operation == "ListFunctions");
    if let Some(page) = paged
        && let pages::Step::Answer(response) = shared.walks.next(request, page)
    {
        let failed = response.status >= 400;
        return (response, failed);
    }
    let mut stood_in = Vec::new();
    let outgoing = if translate {
        match cloudwatch::to_json(request, &call.operation) {
            Ok(mut json) => {
                if shared.percentiles_without_data && call.operation == "GetMetricData" {
                    stood_in = rewrite_json(&mut json.body, percentiles::stand_in);
                }
                json
            }
            Err(message) => return (shapes::error(call, &Kind::Malformed { message }), true),
        }
    } else {
        request.clone()
    };
    match http::exchange(shared.upstream, &outgoing).await {
        Ok(mut response) => {
            let failed = response.status >= 400;
            if !stood_in.is_empty() && !failed {
                rewrite_json(&mut response.body, |json| {
                    percentiles::without_data(json, &stood_in)
                });
            }
            let response = if translate {
                cloudwatch::to_cbor(response)
            } else if let Some(page) = paged {
                shared.walks.first(request, response, page)
            } else {
                response
            };
            (response, failed)
        }
        Err(e) => {
            let kind = Kind::ServerError {
                status: 502,
                message: format!("the emulator did not answer: {e}"),
            };
            (shapes::error(call, &kind), true)
        }
    }
}

/// Applies `edit` to a JSON body (left as is if it is not JSON).
fn rewrite_json<T: Default>(
    body: &mut Vec<u8>,
    edit: impl FnOnce(&mut serde_json::Value) -> T,
) -> T {
    let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(body) else {
        return T::default();
    };
    let out = edit(&mut json);
    *body = serde_json::to_vec(&json).expect("JSON");
    out
}
