//! Lifecycle: dropping the proxy stops it, its port and every connection it holds, even one it
//! was told to leave hanging.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::aws_proxy::{AwsProxy, Fault, FaultRule, ProxyOptions};
use crate::support::emulator::Emulator;

const LIST_FUNCTIONS: &str = "GET /2015-03-31/functions/ HTTP/1.1\r\nHost: proxy\r\n\
     Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, \
     SignedHeaders=host, Signature=0\r\n\r\n";

/// Retries `check` every 20 ms for up to 5 s.
async fn eventually(mut check: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..250 {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread")]
async fn dropping_the_proxy_closes_its_port_and_the_connections_it_holds() {
    let emulator = Emulator::start();
    let options = ProxyOptions::new().fault(FaultRule::new(Fault::Hang));
    let proxy = AwsProxy::start(&emulator.endpoint, options).await;
    let address = proxy.endpoint.trim_start_matches("http://").to_owned();
    let mut held = TcpStream::connect(&address).await.unwrap();
    held.write_all(LIST_FUNCTIONS.as_bytes()).await.unwrap();
    assert!(
        eventually(async || proxy.counts().total().faulted == 1).await,
        "the request is held"
    );

    drop(proxy);

    let mut buf = [0u8; 64];
    let ended = tokio::time::timeout(Duration::from_secs(5), held.read(&mut buf)).await;
    assert!(
        matches!(ended, Ok(Ok(0)) | Ok(Err(_))),
        "the held connection ends without an answer: {ended:?}"
    );
    assert!(
        eventually(async || TcpStream::connect(&address).await.is_err()).await,
        "the port is closed"
    );
}
