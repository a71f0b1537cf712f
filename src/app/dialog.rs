//! The rollback dialog: one function's alias, the versions it can go back to (newest first, with
//! their dates, code SHA-256 and descriptions), and a confirmation that is a key for most stages
//! and the function's name for protected ones.

use super::confirmation::Confirmation;
use crate::fleet::{Alias, Function, Version};

#[derive(Debug, Clone, PartialEq)]
pub struct RollbackDialog {
    pub function: Function,
    /// Index into the function's aliases.
    pub alias: usize,
    /// Index into [`RollbackDialog::candidates`].
    pub selected: usize,
    pub confirm: Confirmation,
    /// The rollback was asked for; waiting for its outcome.
    pub running: bool,
}

impl RollbackDialog {
    /// The dialog for `function`, or why there is nothing to roll back.
    pub fn open(function: Function, protected: bool) -> Result<RollbackDialog, String> {
        if function.aliases.is_empty() {
            return Err(format!(
                "{} has no alias to roll back (it is served at $LATEST)",
                function.name
            ));
        }
        let dialog = RollbackDialog {
            function,
            alias: 0,
            selected: 0,
            confirm: Confirmation::new(protected),
            running: false,
        };
        if dialog.candidates().is_empty() {
            return Err(format!(
                "{} has no other published version to roll back to",
                dialog.function.name
            ));
        }
        Ok(dialog)
    }

    pub fn alias(&self) -> &Alias {
        &self.function.aliases[self.alias]
    }

    /// Versions the alias can move to: every published one but its own, newest first.
    pub fn candidates(&self) -> Vec<&Version> {
        let current = &self.alias().version;
        let mut versions: Vec<&Version> = self
            .function
            .versions
            .iter()
            .filter(|v| v.version != *current)
            .collect();
        versions.sort_by_key(|v| std::cmp::Reverse(v.version.parse::<u64>().unwrap_or(0)));
        versions
    }

    /// The version chosen.
    pub fn target(&self) -> Option<&Version> {
        self.candidates().get(self.selected).copied()
    }

    pub fn move_selection(&mut self, delta: isize) {
        let n = self.candidates().len();
        if n > 0 {
            self.selected = self.selected.saturating_add_signed(delta).min(n - 1);
        }
    }

    /// The next alias (wrapping), its candidates from the top.
    pub fn next_alias(&mut self) {
        self.alias = (self.alias + 1) % self.function.aliases.len();
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
        let mut d = RollbackDialog::open(function(), true).unwrap();
        let versions: Vec<&str> = d.candidates().iter().map(|v| v.version.as_str()).collect();
        assert_eq!(versions, vec!["2", "1"]);
        d.move_selection(5);
        assert_eq!(d.target().unwrap().version, "1");
        assert!(d.confirm.protected, "confirmed by typing the name");
    }

    #[test]
    fn nothing_to_roll_back_says_why() {
        let mut f = function();
        f.aliases.clear();
        assert!(
            RollbackDialog::open(f, false)
                .unwrap_err()
                .contains("no alias")
        );
        let mut f = function();
        f.versions.truncate(0);
        assert!(
            RollbackDialog::open(f, false)
                .unwrap_err()
                .contains("no other published version")
        );
    }
}
