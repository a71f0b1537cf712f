//! Downloading a published version's deployment package from the address `GetFunction` gives
//! (a presigned S3 URL, valid for ten minutes), over the SDK's own HTTP client and TLS stack,
//! with timeouts and a size limit.

use std::time::Duration;

use aws_smithy_http_client::Connector;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings};
use aws_smithy_runtime_api::http::Request;
use aws_smithy_types::byte_stream::ByteStream;

/// How long connecting, and then each read, may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// GETs `url`, refusing a body over `limit` bytes. The error says what went wrong, without the
/// address (a presigned URL carries a signature that does not belong in messages or logs).
pub async fn download(url: &str, limit: usize) -> Result<Vec<u8>, String> {
    let settings = HttpConnectorSettings::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        .build();
    let connector = Connector::builder()
        .connector_settings(settings)
        .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
        .build();
    let request =
        Request::get(url).map_err(|e| format!("the package's address is not a URL ({e})"))?;
    let response = connector
        .call(request)
        .await
        .map_err(|e| format!("the package could not be downloaded ({e})"))?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(format!(
            "the package could not be downloaded (HTTP {status}; its address is valid for ten minutes, try again)"
        ));
    }
    let mut body = ByteStream::new(response.into_body());
    let mut bytes = Vec::new();
    while let Some(chunk) = body
        .try_next()
        .await
        .map_err(|e| format!("the package's download broke off ({e})"))?
    {
        if bytes.len() + chunk.len() > limit {
            return Err(format!(
                "the package is over {} MB, more than Lambda takes directly; upload it to S3 and deploy with --s3 s3://BUCKET/KEY",
                limit / 1024 / 1024
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}
