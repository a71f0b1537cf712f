//! Records already handed on, so that none is handed on twice: polled ones by event id, and all
//! by content (stream and message), since Live Tail events carry no id.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};

use crate::fleet::LogRecord;

/// How a record came.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    Polled,
    Live,
}

/// Records handed on, by time. A polled record repeats a polled one with its id, or a live one
/// with its content; a live record repeats a polled one with its content.
#[derive(Default)]
pub(super) struct Seen {
    by_time: BTreeMap<i64, HashSet<(u8, u64)>>,
}

const ID: u8 = 0;
const POLLED: u8 = 1;
const LIVE: u8 = 2;

impl Seen {
    /// Whether `r` is new; it counts as seen from now on.
    pub(super) fn fresh(&mut self, r: &LogRecord, origin: Origin) -> bool {
        let content = hash(&(&r.log_stream, &r.message));
        let keys = self.by_time.entry(r.timestamp_ms).or_default();
        let repeat = match origin {
            Origin::Polled => {
                keys.contains(&(ID, hash(&r.event_id))) || keys.contains(&(LIVE, content))
            }
            Origin::Live => keys.contains(&(POLLED, content)),
        };
        if !repeat {
            match origin {
                Origin::Polled => {
                    keys.insert((ID, hash(&r.event_id)));
                    keys.insert((POLLED, content));
                }
                Origin::Live => {
                    keys.insert((LIVE, content));
                }
            }
        }
        !repeat
    }

    /// The newest time of a record handed on.
    pub(super) fn newest(&self) -> Option<i64> {
        self.by_time.keys().next_back().copied()
    }

    /// Forgets records older than `t` (reads never reach back past it again).
    pub(super) fn forget_before(&mut self, t: i64) {
        self.by_time = self.by_time.split_off(&t);
    }
}

fn hash(value: &impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(t: i64, id: &str, message: &str) -> LogRecord {
        LogRecord {
            timestamp_ms: t,
            function: "f".into(),
            log_stream: "s".into(),
            event_id: id.into(),
            message: message.into(),
        }
    }

    #[test]
    fn a_record_is_handed_on_once_whichever_way_it_came() {
        let mut seen = Seen::default();
        assert!(seen.fresh(&record(1, "a", "x"), Origin::Polled));
        assert!(!seen.fresh(&record(1, "a", "x"), Origin::Polled));
        assert!(!seen.fresh(&record(1, "", "x"), Origin::Live));
        assert!(seen.fresh(&record(2, "", "y"), Origin::Live));
        assert!(!seen.fresh(&record(2, "b", "y"), Origin::Polled));
        // Two polled records with the same text are two records.
        assert!(seen.fresh(&record(3, "c", "z"), Origin::Polled));
        assert!(seen.fresh(&record(3, "d", "z"), Origin::Polled));
        seen.forget_before(3);
        assert_eq!(seen.by_time.len(), 1);
    }
}
