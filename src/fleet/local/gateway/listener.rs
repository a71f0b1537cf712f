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
use tokio::task::JoinHandle;

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
    tokio::spawn(report_a_stop(accepting, move |why| {
        if let Some(fleet) = watched.upgrade() {
            *fleet.gateway.lock().expect("the gateway address") = Some(Err(why));
        }
    }));
}

/// Waits for the accept loop. It ends on its own only with the fleet, so should it stop (a
/// panic) `report` gets why: the fleet's gateway becomes that error, which discovery reports
/// under `e` and which takes the address out of the header.
async fn report_a_stop(accepting: JoinHandle<()>, report: impl FnOnce(String)) {
    let why = match accepting.await {
        Err(e) if e.is_panic() => format!("the HTTP gateway stopped accepting connections: {e}"),
        // The fleet is gone (and with it whoever would read a report), or the runtime is.
        _ => return,
    };
    tracing::error!(error = %why, "the HTTP gateway stopped");
    report(format!("{why}; restart mfn-tui to serve the routes again"));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_accept_loop_that_stops_is_reported_and_one_that_ends_with_the_fleet_is_not() {
        let reported = std::sync::Mutex::new(Vec::new());
        let panicked = tokio::spawn(async { panic!("accept loop broke") });
        report_a_stop(panicked, |why| reported.lock().unwrap().push(why)).await;
        let ended = tokio::spawn(async {});
        report_a_stop(ended, |why| reported.lock().unwrap().push(why)).await;
        let reported = reported.into_inner().unwrap();
        assert_eq!(reported.len(), 1, "{reported:?}");
        assert!(
            reported[0].contains("stopped accepting connections"),
            "{reported:?}"
        );
        assert!(reported[0].contains("restart mfn-tui"), "{reported:?}");
    }
}
