//! Settings: the defaults in `assets/config.toml`, with the user's file merged over them key by key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use thiserror::Error;

use crate::analysis::pricing::PricingTable;
use crate::fleet::grouping::GroupingRules;

/// The defaults, embedded at build time.
pub const DEFAULTS: &str = include_str!("../assets/config.toml");
/// The price list, embedded at build time; a user's `[pricing]` overrides it key by key.
pub const PRICING: &str = include_str!("../assets/pricing.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub grouping: GroupingRules,
    pub discovery: DiscoverySettings,
    pub logs: LogsSettings,
    pub local: LocalSettings,
    pub safety: SafetySettings,
    pub timeouts: TimeoutSettings,
    /// Where `auto` reads figures from.
    pub figures: crate::fleet::sources::AutoRules,
    /// Calls per second per account and region, per API (the client-side budget).
    pub quota: crate::fleet::aws::budget::QuotaSettings,
    /// Action name → keys.
    pub keymap: BTreeMap<String, Vec<String>>,
    /// Colour name → colour.
    pub theme: BTreeMap<String, String>,
    /// Prices for the cost model (`assets/pricing.toml`).
    pub pricing: PricingTable,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscoverySettings {
    pub concurrency: usize,
    pub max_attempts: u32,
    pub connect_timeout_ms: u64,
    pub operation_timeout_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogsSettings {
    pub confirm_scan_bytes: u64,
    pub page_size: i32,
    pub poll_ms: u64,
    pub live_tail: bool,
    pub buffer_records: usize,
}

/// What changing a function takes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetySettings {
    /// Stages where a change is confirmed by typing the function's name.
    pub protected_stages: Vec<String>,
}

/// How long the slow parts of a change may take: each its own budget, apart from the
/// ordinary call's `[discovery] operation_timeout_ms`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeoutSettings {
    /// Sending a package (`UpdateFunctionCode` with up to 50 MB).
    pub upload_ms: u64,
    /// A synchronous invocation waits for the function's own timeout plus this.
    pub invoke_margin_ms: u64,
    /// Waiting for `LastUpdateStatus` after the code changed.
    pub update_wait_ms: u64,
    /// Waiting for a published version to be `Active` (a SnapStart snapshot takes minutes).
    pub version_wait_ms: u64,
}

impl TimeoutSettings {
    pub fn upload(&self) -> Duration {
        Duration::from_millis(self.upload_ms)
    }

    pub fn invoke_margin(&self) -> Duration {
        Duration::from_millis(self.invoke_margin_ms)
    }

    pub fn update_wait(&self) -> Duration {
        Duration::from_millis(self.update_wait_ms)
    }

    pub fn version_wait(&self) -> Duration {
        Duration::from_millis(self.version_wait_ms)
    }
}

/// The local fleet (`--local`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalSettings {
    pub gateway_port: u16,
    /// Connections the gateway serves at once.
    pub gateway_connections: usize,
    pub gateway_header_timeout_ms: u64,
    pub gateway_body_timeout_ms: u64,
    pub refresh_ms: u64,
    pub idle_ms: u64,
    pub init_timeout_ms: u64,
    /// The operator's variables every handler gets; a trailing `*` matches a prefix.
    pub pass_env: Vec<String>,
    /// How many execution environments the whole local fleet runs at once.
    pub max_environments: usize,
}

impl LocalSettings {
    /// How the local fleet's HTTP gateway serves.
    pub fn gateway(&self) -> crate::fleet::local::gateway::GatewaySettings {
        crate::fleet::local::gateway::GatewaySettings {
            port: self.gateway_port,
            connections: self.gateway_connections,
            header_timeout: Duration::from_millis(self.gateway_header_timeout_ms),
            body_timeout: Duration::from_millis(self.gateway_body_timeout_ms),
        }
    }
}

impl DiscoverySettings {
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }

    pub fn operation_timeout(&self) -> Duration {
        Duration::from_millis(self.operation_timeout_ms)
    }
}

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("config {path}: {message}; fix the file or remove the key to use the default")]
    Invalid { path: PathBuf, message: String },
}

impl Config {
    /// The defaults alone.
    pub fn defaults() -> Config {
        Config::merged(None).expect("the embedded defaults are valid")
    }

    /// Defaults merged with `explicit` (`--config`) if given, else with the user's file in the
    /// XDG config dir if it exists.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => user_config_path().filter(|p| p.exists()),
        };
        let Some(path) = path else {
            return Ok(Config::defaults());
        };
        let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::Read {
            path: path.clone(),
            message: e.to_string(),
        })?;
        Config::merged(Some(&text)).map_err(|message| ConfigError::Invalid { path, message })
    }

    /// Defaults with `user` (TOML text) merged over them.
    pub fn merged(user: Option<&str>) -> Result<Config, String> {
        let mut base: toml::Table = DEFAULTS.parse().map_err(|e| format!("{e}"))?;
        let pricing: toml::Table = PRICING.parse().map_err(|e| format!("{e}"))?;
        base.insert("pricing".into(), toml::Value::Table(pricing));
        if let Some(user) = user {
            let user: toml::Table = user.parse().map_err(|e: toml::de::Error| e.to_string())?;
            merge(&mut base, user);
        }
        let config: Config = toml::Value::Table(base)
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())?;
        config.quota.check()?;
        if config.discovery.concurrency == 0 {
            return Err("[discovery] concurrency must be at least 1".into());
        }
        if !(1..=10_000).contains(&config.logs.page_size) {
            return Err("[logs] page_size must be between 1 and 10000".into());
        }
        Ok(config)
    }
}

/// `$XDG_CONFIG_HOME/mfn-tui/config.toml` (or `~/.config/mfn-tui/config.toml`).
pub fn user_config_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("mfn-tui").join("config.toml"))
}

/// `$XDG_STATE_HOME/mfn-tui` (or `~/.local/state/mfn-tui`): logs live here.
pub fn state_dir() -> Option<PathBuf> {
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|d| d.join("mfn-tui"))
}

/// `$XDG_DATA_HOME/mfn-tui` (or `~/.local/share/mfn-tui`): what the operator saves.
pub fn data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("mfn-tui"))
}

/// Tables merge key by key; anything else in `over` replaces what `base` had.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_file_overrides_only_the_keys_it_names() {
        let c = Config::merged(Some(
            "[keymap]\nquit = [\"Q\"]\n[grouping]\nstages = [\"qa\"]\n",
        ))
        .unwrap();
        assert_eq!(c.keymap["quit"], vec!["Q".to_string()]);
        assert_eq!(c.keymap["help"], vec!["?".to_string()]);
        assert_eq!(c.grouping.stages, vec!["qa".to_string()]);
        assert_eq!(c.grouping.service_tag, "mfn:service");
    }

    #[test]
    fn an_unknown_key_is_refused_with_its_name() {
        let err = Config::merged(Some("[discovery]\nconcurency = 4\n")).unwrap_err();
        assert!(err.contains("concurency"), "{err}");
    }

    #[test]
    fn pricing_is_overridden_key_by_key_under_pricing() {
        let c = Config::merged(Some(
            "[pricing.regions.ap-east-1]\nx86_64_gb_second = 0.00002292\n[pricing.free_tier]\nrequests = 0\n",
        ))
        .unwrap();
        assert_eq!(c.pricing.region("ap-east-1").x86_64_gb_second, 0.00002292);
        assert_eq!(c.pricing.region("ap-east-1").arm64_gb_second, 0.0000133334);
        assert_eq!(c.pricing.free_tier.requests, 0.0);
        assert_eq!(c.pricing.free_tier.gb_seconds, 400_000.0);
    }

    #[test]
    fn zero_concurrency_is_refused() {
        assert!(Config::merged(Some("[discovery]\nconcurrency = 0\n")).is_err());
    }
}
