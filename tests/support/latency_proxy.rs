//! A loopback HTTP proxy that holds every request for a fixed latency before passing it on, to
//! make the emulator behave like a far-away AWS endpoint. One upstream connection per request.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub struct LatencyProxy {
    pub endpoint: String,
    /// Requests passed on so far.
    pub requests: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl LatencyProxy {
    /// Listens on a free loopback port and forwards to `upstream` (`http://127.0.0.1:PORT`).
    pub async fn start(upstream: &str, latency: Duration) -> LatencyProxy {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .parse()
            .expect("upstream is http://IP:PORT");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let counter = counter.clone();
                tokio::spawn(async move {
                    let _ = serve(client, upstream, latency, counter).await;
                });
            }
        });
        LatencyProxy {
            endpoint,
            requests,
            task,
        }
    }
}

impl Drop for LatencyProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut client: TcpStream,
    upstream: SocketAddr,
    latency: Duration,
    counter: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let mut pending = Vec::new();
    loop {
        let Some((request, close)) = read_request(&mut client, &mut pending).await? else {
            return Ok(());
        };
        tokio::time::sleep(latency).await;
        counter.fetch_add(1, Ordering::Relaxed);
        let mut up = TcpStream::connect(upstream).await?;
        up.write_all(&request).await?;
        let mut response = Vec::new();
        up.read_to_end(&mut response).await?;
        client.write_all(&response).await?;
        if close {
            return client.shutdown().await;
        }
    }
}

/// One request (head and body) from the client, rewritten with `Connection: close` for the
/// upstream, and whether the client asked to close after it.
async fn read_request(
    client: &mut TcpStream,
    pending: &mut Vec<u8>,
) -> std::io::Result<Option<(Vec<u8>, bool)>> {
    let head_end = loop {
        if let Some(i) = find(pending, b"\r\n\r\n") {
            break i + 4;
        }
        let mut buf = [0u8; 16 * 1024];
        let n = client.read(&mut buf).await?;
        if n == 0 {
            return Ok(None);
        }
        pending.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&pending[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while pending.len() < head_end + length {
        let mut buf = [0u8; 16 * 1024];
        let n = client.read(&mut buf).await?;
        if n == 0 {
            return Ok(None);
        }
        pending.extend_from_slice(&buf[..n]);
    }
    let body = pending[head_end..head_end + length].to_vec();
    pending.drain(..head_end + length);
    let close = head
        .lines()
        .any(|l| l.to_ascii_lowercase().replace(' ', "") == "connection:close");
    let mut out = String::new();
    for line in head.trim_end().lines() {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut request = out.into_bytes();
    request.extend_from_slice(&body);
    Ok(Some((request, close)))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
