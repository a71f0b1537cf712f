//! The logs view's state: the records of one function or a whole service, how they are shown
//! (flat or grouped by invocation, filtered, searched), and where the view stands.

pub mod buffer;
pub mod invocations;
pub mod search;
pub mod text;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use regex::Regex;

use crate::analysis::cost::invocation_cost;
use crate::analysis::logline::{level, request_id};
use crate::analysis::pricing::PricingTable;
use crate::analysis::report;
use crate::fleet::Function;
use crate::fleet::LogRecord;
use crate::fleet::cost_report::priced_as;
use crate::fleet::follow::FollowMode;

use super::state::View;
use buffer::{Buffer, Entry};
use invocations::Invocations;
use search::Search;

/// A line of the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// A record, by its index in the buffer.
    Record(u64),
    /// An invocation's header (grouped view), by its id.
    Invocation(u64),
}

/// How new records come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TailStatus {
    /// Reading the window's history.
    Reading,
    /// The history is in; following is starting (Live Tail or polling).
    Starting,
    Following(FollowMode),
}

#[derive(Debug, Clone)]
pub struct LogsPane {
    /// Messages of an earlier pane carry another session number and are dropped.
    pub session: u64,
    pub title: String,
    /// The functions shown; a record's `source` indexes this.
    pub functions: Vec<Function>,
    by_name: HashMap<String, u16>,
    streams: HashMap<String, Arc<str>>,
    pub since: String,
    pub since_ms: i64,
    /// Server-side filter pattern.
    pub pattern: Option<String>,
    /// Client-side filter: only records matching it are shown.
    pub grep: Option<Regex>,
    pub buffer: Buffer,
    pub invocations: Invocations,
    pub rows: VecDeque<Row>,
    rows_dirty: bool,
    pub grouped: bool,
    pub selected: usize,
    pub offset: usize,
    /// Sticks to the newest record until the operator scrolls.
    pub follow: bool,
    /// Records arriving while paused wait here (at most the buffer's cap).
    pub paused: bool,
    pub held: VecDeque<LogRecord>,
    pub pretty: bool,
    pub search: Option<Search>,
    /// The selection moves to the search's first hit once the search finds one.
    pub jump_pending: bool,
    pub status: TailStatus,
    /// The latest failure to read, if the last read failed.
    pub failure: Option<String>,
    pub received: u64,
    /// Where `back` goes.
    pub return_to: View,
}

impl LogsPane {
    pub fn new(
        session: u64,
        title: String,
        functions: Vec<Function>,
        (since, since_ms): (String, i64),
        cap: usize,
        return_to: View,
    ) -> LogsPane {
        let by_name = functions
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), i as u16))
            .collect();
        LogsPane {
            session,
            title,
            functions,
            by_name,
            streams: HashMap::new(),
            since,
            since_ms,
            pattern: None,
            grep: None,
            buffer: Buffer::new(cap),
            invocations: Invocations::default(),
            rows: VecDeque::new(),
            rows_dirty: false,
            grouped: false,
            selected: 0,
            offset: 0,
            follow: true,
            paused: false,
            held: VecDeque::new(),
            pretty: false,
            search: None,
            jump_pending: false,
            status: TailStatus::Reading,
            failure: None,
            received: 0,
            return_to,
        }
    }

    /// Whether records of several functions are shown (a source column then).
    pub fn several_sources(&self) -> bool {
        self.functions.len() > 1
    }

    /// Takes in new records (held while paused).
    pub fn receive(&mut self, records: Vec<LogRecord>, pricing: &PricingTable) {
        if self.status == TailStatus::Reading {
            self.status = TailStatus::Starting;
        }
        self.received += records.len() as u64;
        if self.paused {
            self.held.extend(records);
            while self.held.len() > self.buffer.cap() {
                self.held.pop_front();
            }
            return;
        }
        for r in records {
            self.append(r, pricing);
        }
    }

    fn append(&mut self, r: LogRecord, pricing: &PricingTable) {
        let Some(&source) = self.by_name.get(&r.function) else {
            return;
        };
        let stream = match self.streams.get(&r.log_stream) {
            Some(s) => s.clone(),
            None => {
                let s: Arc<str> = Arc::from(r.log_stream.as_str());
                self.streams.insert(r.log_stream.clone(), s.clone());
                s
            }
        };
        let index = self.buffer.head();
        let invocation = self
            .invocations
            .assign(source, &stream, request_id(&r.message), index);
        if let Some(report) = report::parse(&r.message) {
            let f = &self.functions[usize::from(source)];
            let cost = invocation_cost(&report, priced_as(f), pricing);
            self.invocations.set_report(invocation, report, cost);
        }
        let shown = self.passes(&r.message);
        let entry = Entry {
            timestamp_ms: r.timestamp_ms,
            source,
            stream,
            level: level(&r.message),
            message: r.message,
            invocation,
            hit: false,
        };
        let (_, evicted) = self.buffer.push(entry);
        if let Some(old) = evicted {
            self.forget(old);
        }
        if self.grouped {
            self.rows_dirty = true;
        } else if shown {
            self.rows.push_back(Row::Record(index));
        }
    }

    /// A record left the buffer: its row, its place in its invocation, its search hit.
    fn forget(&mut self, old: Entry) {
        let index = self.buffer.range().start - 1;
        self.invocations.evict(old.invocation, index);
        if let Some(s) = self.search.as_mut() {
            s.hits -= usize::from(old.hit && index < s.scanned);
        }
        if self.grouped {
            self.rows_dirty = true;
        } else if self.rows.front() == Some(&Row::Record(index)) {
            self.rows.pop_front();
            self.selected = self.selected.saturating_sub(1);
            self.offset = self.offset.saturating_sub(1);
        }
    }

    fn passes(&self, message: &str) -> bool {
        self.grep.as_ref().is_none_or(|g| g.is_match(message))
    }

    /// Rows are rebuilt on the next frame (grouping or the client filter changed).
    pub fn regroup(&mut self) {
        self.rows_dirty = true;
    }

    /// Brings the rows up to date and the selection into a page of `page` rows.
    pub fn prepare(&mut self, page: usize) {
        if self.rows_dirty {
            self.rebuild();
        }
        let page = page.max(1);
        if self.follow {
            // The newest record on the last line.
            self.selected = self.rows.len().saturating_sub(1);
            self.offset = self.rows.len().saturating_sub(page);
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }

    fn rebuild(&mut self) {
        self.rows_dirty = false;
        let keep = self.rows.get(self.selected).copied();
        let mut rows = VecDeque::with_capacity(self.rows.len());
        if self.grouped {
            for (id, inv) in self.invocations.iter() {
                let mut header = false;
                for &index in &inv.members {
                    let Some(e) = self.buffer.get(index) else {
                        continue;
                    };
                    if self.passes(&e.message) {
                        if !header {
                            rows.push_back(Row::Invocation(id));
                            header = true;
                        }
                        rows.push_back(Row::Record(index));
                    }
                }
            }
        } else {
            for (index, e) in self.buffer.iter() {
                if self.passes(&e.message) {
                    rows.push_back(Row::Record(index));
                }
            }
        }
        self.rows = rows;
        if !self.follow
            && let Some(at) = keep.and_then(|k| self.rows.iter().position(|r| *r == k))
        {
            self.selected = at;
        }
    }

    /// Moves the selection; scrolling up stops following, reaching the end starts it again.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.rows.len().saturating_sub(1);
        let to = self.selected.saturating_add_signed(delta).min(last);
        self.selected = to;
        self.follow = to == last && delta > 0 || self.rows.is_empty();
    }

    pub fn to_top(&mut self) {
        self.selected = 0;
        self.offset = 0;
        self.follow = false;
    }

    pub fn to_bottom(&mut self) {
        self.follow = true;
    }

    /// Pauses, or resumes with what arrived meanwhile.
    pub fn toggle_pause(&mut self, pricing: &PricingTable) {
        self.paused = !self.paused;
        if !self.paused {
            let held: Vec<LogRecord> = self.held.drain(..).collect();
            for r in held {
                self.append(r, pricing);
            }
        }
    }

    /// Searches the whole buffer from the oldest record on, a step at a time.
    pub fn set_search(&mut self, text: &str) {
        self.search = Search::new(text, self.buffer.range().start);
        self.search_step();
    }

    /// One step of a pending search; whether more remain.
    pub fn search_step(&mut self) -> bool {
        match self.search.as_mut() {
            Some(s) if s.pending(&self.buffer) => {
                s.step(&mut self.buffer, search::STEP);
                s.pending(&self.buffer)
            }
            _ => false,
        }
    }

    /// Whether a search is still testing records or the history is being read (the loop
    /// keeps ticking).
    pub fn busy(&self) -> bool {
        self.status == TailStatus::Reading || self.searching()
    }

    /// Whether a search is still testing records.
    pub fn searching(&self) -> bool {
        self.search
            .as_ref()
            .is_some_and(|s| s.pending(&self.buffer))
    }

    /// Selects the next (or previous) row that is a search hit, wrapping around; whether
    /// there was one.
    pub fn jump(&mut self, forward: bool) -> bool {
        let Some(search) = &self.search else {
            return false;
        };
        let n = self.rows.len();
        for step in 1..=n {
            let at = if forward {
                (self.selected + step) % n
            } else {
                (self.selected + n - step % n) % n
            };
            if let Row::Record(index) = self.rows[at]
                && search.is_hit(&self.buffer, index)
            {
                self.selected = at;
                self.follow = false;
                return true;
            }
        }
        false
    }

    /// The record under the selection.
    pub fn selected_entry(&self) -> Option<&Entry> {
        match self.rows.get(self.selected)? {
            Row::Record(index) => self.buffer.get(*index),
            Row::Invocation(id) => self
                .invocations
                .get(*id)
                .and_then(|g| g.members.front())
                .and_then(|i| self.buffer.get(*i)),
        }
    }
}
