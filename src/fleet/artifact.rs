//! Deployment packages: the files of a code directory (in one order, whatever the disk's, and
//! only what is inside it: see [`super::walk`]), a directory zipped the same way every time
//! (same files, same bytes, same `CodeSha256`), and the checks a package passes before anything
//! is sent.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use sha2::{Digest, Sha256};

use super::walk::{Cancel, LeftOut, Limits, Reach, walk};

/// Lambda's limit for a package uploaded directly (larger ones go through S3).
pub const DIRECT_UPLOAD_LIMIT: usize = 50 * 1024 * 1024;

/// A package and what its directory walk left out (nothing for a zip file).
#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    pub bytes: Arc<Vec<u8>>,
    pub left_out: Vec<LeftOut>,
}

/// `dir` as a zip: entries sorted, timestamps fixed, modes kept (so `bootstrap` stays
/// executable); only what is inside the directory, within Lambda's limits.
pub fn zip_dir(dir: &Path) -> Result<Vec<u8>, String> {
    Ok(zip_walked(dir, &Cancel::new())?.0)
}

/// `dir` zipped, and what its walk left out; stops as soon as `cancel` is set.
fn zip_walked(dir: &Path, cancel: &Cancel) -> Result<(Vec<u8>, Vec<LeftOut>), String> {
    use std::os::unix::fs::PermissionsExt;
    let walked = walk(dir, Reach::Inside, &Limits::PACKAGE, cancel)?;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for rel in &walked.files {
        let path = dir.join(rel);
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
        let mut file = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", rel.display()))?;
        let mut chunk = vec![0u8; 1 << 20];
        loop {
            cancel.check()?;
            let n = file
                .read(&mut chunk)
                .map_err(|e| format!("{}: {e}", rel.display()))?;
            if n == 0 {
                break;
            }
            zip.write_all(&chunk[..n]).map_err(|e| e.to_string())?;
        }
    }
    let cursor = zip.finish().map_err(|e| e.to_string())?;
    Ok((cursor.into_inner(), walked.left_out))
}

/// Refuses what is not a zip, is over the direct-upload limit, or has an entry that would
/// unpack outside its directory (`../`, an absolute path).
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
    // A central directory this reader cannot make out is left to Lambda, which refuses what it
    // cannot unpack; what it can is checked entry by entry.
    let Ok(archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(());
    };
    let unsafe_entry = archive.file_names().find_map(|name| match name {
        Ok(n) if !escapes(&n) => None,
        Ok(n) => Some(n.into_owned()),
        Err(e) => Some(format!("(an unreadable name: {e})")),
    });
    if let Some(name) = unsafe_entry {
        return Err(format!(
            "{what} has an entry `{}` that would unpack outside its directory; rebuild the zip from inside the directory; nothing was sent",
            crate::text::visible(&name)
        ));
    }
    Ok(())
}

/// Whether a zip entry's name leaves the directory it is unpacked in: a `..` part, or a path
/// from the root (`/x`, `\\x`, `C:`).
fn escapes(name: &str) -> bool {
    let parts = name.split(['/', '\\']);
    name.starts_with(['/', '\\'])
        || name.as_bytes().get(1) == Some(&b':')
        || parts.into_iter().any(|p| p == "..")
}

/// The package at `path`: a zip file as it is, or a directory zipped (with what was left out);
/// checked. Stops as soon as `cancel` is set.
pub fn package(path: &Path, cancel: &Cancel) -> Result<Package, String> {
    let what = path.display().to_string();
    let (bytes, left_out) = if path.is_dir() {
        zip_walked(path, cancel)?
    } else {
        let bytes = std::fs::read(path).map_err(|e| format!("{what}: {e}"))?;
        (bytes, Vec::new())
    };
    check_zip(&bytes, &what)?;
    Ok(Package {
        bytes: Arc::new(bytes),
        left_out,
    })
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

    /// A zip holding `names`, each with a line of text.
    fn zip_of(names: &[&str]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for name in names {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(b"x\n").unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_whose_entries_leave_their_directory_is_refused() {
        check_zip(&zip_of(&["handler.py", "lib/..hidden/x.py"]), "ok.zip").unwrap();
        for bad in [
            "../../.bashrc",
            "lib/../../x",
            "/etc/cron.d/x",
            "..\\win.ini",
            "C:/x",
        ] {
            let e = check_zip(&zip_of(&["handler.py", bad]), "evil.zip").unwrap_err();
            assert!(
                e.contains("outside its directory") && e.contains("nothing was sent"),
                "{bad}: {e}"
            );
        }
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
