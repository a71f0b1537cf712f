//! `ListFunctions` in AWS's pages. AWS answers at most 50 functions a page (fewer with
//! `MaxItems`) with a `NextMarker` to the next, each page about as cheap as the first; moto
//! answers every function in one page and ignores `Marker` and `MaxItems`, so a walk costs one
//! call there, and cutting moto's answer on every call would make each page cost moto the whole
//! list. With [`super::ProxyOptions::list_functions_pages`] the proxy keeps moto's answer to a
//! walk's first page (a snapshot, as a marker continues the listing it came from) and answers
//! the following pages from it, each still held for the latency and counted against the quota;
//! a marker it never gave is refused as Lambda refuses it.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{Value, json};

use super::http::{Request, Response};

/// The most functions AWS answers in one `ListFunctions` page.
pub const AWS_PAGE: usize = 50;

/// Walks kept at most (a walk abandoned midway is forgotten after this many newer ones).
const KEPT: usize = 64;

/// The listings of the walks under way, by walk number.
#[derive(Default)]
pub struct Walks {
    state: Mutex<(u64, BTreeMap<u64, Vec<Value>>)>,
}

/// What the proxy does with a `ListFunctions` call.
pub enum Step {
    /// A first page: ask moto, then [`Walks::first`].
    Ask,
    /// A following page, answered from the walk's snapshot.
    Answer(Response),
}

impl Walks {
    /// How `request` is answered: by moto (a first page) or from a walk under way.
    pub fn next(&self, request: &Request, page: usize) -> Step {
        let Some(marker) = query(request, "Marker") else {
            return Step::Ask;
        };
        let parsed = marker.strip_prefix("mfn-proxy-page-").and_then(|rest| {
            let (walk, offset) = rest.split_once('-')?;
            Some((walk.parse::<u64>().ok()?, offset.parse::<usize>().ok()?))
        });
        let mut state = self.state.lock().unwrap();
        let Some((walk, offset)) = parsed else {
            return Step::Answer(invalid_marker(&marker));
        };
        let Some(all) = state.1.get(&walk).filter(|all| offset <= all.len()) else {
            return Step::Answer(invalid_marker(&marker));
        };
        let (answer, last) = page_of(all, walk, offset, size(request, page));
        if last {
            state.1.remove(&walk);
        }
        Step::Answer(answer)
    }

    /// The first page of moto's whole answer, the rest kept for the walk's next pages; moto's
    /// answer as is where it is not a list of functions.
    pub fn first(&self, request: &Request, response: Response, page: usize) -> Response {
        if response.status != 200 {
            return response;
        }
        let Ok(mut body) = serde_json::from_slice::<Value>(&response.body) else {
            return response;
        };
        let Some(Value::Array(all)) = body.get_mut("Functions").map(Value::take) else {
            return response;
        };
        let mut state = self.state.lock().unwrap();
        state.0 += 1;
        let walk = state.0;
        let (answer, last) = page_of(&all, walk, 0, size(request, page));
        if !last {
            state.1.insert(walk, all);
            while state.1.len() > KEPT {
                state.1.pop_first();
            }
        }
        Response {
            body: answer.body,
            ..response
        }
    }
}

/// Functions a page holds: `MaxItems` if fewer than `page`.
fn size(request: &Request, page: usize) -> usize {
    query(request, "MaxItems")
        .and_then(|m| m.parse::<usize>().ok())
        .filter(|&m| m > 0)
        .map_or(page, |m| m.min(page))
        .max(1)
}

/// The page of `all` from `offset`, and whether it is the last.
fn page_of(all: &[Value], walk: u64, offset: usize, size: usize) -> (Response, bool) {
    let end = (offset + size).min(all.len());
    let mut answer = json!({ "Functions": &all[offset..end] });
    if end < all.len() {
        answer["NextMarker"] = Value::String(format!("mfn-proxy-page-{walk}-{end}"));
    }
    let body = serde_json::to_vec(&answer).expect("JSON");
    (
        Response::new(200, "application/json", body),
        end >= all.len(),
    )
}

/// Lambda's answer to a marker it never gave.
fn invalid_marker(marker: &str) -> Response {
    let body = json!({
        "Type": "User",
        "message": format!("Invalid marker: {marker}"),
    });
    Response::new(
        400,
        "application/json",
        serde_json::to_vec(&body).expect("JSON"),
    )
    .with_header("x-amzn-ErrorType", "InvalidParameterValueException")
}

/// The value of `name` in the request's query string, percent-decoded.
fn query(request: &Request, name: &str) -> Option<String> {
    let (_, query) = request.target.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| decode(v))
    })
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    out.push(b);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
