//! The fleet as discovered so far: findings merged into functions, grouped into services.
//!
//! Findings arrive in any order (routes may come before the functions they reach), so each kind
//! is kept by function ARN and merged into the function whenever either side arrives.

use std::collections::{BTreeMap, BTreeSet};

use super::error::FleetError;
use super::grouping::GroupingRules;
use super::model::{Alias, EventSource, Function, Route, ServiceKey, Target, Version};
use super::provider_types::DiscoveryEvent;

/// The scope of a failed function list: nothing of that target could be seen.
pub const LIST_FUNCTIONS: &str = "ListFunctions";

/// How discovery of one target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetState {
    Discovering,
    Done,
}

impl Failure {
    /// Whether this is only a note (a key read past, say): nothing is missing because of it.
    pub fn is_note(&self) -> bool {
        matches!(self.error, FleetError::Note(_))
    }
}

/// A call that failed during discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub target: Target,
    pub scope: String,
    pub error: FleetError,
}

/// A service and the ARNs of its functions, sorted by function name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub key: ServiceKey,
    pub function_arns: Vec<String>,
}

/// Everything discovered, merged.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    rules: GroupingRules,
    functions: BTreeMap<String, Function>,
    origin: BTreeMap<String, Target>,
    tags: BTreeMap<String, BTreeMap<String, String>>,
    versions: BTreeMap<String, Vec<Version>>,
    aliases: BTreeMap<String, Vec<Alias>>,
    routes: BTreeMap<String, Vec<Route>>,
    event_sources: BTreeMap<String, Vec<EventSource>>,
    targets: BTreeMap<Target, TargetState>,
    accounts: BTreeMap<Target, String>,
    failures: Vec<Failure>,
    /// Targets discovered again while what was known of them stays on screen: the functions
    /// seen so far; the others go when the target is finished.
    revalidating: BTreeMap<Target, BTreeSet<String>>,
}

impl Inventory {
    pub fn new(rules: GroupingRules) -> Self {
        Inventory {
            rules,
            ..Inventory::default()
        }
    }

    /// An empty inventory with the same grouping rules.
    pub fn emptied(&self) -> Inventory {
        Inventory::new(self.rules.clone())
    }

    /// Marks `targets` as under way before their first finding arrives.
    pub fn expect(&mut self, targets: &[Target]) {
        for t in targets {
            self.targets.insert(t.clone(), TargetState::Discovering);
        }
    }

    /// Merges one finding.
    pub fn apply(&mut self, event: DiscoveryEvent) {
        match event {
            DiscoveryEvent::Started(target) => self.restart(target),
            DiscoveryEvent::Account { target, account } => {
                self.accounts.insert(target, account);
            }
            DiscoveryEvent::Functions { target, functions } => {
                for mut function in functions {
                    function.target = target.clone();
                    if let Some(seen) = self.revalidating.get_mut(&target) {
                        seen.insert(function.arn.clone());
                    }
                    self.origin.insert(function.arn.clone(), target.clone());
                    let arn = function.arn.clone();
                    self.functions.insert(arn.clone(), function);
                    self.merge(&arn);
                }
            }
            DiscoveryEvent::Tags { tags, .. } => {
                for (arn, tags) in tags {
                    self.tags.insert(arn.clone(), tags);
                    self.merge(&arn);
                }
            }
            DiscoveryEvent::Versions {
                function_arn,
                versions,
            } => {
                self.versions.insert(function_arn.clone(), versions);
                self.merge(&function_arn);
            }
            DiscoveryEvent::Aliases {
                function_arn,
                aliases,
            } => {
                self.aliases.insert(function_arn.clone(), aliases);
                self.merge(&function_arn);
            }
            DiscoveryEvent::Routes { routes, .. } => {
                let mut by_function: BTreeMap<String, Vec<Route>> = BTreeMap::new();
                for (arn, route) in routes {
                    by_function.entry(arn).or_default().push(route);
                }
                for (arn, mut routes) in by_function {
                    routes.sort();
                    routes.dedup();
                    self.routes.insert(arn.clone(), routes);
                    self.merge(&arn);
                }
            }
            DiscoveryEvent::EventSources { mappings, .. } => {
                let mut by_function: BTreeMap<String, Vec<EventSource>> = BTreeMap::new();
                for (arn, mapping) in mappings {
                    by_function.entry(arn).or_default().push(mapping);
                }
                for (arn, mappings) in by_function {
                    self.event_sources.insert(arn.clone(), mappings);
                    self.merge(&arn);
                }
            }
            DiscoveryEvent::Failed {
                target,
                scope,
                error,
            } => self.failures.push(Failure {
                target,
                scope,
                error,
            }),
            DiscoveryEvent::Finished(target) => {
                if let Some(seen) = self.revalidating.remove(&target)
                    && self.functions_listed(&target)
                {
                    let gone: Vec<String> = self
                        .origin
                        .iter()
                        .filter(|(arn, t)| **t == target && !seen.contains(*arn))
                        .map(|(arn, _)| arn.clone())
                        .collect();
                    self.forget(&gone);
                }
                self.targets.insert(target, TargetState::Done);
            }
        }
    }

    /// A function read again after a change to it (configuration, code, versions, aliases),
    /// in place of what discovery found; its tags, routes and event sources stay. A function
    /// this inventory does not hold is ignored.
    pub fn refresh(&mut self, mut function: Function) {
        let arn = function.arn.clone();
        if !self.functions.contains_key(&arn) {
            return;
        }
        self.versions
            .insert(arn.clone(), std::mem::take(&mut function.versions));
        self.aliases
            .insert(arn.clone(), std::mem::take(&mut function.aliases));
        self.functions.insert(arn.clone(), function);
        self.merge(&arn);
    }

    /// A target is discovered again: what an earlier discovery (or the cache) found of it
    /// stays on screen, and what the new one does not find again goes when it is finished.
    fn restart(&mut self, target: Target) {
        if self.origin.values().any(|t| *t == target) {
            self.revalidating.insert(target.clone(), BTreeSet::new());
        }
        self.failures.retain(|f| f.target != target);
        self.targets.insert(target, TargetState::Discovering);
    }

    /// Drops every finding of `arns`.
    fn forget(&mut self, arns: &[String]) {
        for arn in arns {
            self.functions.remove(arn);
            self.origin.remove(arn);
            self.tags.remove(arn);
            self.versions.remove(arn);
            self.aliases.remove(arn);
            self.routes.remove(arn);
            self.event_sources.remove(arn);
        }
    }

    /// Whether what is shown of `target` is an earlier discovery's (or the cache's), being
    /// discovered again.
    pub fn revalidating(&self, target: &Target) -> bool {
        self.revalidating.contains_key(target)
    }

    /// Folds whatever is known about `arn` into its function and places it in a service.
    fn merge(&mut self, arn: &str) {
        let Some(function) = self.functions.get_mut(arn) else {
            return;
        };
        if let Some(tags) = self.tags.get(arn) {
            function.tags = tags.clone();
        }
        if let Some(versions) = self.versions.get(arn) {
            function.versions = versions.clone();
        }
        if let Some(aliases) = self.aliases.get(arn) {
            function.aliases = aliases.clone();
        }
        if let Some(routes) = self.routes.get(arn) {
            function.routes = routes.clone();
        }
        if let Some(sources) = self.event_sources.get(arn) {
            function.event_sources = sources.clone();
        }
        function.placement = self.rules.place(&function.name, &function.tags);
    }

    /// Distinct log groups of the fleet (a shared one counts once).
    pub fn log_group_count(&self) -> usize {
        let groups: BTreeSet<(&Target, &str)> = self
            .functions
            .values()
            .map(|f| (&f.target, f.log_group.as_str()))
            .collect();
        groups.len()
    }

    /// Whether the versions and aliases of `arn` are known.
    pub fn detailed(&self, arn: &str) -> bool {
        self.versions.contains_key(arn) && self.aliases.contains_key(arn)
    }

    pub fn function(&self, arn: &str) -> Option<&Function> {
        self.functions.get(arn)
    }

    /// Every function, ordered by ARN.
    pub fn functions(&self) -> impl Iterator<Item = &Function> {
        self.functions.values()
    }

    pub fn function_count(&self) -> usize {
        self.functions.len()
    }

    /// Services with their functions, ordered by name, stage, region, account.
    pub fn services(&self) -> Vec<Service> {
        let mut groups: BTreeMap<ServiceKey, Vec<(&str, &str)>> = BTreeMap::new();
        for f in self.functions.values() {
            groups
                .entry(service_key(f))
                .or_default()
                .push((f.name.as_str(), f.arn.as_str()));
        }
        groups
            .into_iter()
            .map(|(key, mut members)| {
                members.sort();
                Service {
                    key,
                    function_arns: members.into_iter().map(|(_, a)| a.to_owned()).collect(),
                }
            })
            .collect()
    }

    pub fn targets(&self) -> &BTreeMap<Target, TargetState> {
        &self.targets
    }

    /// Targets whose discovery has not finished.
    pub fn pending_targets(&self) -> usize {
        self.targets
            .values()
            .filter(|s| **s == TargetState::Discovering)
            .count()
    }

    pub fn account(&self, target: &Target) -> Option<&str> {
        self.accounts.get(target).map(String::as_str)
    }

    /// Distinct accounts seen, sorted.
    pub fn accounts(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self.accounts.values().map(String::as_str).collect();
        set.into_iter().collect()
    }

    pub fn failures(&self) -> &[Failure] {
        &self.failures
    }

    /// Whether the function list of `target` could be read (its `ListFunctions` did not fail).
    pub fn functions_listed(&self, target: &Target) -> bool {
        !self
            .failures
            .iter()
            .any(|f| &f.target == target && f.scope == LIST_FUNCTIONS)
    }

    /// Whether any call for `target` failed.
    /// Whether a call of `target` failed (a note is no failure).
    pub fn target_failed(&self, target: &Target) -> bool {
        self.failures
            .iter()
            .any(|f| &f.target == target && !f.is_note())
    }

    /// The calls that failed, notes left out.
    pub fn real_failures(&self) -> impl Iterator<Item = &Failure> {
        self.failures.iter().filter(|f| !f.is_note())
    }
}

/// The service a function belongs to.
pub fn service_key(f: &Function) -> ServiceKey {
    ServiceKey {
        name: f.placement.service.clone(),
        stage: f.placement.stage.clone(),
        region: f.region.clone(),
        account: f.account.clone(),
    }
}

#[cfg(test)]
mod tests;
