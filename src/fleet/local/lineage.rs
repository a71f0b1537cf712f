//! Which processes a local fleet started, found however they left their parent: each
//! environment's runtime gets a mark, `MFN_TUI_ENV=FLEET.N`, in its environment, which every
//! descendant inherits (a `setsid` daemon, a double fork, a process that changed its group);
//! a sweep of `/proc` kills every process whose environment carries an environment's mark, or
//! any mark of the fleet.
//!
//! The sweep allocates nothing and calls only the kernel, so the watchdog (a forked copy of
//! `mfn-tui`, see [`super::watchdog`]) can run it too. A descendant that starts its own
//! children with an emptied environment drops the mark; the environment's process tree, walked
//! when it is killed, still finds those while their parent lives.

use std::sync::atomic::{AtomicU64, Ordering};

use super::watchdog::Watchdog;

/// The variable that marks an environment's processes.
pub const MARK_VARIABLE: &str = "MFN_TUI_ENV";

/// The longest needle a sweep looks for.
pub const MAX_NEEDLE: usize = 96;

/// Sweeps repeat until one finds nothing, at most this often (a process forking while it is
/// killed is found again by the next).
const ROUNDS: usize = 16;

/// The marks of one fleet's processes, and the watchdog that kills them if `mfn-tui` dies
/// without doing it.
pub struct Lineage {
    fleet: String,
    next: AtomicU64,
    _watchdog: Option<Watchdog>,
}

/// One environment's mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub value: String,
}

impl Lineage {
    /// A fleet's marks, unique to this process and fleet, and its watchdog (none when it
    /// could not start; a warning says so).
    pub fn start() -> Lineage {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let fleet = format!("{}-{}", std::process::id(), &unique[..12]);
        let watchdog = match Watchdog::start(&fleet_needle(&fleet)) {
            Ok(w) => Some(w),
            Err(e) => {
                tracing::warn!(error = %e, "no watchdog: a kill -9 of mfn-tui may leave environments running");
                None
            }
        };
        Lineage {
            fleet,
            next: AtomicU64::new(1),
            _watchdog: watchdog,
        }
    }

    /// The mark of a new environment.
    pub fn mark(&self) -> Mark {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        Mark {
            value: format!("{}.{n}", self.fleet),
        }
    }

    /// Kills every process of the fleet; how many were signalled.
    pub fn sweep(&self) -> usize {
        sweep_rounds(&fleet_needle(&self.fleet))
    }
}

impl Drop for Lineage {
    fn drop(&mut self) {
        self.sweep();
    }
}

impl Mark {
    /// Kills every process carrying this mark; how many were signalled.
    pub fn sweep(&self) -> usize {
        sweep_rounds(&needle(&self.value, true))
    }
}

/// `\0MFN_TUI_ENV=FLEET.`: any mark of the fleet (an environ entry starts after a NUL; the
/// sweep puts one before the first).
fn fleet_needle(fleet: &str) -> Vec<u8> {
    needle(&format!("{fleet}."), false)
}

/// The bytes a sweep looks for: the whole entry (`…=VALUE\0`) or its start.
fn needle(value: &str, whole: bool) -> Vec<u8> {
    let mut n = format!("\0{MARK_VARIABLE}={value}").into_bytes();
    if whole {
        n.push(0);
    }
    assert!(n.len() <= MAX_NEEDLE, "a mark's needle is short");
    n
}

/// Sweeps until a round finds nothing, a few milliseconds apart so the kills land; how many
/// signals were sent (a process still dying is signalled again). Async-signal-safe.
pub fn sweep_rounds(needle: &[u8]) -> usize {
    let mut total = 0;
    for _ in 0..ROUNDS {
        let n = scan(needle, true);
        total += n;
        if n == 0 {
            break;
        }
        let pause = libc::timespec {
            tv_sec: 0,
            tv_nsec: 5_000_000,
        };
        // SAFETY: nanosleep reads the timespec on the stack.
        unsafe { libc::nanosleep(&pause, std::ptr::null_mut()) };
    }
    total
}

/// The processes (but this one) whose environment holds `needle`, killed when `kill`; how many.
///
/// Async-signal-safe: raw system calls and buffers on the stack, nothing allocated, no lock.
pub fn scan(needle: &[u8], kill: bool) -> usize {
    // SAFETY: every call below is a plain system call on buffers owned by this frame.
    unsafe {
        let proc_dir = libc::open(
            c"/proc".as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        );
        if proc_dir < 0 {
            return 0;
        }
        let me = libc::getpid();
        let mut found = 0;
        let mut entries = [0u8; 8192];
        loop {
            let n = libc::syscall(
                libc::SYS_getdents64,
                proc_dir,
                entries.as_mut_ptr(),
                entries.len(),
            );
            if n <= 0 {
                break;
            }
            let mut at = 0usize;
            while at + 19 < n as usize {
                // linux_dirent64: d_ino u64, d_off i64, d_reclen u16, d_type u8, d_name.
                let reclen = u16::from_ne_bytes([entries[at + 16], entries[at + 17]]) as usize;
                if reclen == 0 {
                    break;
                }
                let name = &entries[at + 19..(at + reclen).min(n as usize)];
                let name = &name[..name.iter().position(|b| *b == 0).unwrap_or(name.len())];
                at += reclen;
                let Some(pid) = parse_pid(name) else { continue };
                if pid == me || !environ_holds(name, needle) {
                    continue;
                }
                found += 1;
                if kill {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        }
        libc::close(proc_dir);
        found
    }
}

fn parse_pid(name: &[u8]) -> Option<i32> {
    if name.is_empty() || name.len() > 10 || !name.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut pid: i64 = 0;
    for b in name {
        pid = pid * 10 + i64::from(b - b'0');
    }
    i32::try_from(pid).ok()
}

/// Whether `/proc/PID/environ` holds `needle`, read in chunks (a NUL before the first entry).
fn environ_holds(pid: &[u8], needle: &[u8]) -> bool {
    let mut path = [0u8; 32];
    let parts: [&[u8]; 3] = [b"/proc/", pid, b"/environ"];
    let mut len = 0;
    for part in parts {
        if len + part.len() >= path.len() {
            return false;
        }
        path[len..len + part.len()].copy_from_slice(part);
        len += part.len();
    }
    if needle.is_empty() || needle.len() > MAX_NEEDLE {
        return false;
    }
    // SAFETY: `path` is NUL-terminated; each read fills the part of the buffer it is given.
    unsafe {
        let fd = libc::open(path.as_ptr().cast(), libc::O_RDONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return false;
        }
        let found = stream_holds(
            |buf| libc::read(fd, buf.as_mut_ptr().cast(), buf.len()),
            needle,
        );
        libc::close(fd);
        found
    }
}

/// Whether the bytes `read` gives (a NUL before them) hold `needle` (at most [`MAX_NEEDLE`]
/// bytes), found across reads with a window on the stack.
fn stream_holds(mut read: impl FnMut(&mut [u8]) -> isize, needle: &[u8]) -> bool {
    let mut window = [0u8; 4096 + MAX_NEEDLE];
    let mut held = 1; // the NUL before the first entry
    loop {
        let n = read(&mut window[held..]);
        if n <= 0 {
            return false;
        }
        let end = held + n as usize;
        if window[..end].windows(needle.len()).any(|w| w == needle) {
            return true;
        }
        let keep = (needle.len() - 1).min(end);
        window.copy_within(end - keep..end, 0);
        held = keep;
    }
}

/// The process and its descendants, as their parents know them now.
pub fn tree(pid: i32) -> Vec<i32> {
    let mut all = vec![pid];
    let mut at = 0;
    while at < all.len() && all.len() < 256 {
        let p = all[at];
        at += 1;
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            if let Ok(children) = std::fs::read_to_string(task.path().join("children")) {
                all.extend(
                    children
                        .split_whitespace()
                        .filter_map(|c| c.parse::<i32>().ok()),
                );
            }
        }
    }
    all
}

/// Waits until `pid` carries `mark` in its environment: until a spawned child has exec'd, its
/// environment is still its parent's, and no sweep can find it.
#[cfg(test)]
pub(super) fn wait_until_marked(pid: i32, mark: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !std::fs::read(format!("/proc/{pid}/environ"))
        .is_ok_and(|e| e.windows(mark.len()).any(|w| w == mark.as_bytes()))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{pid} never took {mark}"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_finds_a_marked_process_and_only_its_own_mark() {
        let mark = format!("unit-{}.7", std::process::id());
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .env(MARK_VARIABLE, &mark)
            .spawn()
            .unwrap();
        let pid = child.id() as i32;
        wait_until_marked(pid, &mark);
        let other = needle(&format!("unit-{}.70", std::process::id()), true);
        assert_eq!(
            scan(&other, false),
            0,
            "the mark of environment 70 is not 7's"
        );
        assert_eq!(scan(&needle(&mark, true), false), 1);
        let fleet = needle(&format!("unit-{}.", std::process::id()), false);
        assert!(sweep_rounds(&fleet) >= 1, "the fleet's needle kills it");
        let status = child.wait().unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(libc::SIGKILL),
            "pid {pid} was killed"
        );
        assert_eq!(scan(&fleet, false), 0, "a reaped process is gone");
    }

    #[test]
    fn a_needle_split_across_reads_is_still_found() {
        let environ = b"PATH=/bin\0MFN_TUI_ENV=f.12\0HOME=/h\0";
        for chunk in 1..environ.len() {
            let mut at = 0;
            let read = |buf: &mut [u8]| {
                let n = chunk.min(buf.len()).min(environ.len() - at);
                buf[..n].copy_from_slice(&environ[at..at + n]);
                at += n;
                n as isize
            };
            assert!(
                stream_holds(read, &needle("f.12", true)),
                "chunks of {chunk}"
            );
        }
        let first = b"MFN_TUI_ENV=f.1\0";
        let mut once = Some(&first[..]);
        let read = |buf: &mut [u8]| match once.take() {
            Some(b) => {
                buf[..b.len()].copy_from_slice(b);
                b.len() as isize
            }
            None => 0,
        };
        assert!(stream_holds(read, &needle("f.", false)), "the first entry");
        let mut once = Some(&environ[..]);
        let read = |buf: &mut [u8]| match once.take() {
            Some(b) => {
                buf[..b.len()].copy_from_slice(b);
                b.len() as isize
            }
            None => 0,
        };
        assert!(!stream_holds(read, &needle("f.1", true)), "f.12 is not f.1");
    }
}
