//! An environment's output, within Lambda's limits: its pipes read into log events of at most
//! [`EVENT_BYTES`] (a longer line is cut into several, in order, nothing lost; CloudWatch's
//! limit), each to the store and to the invocation's tail, of which only the last
//! [`TAIL_BYTES`] are kept (what `LogType=Tail` returns on AWS).

use std::collections::VecDeque;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

use super::store::{LogLine, Store};

/// The most a log event holds: CloudWatch's 256 KB less its 26 bytes of overhead per event.
pub const EVENT_BYTES: usize = 256 * 1024 - 26;

/// The most of an invocation's log its tail keeps: Lambda's 4 KB `LogResult`.
pub const TAIL_BYTES: usize = 4 * 1024;

/// An environment's log stream: each line goes to the store, and to the tail of the
/// invocation under way.
pub struct StreamLog {
    pub stream: String,
    group: Arc<str>,
    store: Store,
    tail: std::sync::Mutex<Tail>,
}

impl StreamLog {
    pub fn new(store: Store, group: Arc<str>, stream: String) -> StreamLog {
        StreamLog {
            stream,
            group,
            store,
            tail: std::sync::Mutex::new(Tail::default()),
        }
    }

    pub fn write(&self, message: String) {
        self.tail.lock().expect("the tail").push(&message);
        self.store.append(LogLine {
            group: self.group.clone(),
            stream: self.stream.clone(),
            timestamp_ms: crate::clock::now_ms(),
            message,
        });
    }

    /// The last [`TAIL_BYTES`] of the lines since the last call (joined by line breaks).
    pub fn take_tail(&self) -> Vec<String> {
        std::mem::take(&mut *self.tail.lock().expect("the tail"))
            .lines
            .into()
    }
}

/// The end of a log: whole lines, the oldest cut to its end, never more than [`TAIL_BYTES`]
/// with a line break after each but the last.
#[derive(Debug, Default)]
struct Tail {
    lines: VecDeque<String>,
    bytes: usize,
}

impl Tail {
    fn push(&mut self, line: &str) {
        let joined = |bytes: usize, lines: usize| bytes + lines.saturating_sub(1);
        let keep = line.len().min(TAIL_BYTES);
        self.lines.push_back(tail_of(line, keep).to_owned());
        self.bytes += self.lines.back().map_or(0, String::len);
        while joined(self.bytes, self.lines.len()) > TAIL_BYTES {
            let over = joined(self.bytes, self.lines.len()) - TAIL_BYTES;
            let several = self.lines.len() > 1;
            let Some(first) = self.lines.front_mut() else {
                break;
            };
            // The oldest line goes, or loses its start when that is enough.
            if first.len() > over && several {
                let kept = tail_of(first, first.len() - over).to_owned();
                self.bytes -= first.len() - kept.len();
                *first = kept;
            } else {
                self.bytes -= first.len();
                self.lines.pop_front();
            }
        }
    }
}

/// The last at most `n` bytes of `s`, starting on a character.
fn tail_of(s: &str, n: usize) -> &str {
    let mut start = s.len() - n.min(s.len());
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// Reads a pipe into log events, counting what it pulled off the pipe and what it made into
/// events, so a fence can wait for what was written before it.
pub struct Drain {
    fd: RawFd,
    counts: Arc<Counts>,
}

#[derive(Default)]
struct Counts {
    /// Bytes read off the pipe (some perhaps still in the reader's buffer).
    pulled: AtomicU64,
    /// Bytes written to the log as events.
    logged: AtomicU64,
    /// Bytes of an event begun, waiting for the rest of its line.
    held: AtomicU64,
    done: AtomicBool,
}

impl Drain {
    pub fn start<R: AsyncRead + AsRawFd + Unpin + Send + 'static>(
        pipe: Option<R>,
        log: Arc<StreamLog>,
    ) -> Drain {
        let counts = Arc::new(Counts::default());
        let fd = pipe.as_ref().map_or(-1, AsRawFd::as_raw_fd);
        let Some(pipe) = pipe else {
            counts.done.store(true, Ordering::SeqCst);
            return Drain { fd, counts };
        };
        let c = counts.clone();
        tokio::spawn(async move {
            let mut reader = BufReader::new(Counted {
                pipe,
                counts: c.clone(),
            });
            let mut event = Vec::with_capacity(8 * 1024);
            while let Ok(n) = read_event(&mut reader, &mut event, &c.held).await {
                if n == 0 {
                    break;
                }
                // Held bytes leave before they are logged: a fence may wait a moment longer,
                // never pass early.
                c.held.store(0, Ordering::SeqCst);
                log.write(message(&event));
                c.logged.fetch_add(n as u64, Ordering::SeqCst);
            }
            c.done.store(true, Ordering::SeqCst);
        });
        Drain { fd, counts }
    }

    /// Waits until what was written to the pipe so far is in the log (a line still missing
    /// its end is not waited for).
    pub async fn fence(&self) {
        let c = &self.counts;
        if c.done.load(Ordering::SeqCst) || self.fd < 0 {
            return;
        }
        // What the reader pulled, plus what is still in the pipe, read so that no byte moving
        // between the two is missed or counted twice.
        let mut target = 0;
        for _ in 0..3 {
            let before = c.pulled.load(Ordering::SeqCst);
            let mut pending: libc::c_int = 0;
            // SAFETY: FIONREAD on a pipe we own writes one int.
            let ok = unsafe { libc::ioctl(self.fd, libc::FIONREAD, &mut pending) } == 0;
            let pending = if ok { pending.max(0) as u64 } else { 0 };
            target = before + pending;
            if c.pulled.load(Ordering::SeqCst) == before {
                break;
            }
        }
        // The target is exact, so the deadline only guards against a reader that stopped; a
        // busy machine may take a while to log the last 64 KB of a pipe.
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut spins = 0;
        while c.logged.load(Ordering::SeqCst) + c.held.load(Ordering::SeqCst) < target
            && !c.done.load(Ordering::SeqCst)
            && Instant::now() < deadline
        {
            spins += 1;
            if spins < 64 {
                tokio::task::yield_now().await;
            } else {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
    }
}

/// A pipe that counts the bytes read off it.
struct Counted<R> {
    pipe: R,
    counts: Arc<Counts>,
}

impl<R: AsyncRead + Unpin> AsyncRead for Counted<R> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = std::pin::Pin::new(&mut self.pipe).poll_read(cx, buf);
        let read = buf.filled().len() - before;
        self.counts.pulled.fetch_add(read as u64, Ordering::SeqCst);
        polled
    }
}

/// The text of an event read off a pipe: its line break dropped, and the `\r` the runtimes put
/// for a record's own line breaks made `\n` again.
fn message(event: &[u8]) -> String {
    let text = String::from_utf8_lossy(event);
    text.strip_suffix('\n').unwrap_or(&text).replace('\r', "\n")
}

/// Reads the next event into `event`: up to and with a line break, or [`EVENT_BYTES`] (and
/// the line break if it comes next) of a longer line, cut before a character that would not
/// fit; `held` says how much of it is read while it waits for more. How many bytes it
/// consumed, 0 at the end.
async fn read_event<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
    event: &mut Vec<u8>,
    held: &AtomicU64,
) -> std::io::Result<usize> {
    event.clear();
    loop {
        held.store(event.len() as u64, Ordering::SeqCst);
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(event.len());
        }
        let room = EVENT_BYTES - event.len();
        // A line break right after a full event still ends it (it is not part of the text).
        let (take, ends) = match available.iter().take(room + 1).position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None if available.len() > room => (char_start(available, room), true),
            None => (available.len(), false),
        };
        event.extend_from_slice(&available[..take]);
        reader.consume(take);
        if ends && !event.is_empty() {
            return Ok(event.len());
        }
    }
}

/// Where to cut `bytes` at most `at` bytes in so that no UTF-8 character is split (at `at`
/// when the bytes are not UTF-8 there; never 0 for a non-empty cut).
fn char_start(bytes: &[u8], at: usize) -> usize {
    let is_continuation = |b: u8| b & 0xC0 == 0x80;
    let mut cut = at;
    while cut > 0 && at - cut < 3 && bytes.get(cut).is_some_and(|b| is_continuation(*b)) {
        cut -= 1;
    }
    if cut == 0 { at } else { cut }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_keeps_the_last_4_kb_ending_with_the_last_line() {
        let mut tail = Tail::default();
        for i in 0..10_000 {
            tail.push(&format!("line {i:05} {}", "x".repeat(50)));
        }
        tail.push("the last");
        let lines: Vec<String> = tail.lines.into();
        let joined = lines.join("\n");
        assert!(joined.len() <= TAIL_BYTES, "{}", joined.len());
        assert!(
            joined.len() > TAIL_BYTES - 60,
            "it is full: {}",
            joined.len()
        );
        assert!(joined.ends_with("\nthe last"), "{joined}");
        assert!(joined.contains("line 09999"), "{joined}");
    }

    #[test]
    fn a_line_longer_than_the_tail_keeps_its_end() {
        let mut tail = Tail::default();
        tail.push("before");
        tail.push(&format!("{}é{}", "a".repeat(9_000), "z".repeat(100)));
        let lines: Vec<String> = tail.lines.into();
        assert_eq!(lines.len(), 1, "the long line alone fills it");
        assert!(lines[0].len() <= TAIL_BYTES && lines[0].ends_with(&"z".repeat(100)));
    }

    #[tokio::test]
    async fn a_long_line_becomes_events_of_at_most_256_kb_with_every_byte() {
        // Two bytes a character, after one: a cut at 256 KB would fall inside one.
        let line = format!("x{}\n", "é".repeat(EVENT_BYTES));
        let input = format!("short\n{line}tail without a break");
        let mut reader = BufReader::with_capacity(7_000, input.as_bytes());
        let mut event = Vec::new();
        let mut events = Vec::new();
        loop {
            let n = read_event(&mut reader, &mut event, &AtomicU64::new(0))
                .await
                .unwrap();
            if n == 0 {
                break;
            }
            assert!(message(&event).len() <= EVENT_BYTES, "{}", event.len());
            events.push(String::from_utf8(event.clone()).expect("no character cut"));
        }
        assert_eq!(events.concat(), input, "every byte, in order");
        assert_eq!(events[0], "short\n");
        assert_eq!(
            events.len(),
            5,
            "short, three cuts of the long line, the rest"
        );
        assert_eq!(
            message(events.last().unwrap().as_bytes()),
            "tail without a break"
        );
    }
}
