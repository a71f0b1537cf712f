//! Search over the whole buffer, a slice at a time so input is never kept waiting: each step
//! tests at most [`STEP`] records and the loop handles keys between steps.

use regex::{Regex, RegexBuilder};

use super::buffer::Buffer;

/// Records one step tests.
pub const STEP: usize = 20_000;

#[derive(Debug, Clone)]
pub struct Search {
    pub text: String,
    pub regex: Regex,
    /// Records before this index have been tested.
    pub scanned: u64,
    /// Hits among the records held.
    pub hits: usize,
}

impl Search {
    /// A search for `text`: a regular expression, case-insensitive unless it has a capital
    /// (smart case); text that is not a valid expression is searched for literally.
    pub fn new(text: &str, from: u64) -> Option<Search> {
        if text.is_empty() {
            return None;
        }
        let smart = !text.chars().any(char::is_uppercase);
        let regex = RegexBuilder::new(text)
            .case_insensitive(smart)
            .build()
            .or_else(|_| {
                RegexBuilder::new(&regex::escape(text))
                    .case_insensitive(smart)
                    .build()
            })
            .ok()?;
        Some(Search {
            text: text.to_owned(),
            regex,
            scanned: from,
            hits: 0,
        })
    }

    /// Whether records are left to test.
    pub fn pending(&self, buffer: &Buffer) -> bool {
        self.scanned < buffer.head()
    }

    /// Tests up to `budget` records not yet tested.
    pub fn step(&mut self, buffer: &mut Buffer, budget: usize) {
        let start = self.scanned.max(buffer.range().start);
        let end = buffer.head().min(start + budget as u64);
        for index in start..end {
            if let Some(e) = buffer.get_mut(index) {
                e.hit = self.regex.is_match(&e.message);
                self.hits += usize::from(e.hit);
            }
        }
        self.scanned = end;
    }

    /// Whether the record at `index` is a known hit.
    pub fn is_hit(&self, buffer: &Buffer, index: u64) -> bool {
        index < self.scanned && buffer.get(index).is_some_and(|e| e.hit)
    }
}
