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

    /// Forgets what an earlier discovery of `target` found, so a refresh starts clean.
    fn restart(&mut self, target: Target) {
        let stale: BTreeSet<String> = self
            .origin
            .iter()
            .filter(|(_, t)| **t == target)
            .map(|(arn, _)| arn.clone())
            .collect();
        for arn in &stale {
            self.functions.remove(arn);
            self.origin.remove(arn);
            self.tags.remove(arn);
            self.versions.remove(arn);
            self.aliases.remove(arn);
            self.routes.remove(arn);
            self.event_sources.remove(arn);
        }
        self.failures.retain(|f| f.target != target);
        self.accounts.remove(&target);
        self.targets.insert(target, TargetState::Discovering);
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
mod tests {
    use super::*;
    use crate::fleet::model::{ApiKind, GroupedBy};

    fn target() -> Target {
        Target::new(None, "eu-west-1")
    }

    fn function(name: &str) -> Function {
        Function::new(
            name,
            &format!("arn:aws:lambda:eu-west-1:123456789012:function:{name}"),
            "eu-west-1",
        )
    }

    #[test]
    fn a_function_read_again_keeps_its_tags_and_takes_its_new_code() {
        let mut inv = Inventory::new(GroupingRules::default());
        let f = function("legacy-cron");
        inv.apply(DiscoveryEvent::Functions {
            target: target(),
            functions: vec![f.clone()],
        });
        let tags = BTreeMap::from([("mfn:service".to_string(), "billing".to_string())]);
        inv.apply(DiscoveryEvent::Tags {
            target: target(),
            tags: BTreeMap::from([(f.arn.clone(), tags.clone())]),
        });
        let mut again = f.clone();
        again.code_sha256 = "NEW".into();
        again.versions = vec![crate::fleet::Version {
            version: "1".into(),
            code_sha256: "OLD".into(),
            last_modified: String::new(),
            description: String::new(),
            state: crate::fleet::VersionState::Active,
        }];
        inv.refresh(again);
        let now = inv.function(&f.arn).unwrap();
        assert_eq!(now.code_sha256, "NEW");
        assert_eq!(now.versions.len(), 1);
        assert_eq!(now.tags, tags, "tags stay");
        assert_eq!(now.placement.service, "billing", "still placed by its tag");
        inv.refresh(function("stranger"));
        assert!(inv.function(&function("stranger").arn).is_none());
    }

    #[test]
    fn routes_that_arrive_before_their_function_are_kept_for_it() {
        let mut inv = Inventory::new(GroupingRules::default());
        inv.apply(DiscoveryEvent::Started(target()));
        let f = function("users-dev-login");
        let route = Route {
            api: "users".into(),
            api_id: "a1".into(),
            kind: ApiKind::Http,
            method: "POST".into(),
            path: "/login".into(),
            qualifier: None,
        };
        inv.apply(DiscoveryEvent::Routes {
            target: target(),
            routes: vec![(f.arn.clone(), route.clone())],
        });
        inv.apply(DiscoveryEvent::Functions {
            target: target(),
            functions: vec![f.clone()],
        });
        assert_eq!(inv.function(&f.arn).unwrap().routes, vec![route]);
    }

    #[test]
    fn tags_regroup_a_function_already_placed_by_its_name() {
        let mut inv = Inventory::new(GroupingRules::default());
        let f = function("users-dev-login");
        inv.apply(DiscoveryEvent::Functions {
            target: target(),
            functions: vec![f.clone()],
        });
        assert_eq!(
            inv.function(&f.arn).unwrap().placement.grouped_by,
            GroupedBy::Naming
        );
        let tags = BTreeMap::from([(
            f.arn.clone(),
            BTreeMap::from([("mfn:service".to_string(), "identity".to_string())]),
        )]);
        inv.apply(DiscoveryEvent::Tags {
            target: target(),
            tags,
        });
        let services = inv.services();
        assert_eq!(services.len(), 1);
        assert_eq!(services[0].key.name, "identity");
    }

    #[test]
    fn a_new_discovery_of_a_target_forgets_what_the_last_one_found() {
        let mut inv = Inventory::new(GroupingRules::default());
        inv.apply(DiscoveryEvent::Functions {
            target: target(),
            functions: vec![function("a-dev-x")],
        });
        inv.apply(DiscoveryEvent::Started(target()));
        assert_eq!(inv.function_count(), 0);
        assert_eq!(inv.pending_targets(), 1);
    }
}
