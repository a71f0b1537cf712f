//! The proxy's HTTP/1.1: requests read off a kept-alive client connection, responses written back
//! whole or cut short, and one exchange with the emulator on a connection of its own.

use std::net::SocketAddr;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One request as the client sent it (a chunked body is already joined).
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query, as on the request line.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// One response, as the emulator sent it or as the proxy makes it up.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The path without its query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// Whether the client asked to close the connection after this exchange.
    pub fn wants_close(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }

    /// The request for the emulator: the same, with `Connection: close` and its length.
    fn to_upstream_bytes(&self) -> Vec<u8> {
        let mut head = format!("{} {} HTTP/1.1\r\n", self.method, self.target);
        for (k, v) in &self.headers {
            if !is_framing(k) {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

impl Response {
    /// A response with `body` and a `Content-Type`.
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.set_header(name, value);
        self
    }

    /// Replaces every value of header `name` with `value`.
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
    }

    /// Head and body as they go on the wire, with a `Content-Length` of the whole body.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.head(self.body.len());
        bytes.extend_from_slice(&self.body);
        bytes
    }

    /// The head promising `length` bytes of body.
    pub fn head(&self, length: usize) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (k, v) in &self.headers {
            if !is_framing(k) {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
        }
        head.push_str(&format!("Content-Length: {length}\r\n\r\n"));
        head.into_bytes()
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Headers the proxy rewrites itself on each hop.
fn is_framing(name: &str) -> bool {
    [
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Bytes read off one connection and not yet taken as a message.
#[derive(Default)]
pub struct Inbox {
    pending: Vec<u8>,
}

impl Inbox {
    /// The next request on `stream`; `None` when the client closed the connection between
    /// requests (or mid-request).
    pub async fn request<S: AsyncRead + Unpin>(
        &mut self,
        stream: &mut S,
    ) -> std::io::Result<Option<Request>> {
        let Some(head) = self.head(stream).await? else {
            return Ok(None);
        };
        let mut lines = head.lines();
        let mut first = lines.next().unwrap_or_default().split_whitespace();
        let method = first.next().unwrap_or_default().to_owned();
        let target = first.next().unwrap_or("/").to_owned();
        let headers = parse_headers(lines);
        let Some(body) = self.body(stream, &headers).await? else {
            return Ok(None);
        };
        Ok(Some(Request {
            method,
            target,
            headers,
            body,
        }))
    }

    /// The next response on `stream` (the emulator's, read to the end of the connection).
    async fn response<S: AsyncRead + Unpin>(
        &mut self,
        stream: &mut S,
    ) -> std::io::Result<Response> {
        let head = self.head(stream).await?.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no response head")
        })?;
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = parse_headers(lines);
        let body = if header(&headers, "content-length").is_some() || is_chunked(&headers) {
            self.body(stream, &headers).await?.ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "response body cut short")
            })?
        } else {
            stream.read_to_end(&mut self.pending).await?;
            std::mem::take(&mut self.pending)
        };
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    async fn head<S: AsyncRead + Unpin>(
        &mut self,
        stream: &mut S,
    ) -> std::io::Result<Option<String>> {
        loop {
            if let Some(i) = find(&self.pending, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.pending[..i]).into_owned();
                self.pending.drain(..i + 4);
                return Ok(Some(head));
            }
            if !self.fill(stream).await? {
                return Ok(None);
            }
        }
    }

    async fn body<S: AsyncRead + Unpin>(
        &mut self,
        stream: &mut S,
        headers: &[(String, String)],
    ) -> std::io::Result<Option<Vec<u8>>> {
        if is_chunked(headers) {
            return self.chunked(stream).await;
        }
        let length: usize = header(headers, "content-length")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if !self.at_least(stream, length).await? {
            return Ok(None);
        }
        Ok(Some(self.pending.drain(..length).collect()))
    }

    async fn chunked<S: AsyncRead + Unpin>(
        &mut self,
        stream: &mut S,
    ) -> std::io::Result<Option<Vec<u8>>> {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(i) = find(&self.pending, b"\r\n") {
                    break i;
                }
                if !self.fill(stream).await? {
                    return Ok(None);
                }
            };
            let size_text = String::from_utf8_lossy(&self.pending[..line_end]).into_owned();
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| std::io::Error::other(format!("bad chunk size {size_text:?}")))?;
            self.pending.drain(..line_end + 2);
            if size == 0 {
                // An empty line, or trailers that end with one.
                loop {
                    if self.pending.starts_with(b"\r\n") {
                        self.pending.drain(..2);
                        return Ok(Some(body));
                    }
                    if let Some(i) = find(&self.pending, b"\r\n\r\n") {
                        self.pending.drain(..i + 4);
                        return Ok(Some(body));
                    }
                    if !self.fill(stream).await? {
                        return Ok(None);
                    }
                }
            }
            if !self.at_least(stream, size + 2).await? {
                return Ok(None);
            }
            body.extend(self.pending.drain(..size));
            self.pending.drain(..2);
        }
    }

    /// Reads until `n` bytes are pending; false if the stream ended first.
    async fn at_least<S: AsyncRead + Unpin>(
        &mut self,
        stream: &mut S,
        n: usize,
    ) -> std::io::Result<bool> {
        while self.pending.len() < n {
            if !self.fill(stream).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    async fn fill<S: AsyncRead + Unpin>(&mut self, stream: &mut S) -> std::io::Result<bool> {
        let mut buf = [0u8; 16 * 1024];
        let n = stream.read(&mut buf).await?;
        self.pending.extend_from_slice(&buf[..n]);
        Ok(n > 0)
    }
}

fn parse_headers<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    lines
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect()
}

fn is_chunked(headers: &[(String, String)]) -> bool {
    header(headers, "transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Sends `request` to the emulator at `upstream` on a new connection and reads its answer.
pub async fn exchange(upstream: SocketAddr, request: &Request) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(upstream).await?;
    stream.write_all(&request.to_upstream_bytes()).await?;
    Inbox::default().response(&mut stream).await
}
