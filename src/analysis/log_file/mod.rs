//! REPORT records read from log files (CloudWatch Logs exports, `aws logs tail` output, the
//! dashboard's saved logs, `mfn-tui logs` output) and folded into the same statistics the AWS
//! read gives. Only lines that hold `REPORT` or `platform.report` (found with a vectorised
//! substring search over whole chunks) are looked at; the rest cost nothing but that search.
//! Memory is bounded by the number of functions, never by the size of the file.

mod chunks;
mod line;
mod time;

use std::borrow::Cow;
use std::collections::HashMap;

use memchr::memmem::Finder;

use super::latency::{LatencyStats, Window};
use super::report::InvocationReport;

pub use chunks::{CHUNK_BYTES, LineChunks};
pub use line::{Line, read as read_line};
pub use time::parse_time;

/// The time a read keeps: records at `start_ms` or after and before `end_ms`; each bound open
/// when absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bounds {
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
}

impl Bounds {
    fn narrows(&self) -> bool {
        self.start_ms.is_some() || self.end_ms.is_some()
    }

    fn contains(&self, t: i64) -> bool {
        self.start_ms.is_none_or(|s| t >= s) && self.end_ms.is_none_or(|e| t < e)
    }
}

/// The REPORT records of a file, per function, and what could not be counted.
#[derive(Debug, Clone)]
pub struct FileReports {
    bounds: Bounds,
    /// Names the records whose line names no function.
    default_function: Option<String>,
    by_function: HashMap<String, LatencyStats>,
    /// Records no line and no default named.
    unnamed: LatencyStats,
    /// Lines that hold a REPORT record that could not be read.
    pub malformed: u64,
    /// Records with no time, left out because a window was asked for.
    pub untimed_left_out: u64,
    /// Records outside the window asked for.
    pub outside: u64,
    /// The first and last record counted, by time.
    span: Option<(i64, i64)>,
    text_mark: Finder<'static>,
    json_mark: Finder<'static>,
}

impl FileReports {
    pub fn new(bounds: Bounds, default_function: Option<String>) -> Self {
        FileReports {
            bounds,
            default_function,
            by_function: HashMap::new(),
            unnamed: stats(),
            malformed: 0,
            untimed_left_out: 0,
            outside: 0,
            span: None,
            text_mark: Finder::new(b"REPORT"),
            json_mark: Finder::new(b"platform.report"),
        }
    }

    /// Reads the records among `bytes`, a run of whole lines.
    pub fn scan(&mut self, bytes: &[u8]) {
        let find = |finder: &Finder, from: usize| finder.find(&bytes[from..]).map(|i| from + i);
        let (mut text, mut json) = (find(&self.text_mark, 0), find(&self.json_mark, 0));
        while let Some(at) = text.into_iter().chain(json).min() {
            let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
            let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
            self.line(&bytes[start..end]);
            let next = end + 1;
            if next >= bytes.len() {
                break;
            }
            // Each mark is looked for again only once passed: a chunk is searched once per mark.
            if text.is_some_and(|t| t < next) {
                text = find(&self.text_mark, next);
            }
            if json.is_some_and(|j| j < next) {
                json = find(&self.json_mark, next);
            }
        }
    }

    fn line(&mut self, bytes: &[u8]) {
        // Valid UTF-8 (the common case) is checked far faster than a lossy copy is made.
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(bytes),
        };
        match read_line(&text) {
            Line::Record {
                report,
                time_ms,
                function,
            } => self.add(&report, time_ms, function),
            Line::Malformed => self.malformed += 1,
            Line::Other => {}
        }
    }

    /// Counts one record under its function, if it falls in the window.
    pub fn add(
        &mut self,
        report: &InvocationReport,
        time_ms: Option<i64>,
        function: Option<Cow<'_, str>>,
    ) {
        match time_ms {
            Some(t) if !self.bounds.contains(t) => {
                self.outside += 1;
                return;
            }
            Some(t) => {
                self.span = Some(self.span.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
            }
            None if self.bounds.narrows() => {
                self.untimed_left_out += 1;
                return;
            }
            None => {}
        }
        let stats = match function.as_deref().or(self.default_function.as_deref()) {
            Some(name) => {
                if !self.by_function.contains_key(name) {
                    self.by_function.insert(name.to_owned(), stats());
                }
                self.by_function.get_mut(name).expect("just inserted")
            }
            None => &mut self.unnamed,
        };
        // One time bucket: the series is not shown, and the window is known only at the end.
        stats.record(report, 0);
    }

    /// Adds the records another part of the same file brought.
    pub fn merge(&mut self, other: FileReports) {
        for (name, s) in other.by_function {
            self.by_function.entry(name).or_insert_with(stats).merge(&s);
        }
        self.unnamed.merge(&other.unnamed);
        self.malformed += other.malformed;
        self.untimed_left_out += other.untimed_left_out;
        self.outside += other.outside;
        self.span = match (self.span, other.span) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (a, b) => a.or(b),
        };
    }

    /// The window the figures cover: the bounds asked for, else the records' own span (end
    /// exclusive, as every window); `None` when neither says.
    pub fn window(&self) -> Option<Window> {
        let start_ms = self.bounds.start_ms.or(self.span.map(|s| s.0))?;
        let end_ms = self.bounds.end_ms.or(self.span.map(|s| s.1 + 1))?;
        Some(Window { start_ms, end_ms })
    }

    /// Statistics per function name, `None` for records no line named; functions with no
    /// record are left out.
    pub fn functions(&self) -> impl Iterator<Item = (Option<&str>, &LatencyStats)> {
        let named = self.by_function.iter().map(|(n, s)| (Some(n.as_str()), s));
        let unnamed = (self.unnamed.invocations > 0).then_some((None, &self.unnamed));
        named.chain(unnamed)
    }

    /// Records counted, all functions together.
    pub fn records(&self) -> u64 {
        self.functions().map(|(_, s)| s.invocations).sum()
    }
}

fn stats() -> LatencyStats {
    LatencyStats::new(
        Window {
            start_ms: 0,
            end_ms: 1,
        },
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(id: u32, ms: f64) -> String {
        format!(
            "REPORT RequestId: {id}\tDuration: {ms:.2} ms\tBilled Duration: {} ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t",
            ms.ceil()
        )
    }

    #[test]
    fn only_lines_with_a_mark_are_read_and_each_once() {
        let mut text = String::new();
        for i in 0..100 {
            text.push_str(&format!(
                "2026-11-28T10:00:{:02}.000Z START RequestId: {i}\n",
                i % 60
            ));
            // A REPORT and a platform.report mark on one line: one record.
            text.push_str(&format!(
                "2026-11-28T10:00:{:02}.000Z {} platform.report\n",
                i % 60,
                report(i, 10.0)
            ));
        }
        let mut r = FileReports::new(Bounds::default(), None);
        r.scan(text.as_bytes());
        assert_eq!(r.records(), 100);
        assert_eq!(r.malformed, 0);
    }

    #[test]
    fn records_are_attributed_by_line_then_by_default_else_unnamed() {
        let lines = format!(
            "2026-11-28T10:00:00.000Z orders {}\n2026-11-28T10:00:01.000Z {}\n",
            report(1, 5.0),
            report(2, 6.0)
        );
        let mut r = FileReports::new(Bounds::default(), None);
        r.scan(lines.as_bytes());
        let names: Vec<Option<&str>> = r.functions().map(|(n, _)| n).collect();
        assert_eq!(names, vec![Some("orders"), None]);
        let mut r = FileReports::new(Bounds::default(), Some("users".into()));
        r.scan(lines.as_bytes());
        let mut names: Vec<Option<&str>> = r.functions().map(|(n, _)| n).collect();
        names.sort();
        assert_eq!(names, vec![Some("orders"), Some("users")]);
    }

    #[test]
    fn the_window_is_the_records_span_unless_bounds_narrow_it() {
        let lines = format!(
            "2026-11-28T10:00:00.000Z {}\n2026-11-28T11:00:00.000Z {}\n{}\n",
            report(1, 5.0),
            report(2, 6.0),
            report(3, 7.0)
        );
        let t0 = parse_time("2026-11-28T10:00:00Z").unwrap();
        let mut r = FileReports::new(Bounds::default(), None);
        r.scan(lines.as_bytes());
        assert_eq!(r.records(), 3);
        assert_eq!(
            r.window(),
            Some(Window {
                start_ms: t0,
                end_ms: t0 + 3_600_001
            })
        );
        let bounds = Bounds {
            start_ms: Some(t0 + 1),
            end_ms: None,
        };
        let mut r = FileReports::new(bounds, None);
        r.scan(lines.as_bytes());
        assert_eq!((r.records(), r.outside, r.untimed_left_out), (1, 1, 1));
        assert_eq!(r.window().unwrap().start_ms, t0 + 1);
    }

    #[test]
    fn parts_merge_into_the_whole() {
        let lines: Vec<String> = (0..10)
            .map(|i| format!("2026-11-28T10:00:0{i}.000Z f{} {}\n", i % 3, report(i, 5.0)))
            .collect();
        let mut whole = FileReports::new(Bounds::default(), None);
        whole.scan(lines.concat().as_bytes());
        let (mut a, mut b) = (
            FileReports::new(Bounds::default(), None),
            FileReports::new(Bounds::default(), None),
        );
        a.scan(lines[..4].concat().as_bytes());
        b.scan(lines[4..].concat().as_bytes());
        a.merge(b);
        assert_eq!(a.window(), whole.window());
        let sorted = |r: &FileReports| {
            let mut v: Vec<(Option<String>, LatencyStats)> = r
                .functions()
                .map(|(n, s)| (n.map(str::to_owned), s.clone()))
                .collect();
            v.sort_by(|x, y| x.0.cmp(&y.0));
            v
        };
        assert_eq!(sorted(&a), sorted(&whole));
    }
}
