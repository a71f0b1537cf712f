//! The gateway's accept loop, which outlasts whatever a client does: connections served at once
//! are bounded (beyond the limit they wait in the kernel's queue until one closes), an accept
//! error (`EMFILE` when the process is out of descriptors, a connection reset before it was
//! taken) is waited out rather than ending the loop, and should the loop ever stop while the
//! fleet runs, the fleet says so where discovery reports its problems.

use std::future::Future;
use std::io;
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::fleet::local::fleet::LocalFleet;

/// How long to wait after an accept error that is not one connection's own: descriptors or
/// memory run out, and come back only as connections close.
const BACKOFF: Duration = Duration::from_millis(100);

/// Accepts connections on `listener` for as long as the fleet lives, at most `limit` at once;
/// `serve` runs each one, holding its slot until it ends.
pub fn spawn<F, Fut>(listener: TcpListener, fleet: Weak<LocalFleet>, limit: usize, serve: F)
where
    F: Fn(TcpStream, Arc<LocalFleet>, OwnedSemaphorePermit) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let watched = fleet.clone();
    let accepting = tokio::spawn(accept(listener, fleet, limit, serve));
    tokio::spawn(async move {
        let why = match accepting.await {
            // The fleet is gone, and with it whoever would read the report.
            Ok(()) => return,
            Err(e) if e.is_panic() => {
                format!("the HTTP gateway stopped accepting connections: {e}")
            }
            Err(_) => return,
        };
        tracing::error!(error = %why, "the HTTP gateway stopped");
        if let Some(fleet) = watched.upgrade() {
            *fleet.gateway.lock().expect("the gateway address") = Some(Err(format!(
                "{why}; restart mfn-tui to serve the routes again"
            )));
        }
    });
}

async fn accept<F, Fut>(listener: TcpListener, fleet: Weak<LocalFleet>, limit: usize, serve: F)
where
    F: Fn(TcpStream, Arc<LocalFleet>, OwnedSemaphorePermit) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let slots = Arc::new(Semaphore::new(limit.max(1)));
    let mut failing = false;
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                if !failing {
                    tracing::warn!(error = %e, "the HTTP gateway cannot accept a connection; retrying");
                }
                failing = true;
                if !one_connections_own(&e) {
                    tokio::time::sleep(BACKOFF).await;
                }
                continue;
            }
        };
        if std::mem::take(&mut failing) {
            tracing::info!("the HTTP gateway accepts connections again");
        }
        let Some(fleet) = fleet.upgrade() else { return };
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve(stream, fleet, slot));
    }
}

/// An error of the connection being accepted (gone before it was taken), not of the listener.
fn one_connections_own(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    )
}
