//! What reading one `serverless.yml` found besides its service: the problems that keep it
//! from running (all of them, in one pass) and notes on what was read past.

use std::cell::RefCell;
use std::collections::BTreeMap;

/// A problem already recorded; whatever needed the value goes on without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Reported;

/// A key's value: absent, present, or wrong (and recorded).
pub(super) type Field<T> = Result<Option<T>, Reported>;

#[derive(Debug, Default)]
pub(super) struct Findings {
    errors: RefCell<Vec<String>>,
    notes: RefCell<Vec<String>>,
    /// Keys read past (functions' keys as `functions.*.KEY`), each with what it means here.
    past: RefCell<BTreeMap<String, Option<&'static str>>>,
}

impl Findings {
    pub fn error(&self, message: impl Into<String>) -> Reported {
        self.errors.borrow_mut().push(message.into());
        Reported
    }

    pub fn note(&self, message: impl Into<String>) {
        self.notes.borrow_mut().push(message.into());
    }

    /// A key that only matters to a deployment; `hint` says what that means here.
    pub fn past(&self, key: String, hint: Option<&'static str>) {
        self.past.borrow_mut().insert(key, hint);
    }

    pub fn error_count(&self) -> usize {
        self.errors.borrow().len()
    }

    /// The problems, and the notes: first one listing every key read past, once.
    pub fn finish(self) -> (Vec<String>, Vec<String>) {
        let past = self.past.into_inner();
        let mut notes = Vec::new();
        if !past.is_empty() {
            let keys: Vec<String> = past
                .into_iter()
                .map(|(key, hint)| match hint {
                    Some(h) => format!("`{key}` ({h})"),
                    None => format!("`{key}`"),
                })
                .collect();
            notes.push(format!(
                "read past, as only a deployment uses them: {}",
                keys.join(", ")
            ));
        }
        notes.extend(self.notes.into_inner());
        (self.errors.into_inner(), notes)
    }
}
