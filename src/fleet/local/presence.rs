//! Which process serves a local fleet: `serve` holds a lock on `serve.lock` in the fleet's state
//! directory (released by the kernel when it ends, however it ends) with its gateway's address
//! in it, so a dashboard opened on the same directory attaches to it instead of starting a
//! second gateway on the same port, and a second `serve` is refused.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

/// The lock of the process serving a fleet; dropping it releases the fleet.
pub struct Presence {
    file: File,
    path: PathBuf,
}

fn lock_path(state_dir: &Path) -> PathBuf {
    state_dir.join("serve.lock")
}

/// Takes `file`'s lock without waiting: shared or exclusive; false when another holds it.
fn try_lock(file: &File, exclusive: bool) -> bool {
    let kind = if exclusive {
        libc::LOCK_EX
    } else {
        libc::LOCK_SH
    };
    // SAFETY: flock on a descriptor we own.
    unsafe { libc::flock(file.as_raw_fd(), kind | libc::LOCK_NB) == 0 }
}

impl Presence {
    /// Claims the fleet in `state_dir` for this process, serving at `url`; why not when another
    /// process serves it already.
    pub fn claim(state_dir: &Path, url: &str) -> Result<Presence, String> {
        let path = lock_path(state_dir);
        std::fs::create_dir_all(state_dir).map_err(|e| format!("{}: {e}", state_dir.display()))?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if !try_lock(&file, true) {
            let other = served_at(&mut file).unwrap_or_default();
            return Err(format!(
                "this fleet is already served by another `mfn-tui serve` ({other}); stop it first, or open the dashboard, which attaches to it"
            ));
        }
        file.set_len(0).map_err(|e| e.to_string())?;
        file.rewind().map_err(|e| e.to_string())?;
        writeln!(file, "{url} pid {}", std::process::id()).map_err(|e| e.to_string())?;
        Ok(Presence { file, path })
    }

    /// The gateway of the process serving the fleet in `state_dir`, if one does.
    pub fn find(state_dir: &Path) -> Option<String> {
        let mut file = File::open(lock_path(state_dir)).ok()?;
        if try_lock(&file, false) {
            return None;
        }
        served_at(&mut file)?
            .split_whitespace()
            .next()
            .map(str::to_owned)
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = std::fs::remove_file(&self.path);
    }
}

fn served_at(file: &mut File) -> Option<String> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}
