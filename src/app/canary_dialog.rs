//! The canary dialog: an alias's versions side by side (share, invocations, errors, latency),
//! and the steps of a canary — start one on another version at a weight, promote it, abort it —
//! each asked for as a change that the core plans (the route, the versions' state) and the
//! operator confirms.

use crate::analysis::by_version::VersionFigures;
use crate::fleet::change::Change;
use crate::fleet::change::limits::parse_weight;
use crate::fleet::{Alias, Function, Version};

#[derive(Debug, Clone, PartialEq)]
pub struct CanaryDialog {
    pub function: Function,
    pub alias: usize,
    /// Index into [`CanaryDialog::candidates`].
    pub selected: usize,
    /// The share typed for a new canary: `10%`, `10` or `0.1`.
    pub weight: String,
    pub figures: Option<Result<Vec<VersionFigures>, crate::fleet::FleetError>>,
    /// Numbers the figures asked for: an answer to an earlier request is dropped.
    pub reading: u64,
}

impl CanaryDialog {
    pub fn open(function: Function) -> Result<CanaryDialog, String> {
        if function.aliases.is_empty() {
            return Err(format!(
                "{} has no alias: deploy with an alias first (D)",
                function.name
            ));
        }
        Ok(CanaryDialog {
            function,
            alias: 0,
            selected: 0,
            weight: "10%".into(),
            figures: None,
            reading: 0,
        })
    }

    pub fn alias(&self) -> &Alias {
        &self.function.aliases[self.alias]
    }

    /// The version taking part of the traffic, if a canary runs.
    pub fn canary(&self) -> Option<(String, f64)> {
        let a = self.alias();
        a.weights
            .iter()
            .find(|(v, _)| **v != a.version)
            .map(|(v, w)| (v.clone(), *w))
    }

    /// Versions a canary can send traffic to: all but the alias's primary, newest first.
    pub fn candidates(&self) -> Vec<&Version> {
        let primary = &self.alias().version;
        let mut v: Vec<&Version> = self
            .function
            .versions
            .iter()
            .filter(|v| v.version != *primary)
            .collect();
        v.sort_by_key(|v| std::cmp::Reverse(v.version.parse::<u64>().unwrap_or(0)));
        v
    }

    pub fn move_selection(&mut self, delta: isize) {
        let n = self.candidates().len();
        if n > 0 {
            self.selected = self.selected.saturating_add_signed(delta).min(n - 1);
        }
    }

    pub fn next_alias(&mut self) {
        self.alias = (self.alias + 1) % self.function.aliases.len();
        self.selected = 0;
        self.figures = None;
    }

    /// A canary on the chosen version at the typed share.
    pub fn start(&self) -> Result<Change, String> {
        let version = self
            .candidates()
            .get(self.selected)
            .map(|v| v.version.clone())
            .ok_or("no other published version to send traffic to")?;
        Ok(Change::CanaryStart {
            alias: self.alias().name.clone(),
            version,
            weight: parse_weight(&self.weight)?,
        })
    }

    /// The canary's version becomes the alias's only one.
    pub fn promote(&self) -> Change {
        Change::CanaryPromote {
            alias: self.alias().name.clone(),
        }
    }

    /// All traffic back to the alias's primary version.
    pub fn abort(&self) -> Change {
        Change::CanaryAbort {
            alias: self.alias().name.clone(),
        }
    }
}
