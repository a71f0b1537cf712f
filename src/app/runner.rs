//! The loop that owns the state: messages in, `update`, effects out, one frame per batch.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::analysis::latency::{SERIES_BUCKETS as BUCKETS, Window};
use crate::audit::AuditLog;
use crate::fleet::operations::StepSink;
use crate::fleet::reports::{alias_versions, estimate_scan, read_latency};
use crate::fleet::{DiscoveryEvent, Fleet};

use super::changes::{Acting, deploy, rollback, route};
use super::msg::{ChangeOutcome, Effect, Msg};
use super::state::State;
use super::tasks::{Tail, save_event, save_lines, saved_events, tail_logs};
use super::update::update;

/// How often the spinner moves while discovery runs. When nothing runs, nothing ticks.
const TICK: Duration = Duration::from_millis(120);

/// Functions whose logs are read at once.
pub(super) const READERS: usize = 8;

/// The state, the fleet effects run against, and the channel their outcomes come back on.
pub struct App {
    pub state: State,
    /// Where the changes made from the dashboard are recorded (the user's audit log).
    pub audit: AuditLog,
    fleet: Arc<dyn Fleet>,
    tx: mpsc::UnboundedSender<Msg>,
    rx: mpsc::UnboundedReceiver<Msg>,
    discovery: Option<JoinHandle<()>>,
    reading: Option<JoinHandle<()>>,
    tailing: Option<JoinHandle<()>>,
}

impl App {
    pub fn new(state: State, fleet: Arc<dyn Fleet>) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        App {
            state,
            audit: AuditLog::user(),
            fleet,
            tx,
            rx,
            discovery: None,
            reading: None,
            tailing: None,
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
            || self.state.invoke.as_ref().is_some_and(|d| d.running)
            || self.state.deploy.as_ref().is_some_and(|d| d.running)
            || self
                .state
                .canary
                .as_ref()
                .is_some_and(|d| d.running || d.figures.is_none())
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

    /// What a change from the dashboard acts on, and where it is recorded.
    fn acting(&self) -> Acting {
        Acting {
            fleet: self.fleet.clone(),
            audit: self.audit.clone(),
        }
    }

    /// Runs a change to a function away from the loop, reporting each step as it starts
    /// ([`Msg::ChangeStep`]) and its outcome as [`Msg::Changed`], even if the work panics, so
    /// a dialog never waits forever.
    fn change<W, F>(&self, work: W)
    where
        W: FnOnce(StepSink) -> F,
        F: std::future::Future<Output = ChangeOutcome> + Send + 'static,
    {
        let tx = self.tx.clone();
        let (steps, mut started) = mpsc::unbounded_channel();
        let work = tokio::spawn(work(steps));
        let forward = tx.clone();
        tokio::spawn(async move {
            while let Some(step) = started.recv().await {
                let _ = forward.send(Msg::ChangeStep(step));
            }
        });
        tokio::spawn(async move {
            let outcome = work.await.unwrap_or_else(|e| {
                Err(format!(
                    "the change stopped unexpectedly ({e}); read the function again to see its state"
                ))
            });
            let _ = tx.send(Msg::Changed(outcome));
        });
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
        Ok(())
    }

    fn run_effect(&mut self, effect: Effect) {
        match effect {
            Effect::Discover(targets) => {
                // A new discovery replaces the one under way (e.g. after `:region`).
                if let Some(h) = self.discovery.take() {
                    h.abort();
                }
                let (sink, mut findings) = mpsc::unbounded_channel::<DiscoveryEvent>();
                let fleet = self.fleet.clone();
                let tx = self.tx.clone();
                self.discovery = Some(tokio::spawn(async move {
                    let forward = async {
                        while let Some(event) = findings.recv().await {
                            let _ = tx.send(Msg::Discovery(event));
                        }
                    };
                    tokio::join!(fleet.discover(targets, sink), forward);
                }));
            }
            Effect::EstimateScan {
                functions,
                since_ms,
            } => {
                let window = Window::ending_at(crate::clock::now_ms(), since_ms);
                let fleet = self.fleet.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let estimate = estimate_scan(fleet.as_ref(), &functions, window).await;
                    if let Err(e) = &estimate {
                        tracing::warn!(error = %e, "could not estimate the log scan");
                    }
                    let _ = tx.send(Msg::ScanEstimated(estimate.ok()));
                });
            }
            Effect::ReadLatency {
                functions,
                since_ms,
            } => {
                if let Some(h) = self.reading.take() {
                    h.abort();
                }
                let window = Window::ending_at(crate::clock::now_ms(), since_ms);
                let fleet = self.fleet.clone();
                let tx = self.tx.clone();
                self.reading = Some(tokio::spawn(async move {
                    let progress = tx.clone();
                    let read = read_latency(fleet, functions, window, BUCKETS, READERS, move |p| {
                        let _ = progress.send(Msg::LatencyProgress(p));
                    })
                    .await;
                    let _ = tx.send(Msg::LatencyRead(read));
                }));
            }
            Effect::TailLogs {
                session,
                functions,
                since_ms,
                pattern,
            } => {
                if let Some(h) = self.tailing.take() {
                    h.abort();
                }
                let tail = Tail {
                    session,
                    functions,
                    since_ms,
                    pattern,
                    settings: self.state.log_settings.clone(),
                };
                self.tailing = Some(tokio::spawn(tail_logs(
                    self.fleet.clone(),
                    self.tx.clone(),
                    tail,
                )));
            }
            Effect::Rollback {
                function,
                alias,
                to,
            } => {
                let on = self.acting();
                self.change(|steps| rollback(on, function, alias, to, steps));
            }
            Effect::Deploy {
                function,
                source,
                alias,
            } => {
                let on = self.acting();
                self.change(|steps| deploy(on, function, source, alias, steps));
            }
            Effect::ReadPackage { path } => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let read = path.clone();
                    let package = tokio::task::spawn_blocking(move || {
                        crate::fleet::artifact::package(std::path::Path::new(&read))
                    })
                    .await
                    .unwrap_or_else(|e| Err(format!("reading the package stopped ({e})")))
                    .map(Arc::new);
                    let _ = tx.send(Msg::PackageRead { path, package });
                });
            }
            Effect::AliasFigures {
                read,
                function,
                weights,
                since_ms,
            } => {
                let (fleet, tx) = (self.fleet.clone(), self.tx.clone());
                let window = Window::ending_at(crate::clock::now_ms() + 1, since_ms);
                tokio::spawn(async move {
                    let figures = alias_versions(fleet, &function, &weights, window)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::AliasFigures { read, figures });
                });
            }
            Effect::RouteAlias {
                function,
                alias,
                version,
                additional,
            } => {
                let on = self.acting();
                self.change(|_| route(on, function, alias, version, additional));
            }
            Effect::Invoke { function, request } => {
                let (fleet, tx) = (self.fleet.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let started = std::time::Instant::now();
                    let result = fleet
                        .invoke(&function, request)
                        .await
                        .map(|r| (r, started.elapsed().as_secs_f64() * 1000.0))
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::Invoked(result));
                });
            }
            Effect::LoadEvents { function } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let events = saved_events(&function);
                    let _ = tx.send(Msg::SavedEvents { function, events });
                });
            }
            Effect::SaveEvent { function, body } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let _ = tx.send(Msg::EventSaved(save_event(&function, &body)));
                });
            }
            Effect::StopLogs => {
                if let Some(h) = self.tailing.take() {
                    h.abort();
                }
            }
            Effect::SaveLogs { path, name, lines } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let saved = save_lines(path, &name, &lines).map(|p| (p, lines.len()));
                    let _ = tx.send(Msg::LogsSaved(saved));
                });
            }
        }
    }
}
