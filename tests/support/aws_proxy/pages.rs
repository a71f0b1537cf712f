//! `ListFunctions` in AWS's pages. AWS answers at most 50 functions a page (fewer with
//! `MaxItems`) with a `NextMarker` to the next; moto answers every function in one page and
//! ignores `Marker` and `MaxItems`, so a page walk costs one call there instead of one per 50
//! functions. With [`super::ProxyOptions::list_functions_pages`] the proxy cuts moto's answer
//! into such pages and honours the `Marker` it handed out (an offset into moto's list, whose
//! order is stable while no function is created or deleted).

use serde_json::{Value, json};

use super::http::{Request, Response};

/// The most functions AWS answers in one `ListFunctions` page.
pub const AWS_PAGE: usize = 50;

/// The marker of the page that starts at `offset`.
fn marker(offset: usize) -> String {
    format!("mfn-proxy-page-{offset}")
}

/// The page of moto's whole answer that `request` asks for, at most `page` functions long;
/// moto's answer as is where it is not a list of functions.
pub fn cut(request: &Request, response: Response, page: usize) -> Response {
    if response.status != 200 {
        return response;
    }
    let Ok(mut body) = serde_json::from_slice::<Value>(&response.body) else {
        return response;
    };
    let Some(Value::Array(all)) = body.get_mut("Functions").map(Value::take) else {
        return response;
    };
    let start = match query(request, "Marker") {
        None => 0,
        Some(m) => match m
            .strip_prefix("mfn-proxy-page-")
            .and_then(|o| o.parse::<usize>().ok())
            .filter(|&o| o <= all.len())
        {
            Some(offset) => offset,
            None => return invalid_marker(&m),
        },
    };
    let size = query(request, "MaxItems")
        .and_then(|m| m.parse::<usize>().ok())
        .filter(|&m| m > 0)
        .map_or(page, |m| m.min(page))
        .max(1);
    let end = (start + size).min(all.len());
    let next = (end < all.len()).then(|| marker(end));
    let functions: Vec<Value> = all.into_iter().skip(start).take(end - start).collect();
    let mut answer = json!({ "Functions": functions });
    if let Some(next) = next {
        answer["NextMarker"] = Value::String(next);
    }
    Response {
        body: serde_json::to_vec(&answer).expect("JSON"),
        ..response
    }
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
