//! The effects `update` asks for, started away from the loop; each reports back as messages.

use tokio::sync::mpsc;

use crate::analysis::latency::{SERIES_BUCKETS as BUCKETS, Window};
use crate::app::msg::{Effect, Msg};
use crate::fleet::alias_figures::alias_versions;
use crate::fleet::insights_read::insights_latency;
use crate::fleet::metrics::read_metrics;
use crate::fleet::reports::{estimate_scan, read_latency};
use crate::fleet::walk::Cancel;
use crate::fleet::{Depth, DiscoveryEvent};

use super::changes::spawn_apply;
use super::runner::{App, READERS};
use super::tasks::{Tail, save_event, save_lines, saved_events, tail_logs};

impl App {
    pub(super) fn run_effect(&mut self, effect: Effect) {
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
                    tokio::join!(fleet.discover(targets, Depth::Background, sink), forward);
                }));
            }
            Effect::SaveCache => {
                if let Some(cache) = self.cache.clone() {
                    let (inventory, targets) = (
                        self.state.inventory.clone(),
                        self.state.context.targets.clone(),
                    );
                    tokio::task::spawn_blocking(move || {
                        if let Err(e) = cache.save(&inventory, &targets, crate::clock::now_ms()) {
                            tracing::warn!(error = %e, "the inventory cache could not be written");
                        }
                    });
                }
            }
            Effect::Details(functions) => {
                let (sink, mut findings) = mpsc::unbounded_channel::<DiscoveryEvent>();
                let (fleet, tx) = (self.fleet.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let forward = async {
                        while let Some(event) = findings.recv().await {
                            let _ = tx.send(Msg::Discovery(event));
                        }
                    };
                    tokio::join!(fleet.details(functions, sink), forward);
                });
            }
            Effect::ReadMetrics {
                read,
                functions,
                since_ms,
            } => {
                let window = Window::ending_at(crate::clock::now_ms(), since_ms);
                let (fleet, tx) = (self.fleet.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let metrics = read_metrics(fleet, &functions, window).await;
                    let _ = tx.send(Msg::MetricsRead {
                        read,
                        metrics: Box::new(metrics),
                    });
                });
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
                let window = Window::ending_at(crate::clock::now_ms(), since_ms);
                let (fleet, progress) = (self.fleet.clone(), self.tx.clone());
                self.read_window(async move {
                    let read = read_latency(fleet, functions, window, BUCKETS, READERS, move |p| {
                        let _ = progress.send(Msg::LatencyProgress(p));
                    })
                    .await;
                    Msg::LatencyRead(read)
                });
            }
            Effect::ReadInsights {
                functions,
                since_ms,
            } => {
                let window = Window::ending_at(crate::clock::now_ms(), since_ms);
                let fleet = self.fleet.clone();
                self.read_window(async move {
                    let read = insights_latency(fleet, &functions, window).await;
                    Msg::InsightsRead {
                        read: Box::new(read),
                        window,
                    }
                });
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
            Effect::Apply(plan) => {
                spawn_apply(
                    self.fleet.clone(),
                    self.audit.clone(),
                    *plan,
                    self.tx.clone(),
                );
            }
            Effect::ReadPackage { path } => {
                // The walk runs off the loop and is abandoned with its guard: when another read
                // replaces it, or when the dashboard quits (tokio waits for blocking tasks).
                let cancel = Cancel::new();
                self.package_read = Some(cancel.on_drop());
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let read = path.clone();
                    let package = tokio::task::spawn_blocking(move || {
                        crate::fleet::artifact::package(std::path::Path::new(&read), &cancel)
                    })
                    .await
                    .unwrap_or_else(|e| Err(format!("reading the package stopped ({e})")));
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
                    let figures = alias_versions(fleet, &function, &weights, window).await;
                    let _ = tx.send(Msg::AliasFigures { read, figures });
                });
            }
            Effect::Invoke { function, request } => {
                let (fleet, tx) = (self.fleet.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let started = std::time::Instant::now();
                    let result = fleet
                        .invoke(&function, request)
                        .await
                        .map(|r| (r, started.elapsed().as_secs_f64() * 1000.0));
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

    /// Starts reading the window's REPORT figures (`work` says what it read), abandoning the
    /// read under way: only the newest window's answer is wanted.
    fn read_window(&mut self, work: impl std::future::Future<Output = Msg> + Send + 'static) {
        if let Some(h) = self.reading.take() {
            h.abort();
        }
        let tx = self.tx.clone();
        self.reading = Some(tokio::spawn(async move {
            let _ = tx.send(work.await);
        }));
    }
}
