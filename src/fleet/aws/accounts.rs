//! Each target's clients, built once and side by side (loading a profile and asking STS who it
//! is take a round trip each), under the rate budget of the account and region they reach: two
//! profiles of one account share it. Who the caller is is asked here once, and kept.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{Mutex, OnceCell};

use super::budget::{self, Budget, QuotaSettings};
use super::clients::{CallSettings, Caller, Clients};
use crate::fleet::Target;

pub struct Accounts {
    pub settings: CallSettings,
    quota: QuotaSettings,
    clients: Mutex<HashMap<Target, Arc<OnceCell<Clients>>>>,
    /// One rate budget per account (or, before it is known, profile) and region.
    rates: Mutex<HashMap<(String, String), Arc<Budget>>>,
}

impl Accounts {
    /// Clients to be built from the standard configuration as targets ask for them.
    pub fn new(settings: CallSettings, quota: QuotaSettings) -> Accounts {
        Accounts::with_clients(settings, quota, Vec::new())
    }

    /// Clients built elsewhere (tests build them with `aws-smithy-mocks`).
    pub fn with_clients(
        settings: CallSettings,
        quota: QuotaSettings,
        clients: Vec<(Target, Clients)>,
    ) -> Accounts {
        Accounts {
            settings,
            quota,
            clients: Mutex::new(
                clients
                    .into_iter()
                    .map(|(t, c)| (t, Arc::new(OnceCell::new_with(Some(c)))))
                    .collect(),
            ),
            rates: Mutex::new(HashMap::new()),
        }
    }

    /// The clients of `target`: its profile's credentials in its region, built once.
    pub async fn clients_for(&self, target: &Target) -> Clients {
        let cell = self
            .clients
            .lock()
            .await
            .entry(target.clone())
            .or_default()
            .clone();
        cell.get_or_init(|| self.load(target)).await.clone()
    }

    /// Builds `target`'s clients, asks STS who they act as, and puts them under the budget of
    /// that account and region.
    async fn load(&self, target: &Target) -> Clients {
        let mut c = Clients::load(target, &self.settings).await;
        c.caller = c
            .sts
            .get_caller_identity()
            .send()
            .await
            .ok()
            .map(|me| Caller {
                account: me.account().unwrap_or_default().to_owned(),
                arn: me.arn().unwrap_or_default().to_owned(),
            });
        let account = c
            .caller
            .as_ref()
            .map(|me| me.account.clone())
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| {
                format!("profile {}", target.profile.as_deref().unwrap_or("default"))
            });
        let budget = self
            .rates
            .lock()
            .await
            .entry((account, target.region.clone()))
            .or_insert_with(|| Arc::new(Budget::new(self.quota.clone())))
            .clone();
        c.under(budget)
    }

    /// What each account and region's budget has spent so far (for benchmarks and logs).
    pub async fn spent(&self) -> Vec<((String, String), budget::Spent)> {
        let mut out: Vec<_> = self
            .rates
            .lock()
            .await
            .iter()
            .map(|(k, b)| (k.clone(), b.spent()))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}
