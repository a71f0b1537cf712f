//! The rollback dialog: what serves one function (an alias, or `$LATEST` directly) and the
//! versions it can go back to (newest first, with their dates, state, code SHA-256 and
//! descriptions). The change it asks for is planned and confirmed like every other. An alias
//! moves; `$LATEST` gets a published version's code redeployed.

use crate::fleet::change::{Change, restore_candidates};
use crate::fleet::{Alias, Function, Version};

#[derive(Debug, Clone, PartialEq)]
pub struct RollbackDialog {
    pub function: Function,
    /// What rolls back: an index into the function's aliases, or, one past the last,
    /// `$LATEST` (the only choice of a function without aliases).
    pub served: usize,
    /// Index into [`RollbackDialog::candidates`].
    pub selected: usize,
}

impl RollbackDialog {
    /// The dialog for `function` (on its first alias, or on `$LATEST` when it has none), or
    /// why there is nothing to roll back.
    pub fn open(function: Function) -> Result<RollbackDialog, String> {
        let dialog = RollbackDialog {
            function,
            served: 0,
            selected: 0,
        };
        if dialog.candidates().is_empty() {
            return Err(match dialog.alias() {
                Some(_) => format!(
                    "{} has no other published version to roll back to",
                    dialog.function.name
                ),
                None => format!(
                    "{} is served at $LATEST and no published version has other code to roll back to",
                    dialog.function.name
                ),
            });
        }
        Ok(dialog)
    }

    /// The alias that moves; `None`: `$LATEST` gets a version's code.
    pub fn alias(&self) -> Option<&Alias> {
        self.function.aliases.get(self.served)
    }

    /// What runs now: the alias's version (if it has one), and the code SHA-256.
    pub fn current(&self) -> (Option<&str>, &str) {
        match self.alias() {
            Some(a) => (
                Some(a.version.as_str()),
                self.function
                    .versions
                    .iter()
                    .find(|v| v.version == a.version)
                    .map_or("?", |v| v.code_sha256.as_str()),
            ),
            None => (None, self.function.code_sha256.as_str()),
        }
    }

    /// Versions to go back to, newest first: every published one but the alias's own, or for
    /// `$LATEST` every one whose code differs from what it runs.
    pub fn candidates(&self) -> Vec<&Version> {
        let Some(alias) = self.alias() else {
            return restore_candidates(&self.function);
        };
        let mut versions: Vec<&Version> = self
            .function
            .versions
            .iter()
            .filter(|v| v.version != alias.version)
            .collect();
        versions.sort_by_key(|v| std::cmp::Reverse(v.version.parse::<u64>().unwrap_or(0)));
        versions
    }

    /// The version chosen.
    pub fn target(&self) -> Option<&Version> {
        self.candidates().get(self.selected).copied()
    }

    /// The change the dialog shows: the alias back to the chosen version, or `$LATEST` to its
    /// code.
    pub fn change(&self) -> Option<Change> {
        let to = Some(self.target()?.version.clone());
        Some(match self.alias() {
            Some(a) => Change::Rollback {
                alias: a.name.clone(),
                to,
            },
            None => Change::Restore { to },
        })
    }

    pub fn move_selection(&mut self, delta: isize) {
        let n = self.candidates().len();
        if n > 0 {
            self.selected = self.selected.saturating_add_signed(delta).min(n - 1);
        }
    }

    /// The next alias, then `$LATEST` (wrapping), its candidates from the top.
    pub fn next_alias(&mut self) {
        self.served = (self.served + 1) % (self.function.aliases.len() + 1);
        self.selected = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn function() -> Function {
        let mut f = Function::new("users-prod-login", "arn", "eu-west-1");
        f.versions = (1..=3)
            .map(|n| Version {
                version: n.to_string(),
                code_sha256: format!("sha{n}"),
                last_modified: String::new(),
                description: String::new(),
                state: crate::fleet::VersionState::Active,
            })
            .collect();
        f.aliases = vec![Alias {
            name: "live".into(),
            version: "3".into(),
            weights: BTreeMap::from([("3".to_string(), 1.0)]),
            description: String::new(),
        }];
        f
    }

    #[test]
    fn candidates_are_the_other_versions_newest_first() {
        let mut d = RollbackDialog::open(function()).unwrap();
        let versions: Vec<&str> = d.candidates().iter().map(|v| v.version.as_str()).collect();
        assert_eq!(versions, vec!["2", "1"]);
        d.move_selection(5);
        assert_eq!(d.target().unwrap().version, "1");
        assert_eq!(
            d.change(),
            Some(Change::Rollback {
                alias: "live".into(),
                to: Some("1".into())
            })
        );
    }

    #[test]
    fn without_aliases_latest_goes_back_to_versions_with_other_code() {
        let mut f = function();
        f.aliases.clear();
        f.code_sha256 = "sha3".into();
        let d = RollbackDialog::open(f).unwrap();
        assert!(d.alias().is_none(), "it is served at $LATEST");
        assert_eq!(d.current(), (None, "sha3"));
        let versions: Vec<&str> = d.candidates().iter().map(|v| v.version.as_str()).collect();
        assert_eq!(versions, vec!["2", "1"], "version 3 has the code it runs");
    }

    #[test]
    fn tab_reaches_latest_after_the_aliases() {
        let mut f = function();
        f.code_sha256 = "sha2".into();
        let mut d = RollbackDialog::open(f).unwrap();
        assert_eq!(d.alias().unwrap().name, "live");
        d.next_alias();
        assert!(d.alias().is_none());
        let versions: Vec<&str> = d.candidates().iter().map(|v| v.version.as_str()).collect();
        assert_eq!(versions, vec!["3", "1"]);
        d.next_alias();
        assert_eq!(d.alias().unwrap().name, "live", "wraps around");
    }

    #[test]
    fn nothing_to_roll_back_says_why() {
        let mut f = function();
        f.aliases.clear();
        f.code_sha256 = "sha1".into();
        f.versions.truncate(1);
        assert!(
            RollbackDialog::open(f)
                .unwrap_err()
                .contains("no published version has other code")
        );
        let mut f = function();
        f.versions.truncate(0);
        assert!(
            RollbackDialog::open(f)
                .unwrap_err()
                .contains("no other published version")
        );
    }
}
