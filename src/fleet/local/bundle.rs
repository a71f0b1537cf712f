//! What the binary carries for the local fleet: the runtime shims and the demo fleet, written
//! to the state directory on start (never run from `assets/`, which stays read-only).

use std::path::{Path, PathBuf};

/// Paths under `assets/`, and their contents.
const FILES: &[(&str, &str)] = &[
    (
        "runtimes/python/bootstrap.py",
        include_str!("../../../assets/runtimes/python/bootstrap.py"),
    ),
    (
        "runtimes/node/bootstrap.js",
        include_str!("../../../assets/runtimes/node/bootstrap.js"),
    ),
    (
        "demo/README.md",
        include_str!("../../../assets/demo/README.md"),
    ),
    (
        "demo/users/serverless.yml",
        include_str!("../../../assets/demo/users/serverless.yml"),
    ),
    (
        "demo/users/handler.py",
        include_str!("../../../assets/demo/users/handler.py"),
    ),
    (
        "demo/articles/serverless.yml",
        include_str!("../../../assets/demo/articles/serverless.yml"),
    ),
    (
        "demo/articles/src/handler.mjs",
        include_str!("../../../assets/demo/articles/src/handler.mjs"),
    ),
    (
        "demo/comments/serverless.yml",
        include_str!("../../../assets/demo/comments/serverless.yml"),
    ),
    (
        "demo/comments/handler.py",
        include_str!("../../../assets/demo/comments/handler.py"),
    ),
];

/// Where the bundle was written: the shims' directory and the demo fleet's.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub runtimes: PathBuf,
    pub demo: PathBuf,
}

/// Writes the bundle under `dir` (files whose content changed only).
pub fn unpack(dir: &Path) -> Result<Bundle, String> {
    for (path, content) in FILES {
        let target = dir.join(path);
        if std::fs::read_to_string(&target).is_ok_and(|c| c == *content) {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&target, content).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    Ok(Bundle {
        runtimes: dir.join("runtimes"),
        demo: dir.join("demo"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files_under(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path
                    .file_name()
                    .is_some_and(|n| n == "__pycache__" || n == "node_modules")
                {
                    continue;
                }
                files_under(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }

    #[test]
    fn the_bundle_carries_every_shim_and_demo_file() {
        let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
        let mut on_disk = Vec::new();
        files_under(&assets, &assets.join("runtimes"), &mut on_disk);
        files_under(&assets, &assets.join("demo"), &mut on_disk);
        on_disk.sort();
        let mut bundled: Vec<String> = FILES.iter().map(|f| f.0.to_owned()).collect();
        bundled.sort();
        assert_eq!(bundled, on_disk);
    }
}
