//! A minimal HTTP/1.1 client for the local gateway: one request a connection, header names
//! written exactly as given.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A response: status, headers (names as the server wrote them) and body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

fn connect(base: &str) -> (TcpStream, String) {
    let host = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let stream = TcpStream::connect(&host).expect("the gateway accepts connections");
    (stream, host)
}

/// Sends `method path` with `headers` and `body` to `base` (`http://127.0.0.1:PORT`).
pub fn send(base: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let (mut stream, host) = connect(base);
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    write!(
        stream,
        "{head}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_owned(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// Sends `method path` with a JSON `body` to `base`; the status and body.
pub fn request(base: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let a = send(
        base,
        method,
        path,
        &[("Content-Type", "application/json")],
        body,
    );
    (a.status, a.body)
}

/// Sends `GET path` and gives up waiting after `patience`, dropping the connection as a client
/// with a short timeout (`curl -m`) does; true when it gave up before any answer.
pub fn give_up_after(base: &str, path: &str, patience: Duration) -> bool {
    let (mut stream, host) = connect(base);
    stream.set_read_timeout(Some(patience)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
    let mut buf = [0u8; 1];
    let gave_up = matches!(stream.read(&mut buf), Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut));
    drop(stream);
    gave_up
}
