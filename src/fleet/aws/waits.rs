//! The slow parts of a change on AWS, each with its own budget: sending a package, waiting for
//! `LastUpdateStatus`, waiting for a published version to be `Active` (minutes under
//! SnapStart), and a synchronous invocation (the function's own timeout and a margin). A wait
//! reports itself as a step again as time passes, so the operator sees it is alive.

use std::time::Duration;

use aws_sdk_lambda::types::{LastUpdateStatus, State};

use super::clients::Clients;
use super::owner::configuration;
use crate::fleet::{FleetError, Function, Step, StepSink};

/// How long each slow part may take (`[timeouts]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub upload: Duration,
    pub invoke_margin: Duration,
    pub update_wait: Duration,
    pub version_wait: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            upload: Duration::from_secs(600),
            invoke_margin: Duration::from_secs(15),
            update_wait: Duration::from_secs(300),
            version_wait: Duration::from_secs(900),
        }
    }
}

impl Timeouts {
    /// What a synchronous invocation of `function` may take: its own timeout and the margin.
    pub fn invoke(&self, function: &Function) -> Duration {
        Duration::from_secs(u64::from(function.timeout_s)) + self.invoke_margin
    }
}

/// Polls `$LATEST` until `LastUpdateStatus` is `Successful` (its new revision), or says why
/// not; reports the wait as it goes.
pub async fn updated(
    clients: &Clients,
    function: &Function,
    limit: Duration,
    steps: &StepSink,
) -> Result<Option<String>, String> {
    let started = tokio::time::Instant::now();
    loop {
        let _ = steps.send(Step::Waiting {
            elapsed_s: started.elapsed().as_secs(),
        });
        let c = configuration(clients, function, None)
            .await
            .map_err(|e| e.to_string())?;
        match c.last_update_status() {
            None | Some(LastUpdateStatus::Successful) => {
                return Ok(c.revision_id().map(str::to_owned));
            }
            Some(LastUpdateStatus::Failed) => {
                return Err(format!(
                    "the update failed: {}",
                    c.last_update_status_reason().unwrap_or("no reason given")
                ));
            }
            Some(_) if started.elapsed() >= limit => {
                return Err(format!(
                    "the update was still in progress after {} s ([timeouts] update_wait_ms)",
                    limit.as_secs()
                ));
            }
            Some(_) => tokio::time::sleep(poll(started.elapsed())).await,
        }
    }
}

/// Polls published `version` until it is `Active`; a `Failed` version, or one still `Pending`
/// when `limit` runs out, is an error saying so.
pub async fn active(
    clients: &Clients,
    function: &Function,
    version: &str,
    limit: Duration,
    steps: &StepSink,
) -> Result<(), FleetError> {
    let started = tokio::time::Instant::now();
    loop {
        let _ = steps.send(Step::WaitingVersion {
            version: version.to_owned(),
            elapsed_s: started.elapsed().as_secs(),
        });
        let c = configuration(clients, function, Some(version)).await?;
        match c.state() {
            None | Some(State::Active) => return Ok(()),
            Some(State::Failed) => {
                return Err(FleetError::Service {
                    operation: "PublishVersion".into(),
                    message: format!(
                        "version {version} failed to become Active: {} ({})",
                        c.state_reason().unwrap_or("no reason given"),
                        c.state_reason_code().map_or("", |r| r.as_str())
                    ),
                });
            }
            Some(state) if started.elapsed() >= limit => {
                return Err(FleetError::Service {
                    operation: "PublishVersion".into(),
                    message: format!(
                        "version {version} was still {} after {} s ([timeouts] version_wait_ms)",
                        state.as_str(),
                        limit.as_secs()
                    ),
                });
            }
            Some(_) => tokio::time::sleep(poll(started.elapsed())).await,
        }
    }
}

/// Polls often at first, then every few seconds (a snapshot takes minutes).
fn poll(elapsed: Duration) -> Duration {
    if elapsed < Duration::from_secs(5) {
        Duration::from_millis(500)
    } else {
        Duration::from_secs(3)
    }
}
