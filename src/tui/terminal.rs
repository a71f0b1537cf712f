//! The interactive face: terminal set-up and restore, keyboard and signal input.

use std::io;
use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{self, Event};
use tokio::sync::mpsc;

use crate::fleet::Fleet;
use crate::fleet::cache::InventoryCache;

use super::runner::App;
use crate::app::State;
use crate::app::msg::Msg;

/// Runs the TUI on the real terminal. The terminal is restored on return, on panic (ratatui's
/// hook) and on SIGTERM, SIGINT and SIGHUP (they end the loop like `q`).
pub async fn run_tui(
    state: State,
    fleet: Arc<dyn Fleet>,
    cache: Option<InventoryCache>,
    started: Instant,
) -> io::Result<()> {
    let mut terminal = ratatui::init();
    let mut app = App::new(state, fleet);
    app.cache = cache;
    spawn_input(app.sender());
    spawn_signals(app.sender());
    let result = app.run(&mut terminal, started).await;
    ratatui::restore();
    result
}

/// Keyboard and resize events, read on a thread of their own (a blocking read: no polling).
fn spawn_input(tx: mpsc::UnboundedSender<Msg>) {
    std::thread::spawn(move || {
        loop {
            let msg = match event::read() {
                Ok(Event::Key(key)) => Msg::Key(key),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(_) => continue,
                Err(e) => {
                    tracing::error!(error = %e, "terminal input failed");
                    Msg::Signal
                }
            };
            let failed = matches!(msg, Msg::Signal);
            if tx.send(msg).is_err() || failed {
                return;
            }
        }
    });
}

fn spawn_signals(tx: mpsc::UnboundedSender<Msg>) {
    use tokio::signal::unix::{SignalKind, signal};
    tokio::spawn(async move {
        let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::hangup()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
            _ = hup.recv() => {}
        }
        let _ = tx.send(Msg::Signal);
    });
}
