//! A loopback proxy in front of the emulator that behaves like AWS: it adds a round trip to every
//! call, enforces the per-account-region API quotas with AWS's own throttling errors, counts
//! calls and throttles per API class, translates CloudWatch's CBOR for moto, and injects faults;
//! optionally it also pages `ListFunctions` as AWS does and answers percentiles moto refuses.
//!
//! ```ignore
//! let proxy = AwsProxy::start(&emulator.endpoint, ProxyOptions::new().latency(Duration::from_millis(50))).await;
//! let lambda = aws_sdk_lambda::Client::new(&proxy.sdk_config("us-east-1").await);
//! proxy.add_fault(FaultRule::new(Fault::AccessDenied).region("eu-west-1"));
//! println!("{}", proxy.take_counts().summary());
//! ```
//!
//! Each request is read, held for half the round trip, decided (fault, quota, or the emulator),
//! and answered after the other half. HTTP/1.1 with keep-alive towards the client, one
//! connection a request towards the emulator. Dropping the proxy stops it and every connection.

mod answer;
mod cbor;
mod classify;
mod cloudwatch;
mod counters;
mod faults;
mod http;
mod pages;
mod percentiles;
mod quota;
mod shapes;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::SdkConfig;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

// Each test or bench that includes the support module uses some of these.
#[allow(unused_imports)]
pub use classify::{ApiClass, Service};
#[allow(unused_imports)]
pub use counters::{ClassCounts, Counts};
#[allow(unused_imports)]
pub use faults::{Fault, FaultRule};
#[allow(unused_imports)]
pub use pages::AWS_PAGE;
#[allow(unused_imports)]
pub use quota::{Quota, Quotas};

use answer::Answer;
use counters::Counters;
use faults::Faults;
use http::Inbox;
use quota::Buckets;

/// How a proxy starts; everything but the upstream can be changed while it runs.
#[derive(Debug, Clone)]
pub struct ProxyOptions {
    latency: Duration,
    quotas: Quotas,
    faults: Vec<FaultRule>,
    list_functions_page: Option<usize>,
    percentiles_without_data: bool,
}

impl Default for ProxyOptions {
    /// No added latency, AWS's quotas, no faults, moto's own pages and percentile errors.
    fn default() -> ProxyOptions {
        ProxyOptions {
            latency: Duration::ZERO,
            quotas: Quotas::aws(),
            faults: Vec::new(),
            list_functions_page: None,
            percentiles_without_data: false,
        }
    }
}

impl ProxyOptions {
    pub fn new() -> ProxyOptions {
        ProxyOptions::default()
    }

    /// The round trip added to every call (half before it is decided, half after).
    pub fn latency(mut self, latency: Duration) -> ProxyOptions {
        self.latency = latency;
        self
    }

    /// The quotas enforced ([`Quotas::aws`] unless set; [`Quotas::unlimited`] for none).
    pub fn quotas(mut self, quotas: Quotas) -> ProxyOptions {
        self.quotas = quotas;
        self
    }

    /// A fault rule in force from the start (rules are tried in the order added).
    pub fn fault(mut self, rule: FaultRule) -> ProxyOptions {
        self.faults.push(rule);
        self
    }

    /// `ListFunctions` answered in pages of at most `size` functions (AWS: [`AWS_PAGE`]), with
    /// a `NextMarker` to the next, instead of moto's single page (see `pages.rs`).
    pub fn list_functions_pages(mut self, size: usize) -> ProxyOptions {
        self.list_functions_page = Some(size.max(1));
        self
    }

    /// `GetMetricData` percentile queries answered with no datapoints instead of moto's 500 for
    /// the whole call (see `percentiles.rs`).
    pub fn percentiles_without_data(mut self) -> ProxyOptions {
        self.percentiles_without_data = true;
        self
    }
}

/// The state every connection shares.
struct Shared {
    upstream: SocketAddr,
    latency: Mutex<Duration>,
    buckets: Buckets,
    faults: Faults,
    counters: Counters,
    list_functions_page: Option<usize>,
    walks: pages::Walks,
    percentiles_without_data: bool,
}

/// A running proxy; stops, with every connection it holds, when dropped.
pub struct AwsProxy {
    /// `http://127.0.0.1:PORT`, for `--endpoint-url` or an SDK configuration.
    pub endpoint: String,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl AwsProxy {
    /// Listens on a free loopback port and forwards to `upstream` (`http://127.0.0.1:PORT`).
    pub async fn start(upstream: &str, options: ProxyOptions) -> AwsProxy {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("upstream is http://IP:PORT");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            upstream,
            latency: Mutex::new(options.latency),
            buckets: Buckets::new(options.quotas),
            faults: Faults::new(options.faults),
            counters: Counters::default(),
            list_functions_page: options.list_functions_page,
            walks: pages::Walks::default(),
            percentiles_without_data: options.percentiles_without_data,
        });
        let task = tokio::spawn(accept(listener, shared.clone()));
        AwsProxy {
            endpoint,
            shared,
            task,
        }
    }

    /// An SDK configuration for `region` through the proxy, with the emulator's throwaway
    /// credentials (access key `test`).
    pub async fn sdk_config(&self, region: &str) -> SdkConfig {
        super::emulator::sdk_config(&self.endpoint, region).await
    }

    /// The counts so far.
    pub fn counts(&self) -> Counts {
        self.shared.counters.snapshot()
    }

    /// The counts so far, and zero from now on (one measurement of a benchmark).
    pub fn take_counts(&self) -> Counts {
        self.shared.counters.take()
    }

    pub fn reset_counts(&self) {
        self.shared.counters.take();
    }

    pub fn set_latency(&self, latency: Duration) {
        *self.shared.latency.lock().unwrap() = latency;
    }

    /// Replaces the quotas; every bucket starts full again.
    pub fn set_quotas(&self, quotas: Quotas) {
        self.shared.buckets.set_quotas(quotas);
    }

    /// Replaces every fault rule.
    pub fn set_faults(&self, rules: Vec<FaultRule>) {
        self.shared.faults.set(rules);
    }

    /// Adds a fault rule after the ones in force.
    pub fn add_fault(&self, rule: FaultRule) {
        self.shared.faults.add(rule);
    }

    pub fn clear_faults(&self) {
        self.shared.faults.set(Vec::new());
    }
}

impl Drop for AwsProxy {
    fn drop(&mut self) {
        // The accept task owns every connection's task: aborting it drops them all.
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((client, _)) = accepted {
                    connections.spawn(serve(client, shared.clone()));
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Answers the requests of one client connection until it closes (or a fault closes it).
async fn serve(mut client: TcpStream, shared: Arc<Shared>) {
    let mut inbox = Inbox::default();
    while let Ok(Some(request)) = inbox.request(&mut client).await {
        let call = classify::classify(&request);
        shared.counters.seen(call.class);
        let half = *shared.latency.lock().unwrap() / 2;
        wait(half).await;
        let answer = answer::answer(&shared, &call, &request).await;
        if !matches!(answer, Answer::Hang) {
            wait(half).await;
        }
        match answer {
            Answer::Whole(response) => {
                if client.write_all(&response.to_bytes()).await.is_err() {
                    return;
                }
            }
            Answer::Cut(response) => {
                let promised = response.body.len().max(2);
                let mut bytes = response.head(promised);
                bytes.extend_from_slice(&response.body[..response.body.len() / 2]);
                let _ = client.write_all(&bytes).await;
                let _ = client.shutdown().await;
                return;
            }
            Answer::Reset => {
                let _ = client.set_zero_linger();
                return;
            }
            Answer::Hang => std::future::pending::<()>().await,
        }
        if request.wants_close() {
            let _ = client.shutdown().await;
            return;
        }
    }
}

async fn wait(duration: Duration) {
    if !duration.is_zero() {
        tokio::time::sleep(duration).await;
    }
}
