//! What the proxy answers one call with: the service's throttling error when the call's bucket
//! is empty, or the emulator's answer (CloudWatch's translated) — and how the call is counted.

use std::net::SocketAddr;

use super::Shared;
use super::classify::{Call, Service};
use super::cloudwatch;
use super::counters::Outcome;
use super::http::{self, Request, Response};
use super::shapes::{self, Kind};

pub async fn answer(shared: &Shared, call: &Call, request: &Request) -> Response {
    if let Err(wait) = shared.buckets.take(&call.scope, call.class) {
        shared.counters.record(call.class, Outcome::Throttled);
        return shapes::error(call, &Kind::Throttling { retry_after: wait });
    }
    let (response, upstream_error) = forward(shared.upstream, call, request).await;
    shared
        .counters
        .record(call.class, Outcome::Passed { upstream_error });
    response
}

/// The emulator's answer to `request`, and whether it is an error (4xx/5xx, or none at all).
async fn forward(upstream: SocketAddr, call: &Call, request: &Request) -> (Response, bool) {
    let translate = call.service == Service::CloudWatch && cloudwatch::is_cbor(request);
    let outgoing = if translate {
        match cloudwatch::to_json(request, &call.operation) {
            Ok(json) => json,
            Err(message) => return (shapes::error(call, &Kind::Malformed { message }), true),
        }
    } else {
        request.clone()
    };
    match http::exchange(upstream, &outgoing).await {
        Ok(response) => {
            let failed = response.status >= 400;
            let response = if translate {
                cloudwatch::to_cbor(response)
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
