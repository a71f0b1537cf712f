//! A function's code as a directory: its digest (the same files give the same SHA-256,
//! whatever their order on disk or their timestamps) and immutable copies for versions.

use std::path::Path;

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::fleet::artifact::files;

/// SHA-256 (base64, as Lambda's `CodeSha256`) of the directory's files, paths and contents, in
/// a canonical order, and their total size.
pub fn digest(dir: &Path) -> Result<(String, i64), String> {
    let mut hash = Sha256::new();
    let mut size = 0i64;
    for rel in files(dir)? {
        let bytes = std::fs::read(dir.join(&rel)).map_err(|e| format!("{}: {e}", rel.display()))?;
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

/// Copies the code of `from` to `to` (which must not exist), written to a temporary name first
/// so a half-made copy never passes for a version.
pub fn copy(from: &Path, to: &Path) -> Result<(), String> {
    let partial = to.with_extension("partial");
    let _ = std::fs::remove_dir_all(&partial);
    for rel in files(from)? {
        let target = partial.join(&rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::copy(from.join(&rel), &target).map_err(|e| format!("{}: {e}", rel.display()))?;
    }
    std::fs::create_dir_all(&partial).map_err(|e| e.to_string())?;
    std::fs::rename(&partial, to).map_err(|e| format!("{}: {e}", to.display()))
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
        let (first, size) = digest(&dir.join("a")).unwrap();
        assert_eq!(size, 31);
        copy(&dir.join("a"), &dir.join("b")).unwrap();
        assert_eq!(
            digest(&dir.join("b")).unwrap().0,
            first,
            "a copy digests the same"
        );
        std::fs::write(dir.join("b/lib/util.py"), "X = 2\n").unwrap();
        assert_ne!(digest(&dir.join("b")).unwrap().0, first);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
