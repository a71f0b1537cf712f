//! Latency: every call is held for the round trip, before it is decided, and the round trip can
//! change while the proxy runs. (Figures belong to benchmarks; these tests look at behaviour.)

use std::time::Duration;

use aws_smithy_runtime_api::client::result::SdkError;

use crate::sdk::lambda_with_timeout;
use crate::support::aws_proxy::{ApiClass, AwsProxy, ProxyOptions};
use crate::support::emulator::Emulator;

#[tokio::test(flavor = "multi_thread")]
async fn added_latency_holds_a_call_before_it_is_decided_and_can_be_lifted_while_running() {
    let emulator = Emulator::start();
    let proxy = AwsProxy::start(
        &emulator.endpoint,
        ProxyOptions::new().latency(Duration::from_secs(20)),
    )
    .await;
    let lambda = lambda_with_timeout(&proxy, Duration::from_secs(2)).await;

    let error = lambda.list_functions().send().await.unwrap_err();
    assert!(matches!(error, SdkError::TimeoutError(_)), "{error:?}");
    // Seen, but still held on its way to the emulator when the client gave up.
    let counts = proxy.counts().class(ApiClass::LambdaControl);
    assert_eq!((counts.seen, counts.passed), (1, 0));

    proxy.set_latency(Duration::ZERO);
    lambda
        .list_functions()
        .send()
        .await
        .expect("no latency: the call completes within the timeout");
}
