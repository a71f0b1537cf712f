//! The loop that owns the state: messages in, `update`, effects out, one frame per batch.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::app::msg::Msg;
use crate::app::{State, update};
use crate::audit::AuditLog;
use crate::fleet::Fleet;
use crate::fleet::cache::InventoryCache;
use crate::fleet::walk::CancelOnDrop;

/// How often the spinner moves while discovery runs. When nothing runs, nothing ticks.
const TICK: Duration = Duration::from_millis(120);

/// Functions whose logs are read at once.
pub(super) const READERS: usize = 8;

/// The state, the fleet effects run against, and the channel their outcomes come back on.
pub struct App {
    pub state: State,
    /// Where the changes made from the dashboard are recorded (the user's audit log).
    pub audit: AuditLog,
    /// Where the fleet is kept for the next start (none: not kept).
    pub cache: Option<InventoryCache>,
    pub(super) fleet: Arc<dyn Fleet>,
    pub(super) tx: mpsc::UnboundedSender<Msg>,
    rx: mpsc::UnboundedReceiver<Msg>,
    pub(super) discovery: Option<JoinHandle<()>>,
    pub(super) reading: Option<JoinHandle<()>>,
    pub(super) tailing: Option<JoinHandle<()>>,
    /// Abandons the deploy dialog's package read when dropped (a new read, or quitting).
    pub(super) package_read: Option<CancelOnDrop>,
}

impl App {
    pub fn new(state: State, fleet: Arc<dyn Fleet>) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        App {
            state,
            audit: AuditLog::user(),
            cache: None,
            fleet,
            tx,
            rx,
            discovery: None,
            reading: None,
            tailing: None,
            package_read: None,
        }
    }

    /// Where input sources send their messages.
    pub fn sender(&self) -> mpsc::UnboundedSender<Msg> {
        self.tx.clone()
    }

    /// Starts discovering the context's targets.
    pub fn start(&mut self) {
        self.handle(Msg::Start);
    }

    /// Updates the state with `msg` and runs the effects it asks for.
    pub fn handle(&mut self, msg: Msg) {
        for effect in update(&mut self.state, msg) {
            self.run_effect(effect);
        }
    }

    /// Waits for the next message (or a tick while something animates), then handles it and
    /// everything else already queued, so a burst of findings costs one frame.
    pub async fn next_batch(&mut self) {
        let animating = self.state.discovering()
            || self.state.figures.loading.is_some()
            || self.state.modal.as_ref().is_some_and(|m| m.awaiting())
            || self.state.logs.as_ref().is_some_and(|l| l.busy());
        // A search steps through the buffer between messages, as fast as input allows.
        let searching = self.state.logs.as_ref().is_some_and(|l| l.searching());
        let tick = if searching { Duration::ZERO } else { TICK };
        let refresh = self
            .state
            .refresh_figures
            .filter(|_| !animating && self.state.figures.loading.is_none());
        let msg = if let Some(every) = refresh {
            tokio::select! {
                m = self.rx.recv() => m,
                () = tokio::time::sleep(every) => Some(Msg::RefreshFigures),
            }
        } else if animating {
            tokio::select! {
                biased;
                m = self.rx.recv() => m,
                () = tokio::time::sleep(tick) => Some(Msg::Tick),
            }
        } else {
            self.rx.recv().await
        };
        let Some(msg) = msg else {
            self.state.quit = true;
            return;
        };
        self.handle(msg);
        while let Ok(msg) = self.rx.try_recv() {
            self.handle(msg);
        }
    }

    /// Handles messages until discovery has finished and nothing is queued (for tests and
    /// for the subcommands), or until `limit` passes.
    pub async fn settle(&mut self, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            while let Ok(msg) = self.rx.try_recv() {
                self.handle(msg);
            }
            let running = [&self.discovery, &self.reading]
                .iter()
                .any(|h| h.as_ref().is_some_and(|h| !h.is_finished()));
            if !running && !self.state.discovering() && self.state.figures.loading.is_none() {
                while let Ok(msg) = self.rx.try_recv() {
                    self.handle(msg);
                }
                return;
            }
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(msg)) => self.handle(msg),
                Ok(None) | Err(_) => return,
            }
        }
    }

    pub fn draw<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> io::Result<()> {
        self.state.prepare_frame();
        terminal
            .draw(|frame| crate::ui::draw(frame, &self.state))
            .map_err(|e| io::Error::other(format!("{e:?}")))?;
        Ok(())
    }

    /// Runs until the operator quits. The first frame is drawn before discovery starts.
    pub async fn run<B: Backend>(
        mut self,
        terminal: &mut Terminal<B>,
        started: Instant,
    ) -> io::Result<()> {
        if let Ok(size) = terminal.size() {
            self.handle(Msg::Resize(size.width, size.height));
        }
        self.draw(terminal)?;
        tracing::info!(
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "first frame drawn"
        );
        self.start();
        let mut reported = false;
        while !self.state.quit {
            self.next_batch().await;
            if self.state.quit {
                break;
            }
            self.draw(terminal)?;
            if !reported && !self.state.discovering() {
                reported = true;
                tracing::info!(
                    elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
                    functions = self.state.inventory.function_count(),
                    "discovery finished"
                );
            }
        }
        for h in [
            self.discovery.take(),
            self.reading.take(),
            self.tailing.take(),
        ]
        .into_iter()
        .flatten()
        {
            h.abort();
        }
        self.package_read = None;
        // The versions and aliases read in the background since discovery finished are kept
        // for the next start too (not a half-discovered fleet, though).
        if let Some(cache) = &self.cache
            && !self.state.discovering()
            && self.state.cached_age_ms.is_none()
            && let Err(e) = cache.save(
                &self.state.inventory,
                &self.state.context.targets,
                crate::clock::now_ms(),
            )
        {
            tracing::warn!(error = %e, "the inventory cache could not be written");
        }
        Ok(())
    }
}
