//! Header names as the client wrote them. hyper keeps header names in lower case (and keeps the
//! original case only for itself), while API Gateway gives a REST API's function `headers` in
//! the client's case (`X-Hub-Signature`). So the gateway's connections are read through a
//! [`Recorder`] that keeps the bytes of each request's head until the gateway has read its
//! header names.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The most of a head kept; a longer one falls back to hyper's lower-case names.
const MAX_HEAD: usize = 64 * 1024;

#[derive(Debug)]
struct Capture {
    recording: bool,
    bytes: Vec<u8>,
}

/// What a connection's [`Recorder`] saw of the request under way.
#[derive(Debug, Clone)]
pub struct Heads(Arc<Mutex<Capture>>);

impl Heads {
    /// The header names of the request whose head was just read, lower case to as written;
    /// nothing more is recorded (the body is not a head) until [`Heads::next_request`].
    pub fn take_names(&self) -> HashMap<String, String> {
        let mut c = self.0.lock().expect("the head capture");
        c.recording = false;
        let bytes = std::mem::take(&mut c.bytes);
        let start = bytes
            .iter()
            .position(|b| !matches!(b, b'\r' | b'\n'))
            .unwrap_or(0);
        let Some(end) = bytes[start..].windows(4).position(|w| w == b"\r\n\r\n") else {
            return HashMap::new();
        };
        let head = String::from_utf8_lossy(&bytes[start..start + end]);
        let mut names = HashMap::new();
        for line in head.split("\r\n").skip(1) {
            if let Some((name, _)) = line.split_once(':') {
                names
                    .entry(name.to_ascii_lowercase())
                    .or_insert_with(|| name.to_owned());
            }
        }
        names
    }

    /// The next bytes are the next request's head.
    pub fn next_request(&self) {
        let mut c = self.0.lock().expect("the head capture");
        c.bytes.clear();
        c.recording = true;
    }
}

/// A connection read through, keeping what [`Heads`] needs.
pub struct Recorder<T> {
    inner: T,
    heads: Heads,
}

impl<T> Recorder<T> {
    pub fn new(inner: T) -> (Recorder<T>, Heads) {
        let heads = Heads(Arc::new(Mutex::new(Capture {
            recording: true,
            bytes: Vec::new(),
        })));
        (
            Recorder {
                inner,
                heads: heads.clone(),
            },
            heads,
        )
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Recorder<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            let mut c = self.heads.0.lock().expect("the head capture");
            if c.recording && c.bytes.len() < MAX_HEAD {
                c.bytes.extend_from_slice(&buf.filled()[before..]);
            }
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Recorder<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn names_keep_their_case_and_a_body_is_not_taken_for_a_head() {
        let wire: &[u8] = b"POST /hook HTTP/1.1\r\nHost: x\r\nX-Hub-Signature: sha1=1\r\ncontent-type: a\r\n\r\nX-Not-A-Header: 1\r\n\r\n";
        let (mut conn, heads) = Recorder::new(wire);
        let mut all = Vec::new();
        conn.read_to_end(&mut all).await.unwrap();
        let names = heads.take_names();
        assert_eq!(names["x-hub-signature"], "X-Hub-Signature");
        assert_eq!(names["content-type"], "content-type");
        assert!(!names.contains_key("x-not-a-header"));
        assert!(
            heads.take_names().is_empty(),
            "nothing recorded after the head"
        );
    }
}
