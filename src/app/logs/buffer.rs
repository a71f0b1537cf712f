//! The logs view's records: a ring buffer with a cap, each record classified once on arrival
//! and addressed by an absolute index that survives eviction.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::Arc;

use crate::analysis::logline::Level;

/// One record as the view keeps it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub timestamp_ms: i64,
    /// Index of the function in the pane's sources.
    pub source: u16,
    pub stream: Arc<str>,
    pub message: String,
    pub level: Level,
    /// The invocation the record belongs to (see [`super::invocations`]).
    pub invocation: u64,
    /// Matches the search (valid for records the search has scanned).
    pub hit: bool,
}

/// At most `cap` entries, the oldest dropped first.
#[derive(Debug, Clone)]
pub struct Buffer {
    entries: VecDeque<Entry>,
    /// Absolute index of `entries[0]`.
    base: u64,
    cap: usize,
}

impl Buffer {
    pub fn new(cap: usize) -> Buffer {
        Buffer {
            entries: VecDeque::new(),
            base: 0,
            cap: cap.max(1),
        }
    }

    /// Appends `entry`; returns its index and the entry dropped to make room, if any.
    pub fn push(&mut self, entry: Entry) -> (u64, Option<Entry>) {
        let evicted = if self.entries.len() == self.cap {
            self.base += 1;
            self.entries.pop_front()
        } else {
            None
        };
        self.entries.push_back(entry);
        (self.base + self.entries.len() as u64 - 1, evicted)
    }

    /// The index the next entry will get.
    pub fn head(&self) -> u64 {
        self.base + self.entries.len() as u64
    }

    /// Indexes of the entries held.
    pub fn range(&self) -> Range<u64> {
        self.base..self.head()
    }

    pub fn get(&self, index: u64) -> Option<&Entry> {
        let i = usize::try_from(index.checked_sub(self.base)?).ok()?;
        self.entries.get(i)
    }

    pub fn get_mut(&mut self, index: u64) -> Option<&mut Entry> {
        let i = usize::try_from(index.checked_sub(self.base)?).ok()?;
        self.entries.get_mut(i)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    pub fn iter(&self) -> impl Iterator<Item = (u64, &Entry)> {
        (self.base..).zip(self.entries.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: i64) -> Entry {
        Entry {
            timestamp_ms: n,
            source: 0,
            stream: Arc::from("s"),
            message: n.to_string(),
            level: Level::Info,
            invocation: 0,
            hit: false,
        }
    }

    #[test]
    fn the_oldest_go_first_and_indexes_stay_put() {
        let mut b = Buffer::new(3);
        for n in 0..3 {
            let (index, evicted) = b.push(entry(n));
            assert_eq!(index, n as u64);
            assert!(evicted.is_none());
        }
        let (index, evicted) = b.push(entry(3));
        assert_eq!(index, 3);
        assert_eq!(evicted.map(|e| e.timestamp_ms), Some(0));
        assert_eq!(b.range(), 1..4);
        assert!(b.get(0).is_none());
        assert_eq!(b.get(3).map(|e| e.timestamp_ms), Some(3));
        assert_eq!(b.len(), 3);
    }
}
