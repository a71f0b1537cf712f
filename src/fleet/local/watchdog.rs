//! The watchdog: a process that kills a fleet's marked processes once `mfn-tui` is gone,
//! however it went (`kill -9` included), so none outlives it.
//!
//! `mfn-tui` forks it (twice, so it is nobody's zombie) when a fleet opens; it holds the read
//! end of a pipe whose write end only the fleet holds (close-on-exec, so no environment
//! inherits it). When the fleet is dropped or the process dies, the kernel closes the write
//! end, the watchdog's read returns end-of-file, it sweeps the fleet's mark and exits. It is
//! the forked process itself, not a program: it does not depend on `current_exe` (a test
//! binary uses the library in-process), and after the fork it runs only system calls
//! ([`super::lineage::scan`] is async-signal-safe), as a fork of a threaded process must. It
//! leaves the terminal's session, so a ctrl-c meant for `mfn-tui` does not stop it first.

use std::os::fd::{FromRawFd, OwnedFd};

use super::lineage::{self, MAX_NEEDLE};

/// The fleet's end of the watchdog's pipe: dropping it (or dying) starts the sweep.
pub struct Watchdog {
    _pipe: OwnedFd,
}

impl Watchdog {
    /// Forks the watchdog of the processes whose environment holds `needle`.
    pub fn start(needle: &[u8]) -> std::io::Result<Watchdog> {
        if needle.is_empty() || needle.len() > MAX_NEEDLE {
            return Err(std::io::Error::other("a needle of 1 to 96 bytes"));
        }
        let mut copy = [0u8; MAX_NEEDLE];
        copy[..needle.len()].copy_from_slice(needle);
        let len = needle.len();
        let mut fds = [0; 2];
        // SAFETY: pipe2 writes two descriptors into `fds`.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let [read, write] = fds;
        // SAFETY: the child runs only async-signal-safe system calls and `_exit`s.
        let child = unsafe { libc::fork() };
        if child < 0 {
            let e = std::io::Error::last_os_error();
            // SAFETY: closing the descriptors just made.
            unsafe {
                libc::close(read);
                libc::close(write);
            }
            return Err(e);
        }
        if child == 0 {
            // SAFETY: in the forked child; see `watch`.
            unsafe { middle(read, write, &copy[..len]) }
        }
        // SAFETY: the middle child exits at once; reaping it, and closing our copy of the
        // read end, which only the watchdog keeps.
        unsafe {
            libc::close(read);
            let mut status = 0;
            while libc::waitpid(child, &mut status, 0) < 0
                && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
            {
            }
        }
        // SAFETY: `write` is ours alone from here.
        Ok(Watchdog {
            _pipe: unsafe { OwnedFd::from_raw_fd(write) },
        })
    }
}

/// The first child: forks the watchdog and exits, so the watchdog's parent is the reaper of
/// the system (or of `mfn-tui`'s caller), never `mfn-tui`.
unsafe fn middle(read: i32, write: i32, needle: &[u8]) -> ! {
    // SAFETY: system calls only.
    unsafe {
        if libc::fork() == 0 {
            watch(read, write, needle);
        }
        libc::_exit(0);
    }
}

/// The watchdog: its own session, its standard streams on `/dev/null`, every other descriptor
/// closed but the pipe's read end; waits for end-of-file, sweeps, exits.
unsafe fn watch(read: i32, write: i32, needle: &[u8]) -> ! {
    // SAFETY: system calls only, on descriptors this process owns.
    unsafe {
        libc::close(write);
        libc::setsid();
        libc::signal(libc::SIGINT, libc::SIG_IGN);
        libc::signal(libc::SIGHUP, libc::SIG_IGN);
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        // mfn-tui's own handlers (SIGTERM in `serve`) wrote to descriptors closed below.
        libc::signal(libc::SIGTERM, libc::SIG_DFL);
        libc::prctl(libc::PR_SET_NAME, c"mfn-tui-watch".as_ptr());
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if null >= 0 {
            for fd in 0..3 {
                libc::dup2(null, fd);
            }
        }
        // The pipe at 3, everything else closed: the watchdog holds no socket, pipe or file
        // of mfn-tui's open (an environment's output would otherwise never end).
        if read != 3 {
            libc::dup2(read, 3);
        }
        if libc::syscall(libc::SYS_close_range, 4u32, u32::MAX, 0u32) != 0 {
            for fd in 4..65_536 {
                libc::close(fd);
            }
        }
        let mut byte = 0u8;
        loop {
            let n = libc::read(3, (&raw mut byte).cast(), 1);
            if n == 0 || (n < 0 && *libc::__errno_location() != libc::EINTR) {
                break;
            }
        }
        lineage::sweep_rounds(needle);
        libc::_exit(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alive(pid: i32) -> bool {
        // A killed child of this test stays a zombie until reaped: alive means not one.
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
            s.rsplit(')')
                .next()
                .is_some_and(|r| !r.trim_start().starts_with('Z'))
        })
    }

    #[test]
    fn dropping_the_watchdogs_pipe_kills_what_carries_the_needle() {
        let mark = format!("watch-{}.1", std::process::id());
        let needle = format!("\0{}={mark}\0", lineage::MARK_VARIABLE);
        let watchdog = Watchdog::start(needle.as_bytes()).unwrap();
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .env(lineage::MARK_VARIABLE, &mark)
            .spawn()
            .unwrap();
        let pid = child.id() as i32;
        lineage::wait_until_marked(pid, &mark);
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(alive(pid), "the watchdog waits while its pipe is open");
        drop(watchdog);
        let status = child.wait().unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(libc::SIGKILL),
            "the watchdog killed it"
        );
    }
}
