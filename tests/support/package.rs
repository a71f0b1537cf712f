//! A loopback stand-in for the presigned S3 address `GetFunction` gives a version's package:
//! it answers every GET with one status and body, counts the requests, and stops with the
//! test's runtime.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub struct PackageServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    requests: Arc<AtomicUsize>,
}

impl PackageServer {
    /// Serves `body` with `status` on a free loopback port.
    pub async fn start(status: u16, body: Vec<u8>) -> PackageServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counted = requests.clone();
        let body = Arc::new(body);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                let body = body.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let head = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/zip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = socket.write_all(head.as_bytes()).await;
                    let _ = socket.write_all(&body).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        PackageServer { base, requests }
    }

    /// A presigned-looking address of the package: its signature must never show in messages.
    pub fn location(&self) -> String {
        format!(
            "{}/snapshots/123456789012/fn-1?X-Amz-Security-Token=TOKEN&X-Amz-Signature=SIGNATURE",
            self.base
        )
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}
