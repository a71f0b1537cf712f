//! The one rule for the project's own files (`serverless.yml`, what `${file(…)}` reads, `.env`):
//! a regular file, after links, of at most 10 MB. It is opened without blocking and checked on
//! the open descriptor, so a FIFO never hangs the read, and a device, a directory or a huge file
//! is refused with what to do instead of eating memory.

use std::fmt;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// The most a project file may hold: far more than any `serverless.yml` or `.env` needs.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Why a project file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Nothing there (a fallback or a default may apply).
    Missing,
    /// Something there this reader refuses, or cannot read: the message says what to do.
    Refused(String),
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::Missing => write!(f, "it does not exist"),
            Unreadable::Refused(why) => write!(f, "{why}"),
        }
    }
}

/// The text of the project file at `path`, if it is a regular file of at most [`MAX_BYTES`].
pub fn read_text(path: &Path) -> Result<String, Unreadable> {
    let shown = path.display();
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Unreadable::Missing,
            _ => Unreadable::Refused(format!("cannot open {shown}: {e}")),
        })?;
    let meta = file
        .metadata()
        .map_err(|e| Unreadable::Refused(format!("cannot read {shown}: {e}")))?;
    let kind = meta.file_type();
    if !kind.is_file() {
        let what = if kind.is_dir() {
            "a directory"
        } else if kind.is_fifo() {
            "a FIFO (named pipe)"
        } else if kind.is_socket() {
            "a socket"
        } else if kind.is_char_device() || kind.is_block_device() {
            "a device"
        } else {
            "not a file"
        };
        return Err(Unreadable::Refused(format!(
            "{shown} is {what}, not a regular file; replace it with a regular file (or remove it)"
        )));
    }
    let too_big = || {
        Unreadable::Refused(format!(
            "{shown} holds more than {} MB, more than a project file may; make it smaller",
            MAX_BYTES / 1024 / 1024
        ))
    };
    if meta.len() > MAX_BYTES {
        return Err(too_big());
    }
    // The size on disk may be stale (a file still growing, a file of /proc): read one byte past
    // the limit at most.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    (&mut file)
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Unreadable::Refused(format!("cannot read {shown}: {e}")))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_big());
    }
    String::from_utf8(bytes)
        .map_err(|_| Unreadable::Refused(format!("{shown} is not UTF-8 text; save it as UTF-8")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "mfn-tui-project-file-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn refused(r: Result<String, Unreadable>) -> String {
        match r {
            Err(Unreadable::Refused(why)) => why,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn only_a_regular_file_within_the_limit_is_read() {
        let dir = scratch("kinds");
        std::fs::write(dir.join("ok.yml"), "a: 1\n").unwrap();
        std::os::unix::fs::symlink(dir.join("ok.yml"), dir.join("link.yml")).unwrap();
        assert_eq!(read_text(&dir.join("ok.yml")).unwrap(), "a: 1\n");
        assert_eq!(
            read_text(&dir.join("link.yml")).unwrap(),
            "a: 1\n",
            "a link to a regular file is read"
        );
        assert_eq!(read_text(&dir.join("none.yml")), Err(Unreadable::Missing));

        let fifo = std::ffi::CString::new(dir.join("pipe.yml").to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let why = refused(read_text(&dir.join("pipe.yml")));
        assert!(why.contains("pipe.yml is a FIFO"), "{why}");

        std::fs::create_dir(dir.join("sub.yml")).unwrap();
        let why = refused(read_text(&dir.join("sub.yml")));
        assert!(why.contains("a directory"), "{why}");

        std::os::unix::fs::symlink("/dev/zero", dir.join("zero.yml")).unwrap();
        let why = refused(read_text(&dir.join("zero.yml")));
        assert!(why.contains("zero.yml is a device"), "{why}");

        let big = std::fs::File::create(dir.join("big.yml")).unwrap();
        big.set_len(MAX_BYTES + 1).unwrap();
        let why = refused(read_text(&dir.join("big.yml")));
        assert!(why.contains("more than 10 MB"), "{why}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
