//! A request's body, read whole before a function runs, or refused: a body that cannot be read
//! (a malformed chunk, a client gone before the length it announced) is a 400, one over API
//! Gateway's 10 MB payload limit a 413 (seen from its length up front, or while it streams), one
//! that stalls past the deadline a 408. In none of these cases is the function invoked.

use std::time::Duration;

use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Body, Bytes};
use hyper::{Response, StatusCode};
use serde_json::json;

use super::proxy::respond;

/// API Gateway's payload limit.
pub const MAX_BODY: usize = 10 * 1024 * 1024;

/// Why a body was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Over [`MAX_BODY`].
    TooLarge,
    /// The stream broke; what the connection said.
    Unreadable(String),
    /// Not all of it within the deadline.
    TimedOut,
}

impl Refusal {
    /// The answer, which also closes the connection: where the request ends is not known.
    pub fn response(&self) -> Response<Full<Bytes>> {
        let (status, message) = match self {
            Refusal::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request Entity Too Large".to_owned(),
            ),
            Refusal::Unreadable(e) => (
                StatusCode::BAD_REQUEST,
                format!("Bad Request: the body could not be read ({e})"),
            ),
            Refusal::TimedOut => (
                StatusCode::REQUEST_TIMEOUT,
                "Request Timeout: the body did not arrive in time".to_owned(),
            ),
        };
        let mut response = respond(status, json!({ "message": message }));
        response.headers_mut().insert(
            hyper::header::CONNECTION,
            hyper::header::HeaderValue::from_static("close"),
        );
        response
    }
}

/// All of `body`, at most [`MAX_BODY`] bytes, within `deadline`.
pub async fn read<B>(body: B, deadline: Duration) -> Result<Bytes, Refusal>
where
    B: Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    // A Content-Length over the limit is refused before a byte of the body is read.
    if body.size_hint().lower() > MAX_BODY as u64 {
        return Err(Refusal::TooLarge);
    }
    match tokio::time::timeout(deadline, Limited::new(body, MAX_BODY).collect()).await {
        Err(_) => Err(Refusal::TimedOut),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<LengthLimitError>() => Err(Refusal::TooLarge),
        Ok(Err(e)) => Err(Refusal::Unreadable(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use hyper::body::Frame;

    use super::*;

    /// A body that yields its parts in turn, then ends, or never ends when `stalls`.
    struct Parts {
        parts: VecDeque<Result<Bytes, std::io::Error>>,
        stalls: bool,
    }

    impl Body for Parts {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            match self.parts.pop_front() {
                Some(part) => Poll::Ready(Some(part.map(Frame::data))),
                None if self.stalls => Poll::Pending,
                None => Poll::Ready(None),
            }
        }
    }

    fn parts(parts: Vec<Result<Bytes, std::io::Error>>) -> Parts {
        Parts {
            parts: parts.into(),
            stalls: false,
        }
    }

    const LONG: Duration = Duration::from_secs(60);

    #[tokio::test]
    async fn a_whole_body_is_read() {
        let body = parts(vec![
            Ok(Bytes::from_static(b"hello ")),
            Ok(Bytes::from_static(b"world")),
        ]);
        assert_eq!(read(body, LONG).await.unwrap(), "hello world");
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused_from_its_length_or_as_it_streams() {
        let announced = Full::new(Bytes::from(vec![b'x'; MAX_BODY + 1]));
        assert_eq!(read(announced, LONG).await, Err(Refusal::TooLarge));
        let exactly = Full::new(Bytes::from(vec![b'x'; MAX_BODY]));
        assert_eq!(read(exactly, LONG).await.unwrap().len(), MAX_BODY);
        let megabyte = || Ok(Bytes::from(vec![b'x'; 1024 * 1024]));
        let streamed = parts((0..11).map(|_| megabyte()).collect());
        assert_eq!(read(streamed, LONG).await, Err(Refusal::TooLarge));
    }

    #[tokio::test]
    async fn a_broken_body_is_unreadable() {
        let broken = parts(vec![
            Ok(Bytes::from_static(b"half")),
            Err(std::io::Error::other("the client went away")),
        ]);
        let refusal = read(broken, LONG).await.unwrap_err();
        assert_eq!(
            refusal,
            Refusal::Unreadable("the client went away".to_owned())
        );
        let answer = refusal.response();
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
        assert_eq!(answer.headers()["connection"], "close");
    }

    #[tokio::test]
    async fn a_body_that_stalls_times_out() {
        let stalled = Parts {
            parts: VecDeque::from([Ok(Bytes::from_static(b"ten bytes."))]),
            stalls: true,
        };
        let refusal = read(stalled, Duration::from_millis(20)).await.unwrap_err();
        assert_eq!(refusal, Refusal::TimedOut);
        assert_eq!(refusal.response().status(), StatusCode::REQUEST_TIMEOUT);
        assert_eq!(
            Refusal::TooLarge.response().status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }
}
