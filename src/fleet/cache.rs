//! The inventory cache: the last known fleet of each target (profile × region, so one account
//! and region), in `$XDG_CACHE_HOME/mfn-tui/inventory/`, so the dashboard opens on it at once,
//! marked stale with its age, while discovery revalidates it in the background. Environment
//! values are never written, only their names. A cache that cannot be read is ignored.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{DiscoveryEvent, Function, Inventory, Target};

/// What was known of one target, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedTarget {
    /// When it was saved (epoch milliseconds).
    pub saved_ms: i64,
    pub target: Target,
    pub account: Option<String>,
    pub functions: Vec<Function>,
}

/// Where the cache lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryCache {
    dir: PathBuf,
}

impl InventoryCache {
    /// The user's, under the XDG cache directory (none without one).
    pub fn user() -> Option<InventoryCache> {
        Some(InventoryCache::at(
            dirs::cache_dir()?.join("mfn-tui").join("inventory"),
        ))
    }

    pub fn at(dir: impl Into<PathBuf>) -> InventoryCache {
        InventoryCache { dir: dir.into() }
    }

    fn file(&self, target: &Target) -> PathBuf {
        let profile = target.profile.as_deref().unwrap_or("default");
        let safe = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        self.dir
            .join(format!("{}@{}.json", safe(profile), safe(&target.region)))
    }

    /// What was saved of `targets` (those with a cache that reads).
    pub fn load(&self, targets: &[Target]) -> Vec<CachedTarget> {
        targets
            .iter()
            .filter_map(|t| {
                let text = std::fs::read(self.file(t)).ok()?;
                match serde_json::from_slice::<CachedTarget>(&text) {
                    Ok(c) if c.target == *t => Some(c),
                    Ok(_) => None,
                    Err(e) => {
                        tracing::warn!(target = %t, error = %e, "the inventory cache could not be read; ignored");
                        None
                    }
                }
            })
            .collect()
    }

    /// Saves what `inventory` knows of each of `targets`, now (`now_ms`).
    pub fn save(
        &self,
        inventory: &Inventory,
        targets: &[Target],
        now_ms: i64,
    ) -> Result<(), String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        for t in targets {
            let cached = CachedTarget {
                saved_ms: now_ms,
                target: t.clone(),
                account: inventory.account(t).map(str::to_owned),
                functions: inventory
                    .functions()
                    .filter(|f| f.target == *t)
                    .cloned()
                    .collect(),
            };
            write_atomically(
                &self.file(t),
                &serde_json::to_vec(&cached).map_err(|e| e.to_string())?,
            )?;
        }
        Ok(())
    }
}

/// Writes `bytes` to a temporary file beside `path` and renames it: a reader never sees half
/// a cache.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The findings that put a cached target back into an inventory, as discovery would.
pub fn findings(cached: CachedTarget) -> Vec<DiscoveryEvent> {
    let target = cached.target;
    let mut events = Vec::new();
    if let Some(account) = cached.account {
        events.push(DiscoveryEvent::Account {
            target: target.clone(),
            account,
        });
    }
    let mut routes = Vec::new();
    let mut mappings = Vec::new();
    let mut tags = std::collections::BTreeMap::new();
    for f in &cached.functions {
        tags.insert(f.arn.clone(), f.tags.clone());
        routes.extend(f.routes.iter().map(|r| (f.arn.clone(), r.clone())));
        mappings.extend(f.event_sources.iter().map(|m| (f.arn.clone(), m.clone())));
        events.push(DiscoveryEvent::Versions {
            function_arn: f.arn.clone(),
            versions: f.versions.clone(),
        });
        events.push(DiscoveryEvent::Aliases {
            function_arn: f.arn.clone(),
            aliases: f.aliases.clone(),
        });
    }
    events.insert(
        0,
        DiscoveryEvent::Functions {
            target: target.clone(),
            functions: cached.functions,
        },
    );
    events.push(DiscoveryEvent::Tags {
        target: target.clone(),
        tags,
    });
    events.push(DiscoveryEvent::Routes {
        target: target.clone(),
        routes,
    });
    events.push(DiscoveryEvent::EventSources {
        target: target.clone(),
        mappings,
    });
    events.push(DiscoveryEvent::Finished(target));
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::Secret;
    use crate::fleet::grouping::GroupingRules;

    #[test]
    fn a_saved_fleet_comes_back_whole_but_for_environment_values() {
        let dir = std::env::temp_dir().join(format!("mfn-cache-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cache = InventoryCache::at(&dir);
        let target = Target::new(Some("prod"), "eu-west-1");
        let mut inv = Inventory::new(GroupingRules::default());
        let mut f = Function::new(
            "users-prod-login",
            "arn:aws:lambda:eu-west-1:210987654321:function:users-prod-login",
            "eu-west-1",
        );
        f.environment
            .insert("DB_PASSWORD".into(), Secret::new("hunter2"));
        inv.apply(DiscoveryEvent::Account {
            target: target.clone(),
            account: "210987654321".into(),
        });
        inv.apply(DiscoveryEvent::Functions {
            target: target.clone(),
            functions: vec![f],
        });
        cache
            .save(&inv, std::slice::from_ref(&target), 1_000)
            .unwrap();
        let written = std::fs::read_to_string(cache.file(&target)).unwrap();
        assert!(!written.contains("hunter2"), "{written}");
        assert!(written.contains("DB_PASSWORD"), "the name is kept");

        let loaded = cache.load(std::slice::from_ref(&target));
        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded[0].saved_ms, 1_000);
        let mut again = Inventory::new(GroupingRules::default());
        for event in findings(loaded[0].clone()) {
            again.apply(event);
        }
        let f = again.functions().next().unwrap();
        assert_eq!(f.name, "users-prod-login");
        assert_eq!(f.target, target, "the profile that owns it");
        assert_eq!(f.environment["DB_PASSWORD"].reveal(), "");
        assert_eq!(again.account(&target), Some("210987654321"));
        assert!(
            cache.load(&[Target::new(None, "eu-west-1")]).is_empty(),
            "another profile's cache is not this one's"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
