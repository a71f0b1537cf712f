//! Deployment packages: the files of a code directory (in one order, whatever the disk's), a
//! directory zipped the same way every time (same files, same bytes, same `CodeSha256`), and the
//! checks a package passes before anything is sent.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use sha2::{Digest, Sha256};

/// Lambda's limit for a package uploaded directly (larger ones go through S3).
pub const DIRECT_UPLOAD_LIMIT: usize = 50 * 1024 * 1024;

/// Directories that are never code.
const SKIPPED: [&str; 3] = [".git", "__pycache__", ".serverless"];

/// Files under `dir`, relative, sorted.
pub fn files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() {
                if !SKIPPED.iter().any(|s| name == *s) {
                    stack.push(path);
                }
            } else if path.is_file() {
                out.push(path.strip_prefix(dir).unwrap_or(&path).to_path_buf());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// `dir` as a zip: entries sorted, timestamps fixed, modes kept (so `bootstrap` stays
/// executable).
pub fn zip_dir(dir: &Path) -> Result<Vec<u8>, String> {
    use std::os::unix::fs::PermissionsExt;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for rel in files(dir)? {
        let path = dir.join(&rel);
        let meta = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", rel.display()))?;
        let mode = if meta.permissions().mode() & 0o111 != 0 {
            0o755
        } else {
            0o644
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(mode);
        let name = rel.to_string_lossy().replace('\\', "/");
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", rel.display()))?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    let cursor = zip.finish().map_err(|e| e.to_string())?;
    Ok(cursor.into_inner())
}

/// Refuses what is not a zip, or is over the direct-upload limit.
pub fn check_zip(bytes: &[u8], what: &str) -> Result<(), String> {
    if !(bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")) {
        return Err(format!("{what} is not a zip file; nothing was sent"));
    }
    if bytes.len() > DIRECT_UPLOAD_LIMIT {
        return Err(format!(
            "{what} is {:.1} MB, over the 50 MB Lambda takes directly; upload it to S3 and deploy with --s3 s3://BUCKET/KEY",
            bytes.len() as f64 / 1024.0 / 1024.0
        ));
    }
    Ok(())
}

/// The package at `path`: a zip file as it is, or a directory zipped; checked.
pub fn package(path: &Path) -> Result<Vec<u8>, String> {
    let what = path.display().to_string();
    let bytes = if path.is_dir() {
        zip_dir(path)?
    } else {
        std::fs::read(path).map_err(|e| format!("{what}: {e}"))?
    };
    check_zip(&bytes, &what)?;
    Ok(bytes)
}

/// Lambda's `CodeSha256` of a package: SHA-256, base64.
pub fn code_sha256(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_files_zip_to_the_same_bytes() {
        let root = std::env::temp_dir().join(format!("mfn-tui-zip-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for dir in ["a", "b"] {
            std::fs::create_dir_all(root.join(dir).join("lib")).unwrap();
        }
        // Written in different orders, at different times.
        std::fs::write(root.join("a/handler.py"), "def main(e, c): pass\n").unwrap();
        std::fs::write(root.join("a/lib/x.py"), "X = 1\n").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(root.join("b/lib/x.py"), "X = 1\n").unwrap();
        std::fs::write(root.join("b/handler.py"), "def main(e, c): pass\n").unwrap();
        let (a, b) = (
            zip_dir(&root.join("a")).unwrap(),
            zip_dir(&root.join("b")).unwrap(),
        );
        assert_eq!(code_sha256(&a), code_sha256(&b));
        check_zip(&a, "the package").unwrap();
        std::fs::write(root.join("b/lib/x.py"), "X = 2\n").unwrap();
        assert_ne!(
            code_sha256(&zip_dir(&root.join("b")).unwrap()),
            code_sha256(&a)
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn what_is_not_a_zip_or_too_big_is_refused() {
        let e = check_zip(b"#!/bin/sh\necho hi\n", "bootstrap.sh").unwrap_err();
        assert!(e.contains("not a zip"), "{e}");
        let mut big = b"PK\x03\x04".to_vec();
        big.resize(DIRECT_UPLOAD_LIMIT + 1, 0);
        let e = check_zip(&big, "big.zip").unwrap_err();
        assert!(e.contains("--s3"), "{e}");
    }
}
