//! A function's code as a directory: its digest (the same files give the same SHA-256,
//! whatever their order on disk or their timestamps) and immutable copies for versions, made
//! off the async runtime and stopped with the fleet.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::fleet::walk::{Cancel, Limits, Reach, walk};

/// The files of `dir`: links followed (to a shared library beside it too), never round a
/// cycle, within Lambda's limits, until `cancel`led.
fn files(dir: &Path, cancel: &Cancel) -> Result<Vec<PathBuf>, String> {
    Ok(walk(dir, Reach::Anywhere, &Limits::PACKAGE, cancel)?.files)
}

/// SHA-256 (base64, as Lambda's `CodeSha256`) of the directory's files, paths and contents, in
/// a canonical order, and their total size; stops as soon as `cancel` is set.
pub fn digest(dir: &Path, cancel: &Cancel) -> Result<(String, i64), String> {
    let mut hash = Sha256::new();
    let mut size = 0i64;
    let mut chunk = vec![0u8; 1 << 20];
    for rel in files(dir, cancel)? {
        let bytes = read(&dir.join(&rel), &mut chunk, cancel)
            .map_err(|e| format!("{}: {e}", rel.display()))?;
        hash.update(rel.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
        size += bytes.len() as i64;
    }
    Ok((
        base64::engine::general_purpose::STANDARD.encode(hash.finalize()),
        size,
    ))
}

/// A file's bytes, read a chunk at a time so a cancel is seen within one.
fn read(path: &Path, chunk: &mut [u8], cancel: &Cancel) -> Result<Vec<u8>, String> {
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    loop {
        cancel.check()?;
        match file.read(chunk) {
            Ok(0) => return Ok(bytes),
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// The digests of `dirs`, each walked once, on a blocking thread so the async runtime keeps
/// answering; a directory that cannot be digested (or a walk cancelled) has none.
pub async fn digests(dirs: Vec<PathBuf>, cancel: Cancel) -> HashMap<PathBuf, (String, i64)> {
    off_runtime(move || {
        let mut out = HashMap::new();
        for dir in dirs {
            if out.contains_key(&dir) {
                continue;
            }
            if let Ok(d) = digest(&dir, &cancel) {
                out.insert(dir, d);
            }
        }
        Ok(out)
    })
    .await
    .unwrap_or_default()
}

/// Copies the code of `from` to `to` (which must not exist), written to a temporary name first
/// so a half-made copy never passes for a version; stops as soon as `cancel` is set.
pub fn copy(from: &Path, to: &Path, cancel: &Cancel) -> Result<(), String> {
    let partial = to.with_extension("partial");
    let _ = std::fs::remove_dir_all(&partial);
    for rel in files(from, cancel)? {
        cancel.check()?;
        let target = partial.join(&rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::copy(from.join(&rel), &target).map_err(|e| format!("{}: {e}", rel.display()))?;
    }
    std::fs::create_dir_all(&partial).map_err(|e| e.to_string())?;
    std::fs::rename(&partial, to).map_err(|e| format!("{}: {e}", to.display()))
}

/// Runs `work` (a digest, a copy) on a blocking thread, so the async runtime keeps answering.
pub async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| format!("the code walk stopped: {e}"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_files_give_the_same_digest_and_a_change_another() {
        let dir = std::env::temp_dir().join(format!("mfn-tui-code-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("a/lib")).unwrap();
        std::fs::write(dir.join("a/handler.py"), "def main(e, c): return 1\n").unwrap();
        std::fs::write(dir.join("a/lib/util.py"), "X = 1\n").unwrap();
        std::fs::create_dir_all(dir.join("a/__pycache__")).unwrap();
        std::fs::write(dir.join("a/__pycache__/handler.pyc"), "junk").unwrap();
        let go = Cancel::new();
        let (first, size) = digest(&dir.join("a"), &go).unwrap();
        assert_eq!(size, 31);
        copy(&dir.join("a"), &dir.join("b"), &go).unwrap();
        assert_eq!(
            digest(&dir.join("b"), &go).unwrap().0,
            first,
            "a copy digests the same"
        );
        std::fs::write(dir.join("b/lib/util.py"), "X = 2\n").unwrap();
        assert_ne!(digest(&dir.join("b"), &go).unwrap().0, first);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_stopped_fleets_walks_end_at_once() {
        let dir = std::env::temp_dir().join(format!("mfn-tui-code-stop-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("handler.py"), "x").unwrap();
        let cancel = Cancel::new();
        let fleets_guard = cancel.on_drop();
        assert!(digest(&dir, &cancel).is_ok());
        drop(fleets_guard);
        let e = digest(&dir, &cancel).unwrap_err();
        assert!(e.contains("abandoned"), "{e}");
        let e = copy(&dir, &dir.with_extension("copy"), &cancel).unwrap_err();
        assert!(e.contains("abandoned"), "{e}");
        assert!(!dir.with_extension("copy").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
