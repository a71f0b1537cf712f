//! The deploy dialog: what to ship (the working directory of a local function, or a zip file or
//! directory for AWS, read and shown before asking) and the alias to move. The change it asks
//! for is planned and confirmed like every other, and ships exactly the package shown.

use std::sync::Arc;

use crate::fleet::artifact;
use crate::fleet::change::Change;
use crate::fleet::walk::LeftOut;
use crate::fleet::{CodeSource, Function};

/// The field being typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Path,
    Alias,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeployDialog {
    pub function: Function,
    /// A local function ships its service's working directory; no path is asked for.
    pub local: bool,
    /// A zip file or a directory (AWS).
    pub path: String,
    pub alias: String,
    pub field: Field,
    /// The package is being read (and zipped) to show what would ship.
    pub preparing: bool,
    /// The package read from `path`, shown before confirming and shipped as it was shown.
    pub package: Option<Package>,
}

/// A package read from the path typed: what the dry run shows (with what the directory's walk
/// left out, and why), and what ships.
#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    pub path: String,
    pub code_sha256: String,
    pub bytes: Arc<Vec<u8>>,
    pub left_out: Vec<LeftOut>,
}

impl Package {
    pub fn new(path: String, read: artifact::Package) -> Package {
        Package {
            path,
            code_sha256: artifact::code_sha256(&read.bytes),
            bytes: read.bytes,
            left_out: read.left_out,
        }
    }
}

impl DeployDialog {
    pub fn open(function: Function, local: bool) -> DeployDialog {
        let alias = function
            .aliases
            .first()
            .map_or_else(|| "live".to_owned(), |a| a.name.clone());
        DeployDialog {
            function,
            local,
            path: String::new(),
            alias,
            field: if local { Field::Alias } else { Field::Path },
            preparing: false,
            package: None,
        }
    }

    /// The field being typed in; a package read from an older path is dropped.
    pub fn field_mut(&mut self) -> &mut String {
        if self.field == Field::Path {
            self.package = None;
        }
        match self.field {
            Field::Path => &mut self.path,
            Field::Alias => &mut self.alias,
        }
    }

    pub fn next_field(&mut self) {
        if !self.local {
            self.field = match self.field {
                Field::Path => Field::Alias,
                Field::Alias => Field::Path,
            };
        }
    }

    /// What is missing before the deploy can be planned.
    pub fn problem(&self) -> Option<String> {
        if !self.local && self.path.trim().is_empty() {
            return Some("give a zip file or a directory to deploy".into());
        }
        if self.alias.trim().is_empty() || self.alias.chars().all(|c| c.is_ascii_digit()) {
            return Some("give the alias to move (a name, not a version number)".into());
        }
        None
    }

    /// The deploy the dialog shows: the package it read (or, locally, the working directory)
    /// to the alias typed; `None` while the package is not read yet.
    pub fn change(&self) -> Option<Change> {
        let source = match (&self.package, self.local) {
            (_, true) => CodeSource::WorkingDirectory,
            (Some(p), false) => CodeSource::Zip(p.bytes.clone()),
            (None, false) => return None,
        };
        Some(Change::Deploy {
            source,
            alias: self.alias.trim().to_owned(),
        })
    }

    /// The alias's version and code now, if it exists.
    pub fn current(&self) -> Option<(String, String)> {
        let a = self
            .function
            .aliases
            .iter()
            .find(|a| a.name == self.alias)?;
        let sha = self
            .function
            .versions
            .iter()
            .find(|v| v.version == a.version)
            .map_or_else(|| "?".to_owned(), |v| v.code_sha256.clone());
        Some((a.version.clone(), sha))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_needs_a_path_and_every_deploy_an_alias_name() {
        let f = Function::new("users-prod-login", "arn", "eu-west-1");
        let mut d = DeployDialog::open(f.clone(), false);
        assert!(d.problem().unwrap().contains("zip file or a directory"));
        d.field_mut().push_str("./build");
        d.next_field();
        d.field_mut().clear();
        d.field_mut().push('3');
        assert!(d.problem().unwrap().contains("alias"));
        d.field_mut().clear();
        d.field_mut().push_str("live");
        assert!(d.problem().is_none());
        assert!(
            d.change().is_none(),
            "nothing to plan before the package is read"
        );
        let local = DeployDialog::open(f, true);
        assert_eq!(local.field, Field::Alias);
        assert!(
            local.problem().is_none(),
            "a local deploy ships the working directory"
        );
    }
}
