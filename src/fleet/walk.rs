//! A bounded walk of a code directory: every regular file in it, in one order whatever the
//! disk's, and what was left out and why. A symbolic link is never followed back into a
//! directory it came through (`a -> .`, `node_modules/x -> ..`), and for a package only to
//! somewhere inside the directory ([`Reach::Inside`]); the walk stops past Lambda's unzipped
//! size, past a number of entries or a depth, and as soon as it is cancelled.

use std::fmt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Directories that are never code.
const SKIPPED: [&str; 3] = [".git", "__pycache__", ".serverless"];

/// How far a walk may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the files found (Lambda takes 250 MB unzipped).
    pub bytes: u64,
    /// Files, directories and links looked at.
    pub entries: usize,
    /// Directories deep.
    pub depth: usize,
}

impl Limits {
    /// A deployment package's: Lambda's unzipped limit, and room for a large `node_modules`.
    pub const PACKAGE: Limits = Limits {
        bytes: 250 * 1024 * 1024,
        entries: 200_000,
        depth: 64,
    };
}

/// Where links may lead a walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Only inside the directory: what a package may hold.
    Inside,
    /// Anywhere (a link to a shared library beside the directory is followed), cycles aside.
    Anywhere,
}

/// Asks a walk (and the zipping after it) to stop; clones share one flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// A guard that cancels when dropped: whoever holds it abandons the walk by going away.
    pub fn on_drop(&self) -> CancelOnDrop {
        CancelOnDrop(self.clone())
    }

    /// `Err` once cancelled, for the `?` of a loop.
    pub fn check(&self) -> Result<(), String> {
        if self.is_cancelled() {
            Err("stopped: the read was abandoned".into())
        } else {
            Ok(())
        }
    }
}

/// Cancels its walk when dropped.
#[derive(Debug)]
pub struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Why an entry was left out of a walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// A link to somewhere outside the directory.
    OutsideRoot { target: PathBuf },
    /// A link back into a directory the walk came through.
    Cycle { target: PathBuf },
    /// A link to nothing.
    Broken,
    /// A pipe, socket or device: not a file a package can hold.
    NotAFile,
    /// It could not be read.
    Unreadable(String),
}

/// An entry left out, by its path inside the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub path: PathBuf,
    pub why: Why,
}

impl fmt::Display for LeftOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.why {
            Why::OutsideRoot { target } => write!(
                f,
                "{path}: a link to {} outside the directory",
                target.display()
            ),
            Why::Cycle { target } => {
                write!(f, "{path}: a link back to {} (a cycle)", target.display())
            }
            Why::Broken => write!(f, "{path}: a link to nothing (missing, or a loop of links)"),
            Why::NotAFile => write!(f, "{path}: not a regular file (a pipe, socket or device)"),
            Why::Unreadable(e) => write!(f, "{path}: unreadable ({e})"),
        }
    }
}

/// What a walk found: files relative to the directory, sorted; and what it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    pub left_out: Vec<LeftOut>,
    pub bytes: u64,
}

/// A directory to look into: its path inside the root, how deep, and the directories (device,
/// inode) it was reached through.
struct Pending {
    rel: PathBuf,
    depth: usize,
    through: Vec<(u64, u64)>,
}

/// Walks `root`, following links as far as `reach`, within `limits`, until done or `cancel`led.
pub fn walk(root: &Path, reach: Reach, limits: &Limits, cancel: &Cancel) -> Result<Walk, String> {
    let real_root = root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", root.display()))?;
    let root_meta =
        std::fs::metadata(&real_root).map_err(|e| format!("{}: {e}", root.display()))?;
    let mut out = Walk::default();
    let mut entries = 0usize;
    let mut stack = vec![Pending {
        rel: PathBuf::new(),
        depth: 0,
        through: vec![(root_meta.dev(), root_meta.ino())],
    }];
    while let Some(dir) = stack.pop() {
        cancel.check()?;
        let path = root.join(&dir.rel);
        let listing = std::fs::read_dir(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for entry in listing {
            cancel.check()?;
            entries += 1;
            if entries > limits.entries {
                return Err(format!(
                    "{} holds more than {} entries; is it the code directory?",
                    root.display(),
                    limits.entries
                ));
            }
            let entry = entry.map_err(|e| format!("{}: {e}", path.display()))?;
            let name = entry.file_name();
            let rel = dir.rel.join(&name);
            let inside = (reach == Reach::Inside).then_some(real_root.as_path());
            let Some(kind) = classify(root, inside, &rel, &dir.through, &mut out) else {
                continue;
            };
            match kind {
                Kind::Dir(id) => {
                    if SKIPPED.iter().any(|s| name == *s) {
                        continue;
                    }
                    if dir.depth + 1 > limits.depth {
                        return Err(format!(
                            "{} is more than {} directories deep at {}",
                            root.display(),
                            limits.depth,
                            rel.display()
                        ));
                    }
                    let mut through = dir.through.clone();
                    through.push(id);
                    stack.push(Pending {
                        rel,
                        depth: dir.depth + 1,
                        through,
                    });
                }
                Kind::File(len) => {
                    out.bytes += len;
                    if out.bytes > limits.bytes {
                        return Err(format!(
                            "{} holds more than {} MB of files, over what Lambda unpacks (250 MB)",
                            root.display(),
                            limits.bytes / 1024 / 1024
                        ));
                    }
                    out.files.push(rel);
                }
            }
        }
    }
    out.files.sort();
    out.left_out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

enum Kind {
    Dir((u64, u64)),
    File(u64),
}

/// What `rel` is, following a link never into a directory it came `through`, and only to
/// somewhere `inside` a directory when one is given; what is left out goes to `out`, with why.
fn classify(
    root: &Path,
    inside: Option<&Path>,
    rel: &Path,
    through: &[(u64, u64)],
    out: &mut Walk,
) -> Option<Kind> {
    let path = root.join(rel);
    let mut left_out = |why| {
        out.left_out.push(LeftOut {
            path: rel.to_path_buf(),
            why,
        });
        None
    };
    let own = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) => return left_out(Why::Unreadable(e.to_string())),
    };
    let meta = if own.file_type().is_symlink() {
        let Ok(target) = path.canonicalize() else {
            return left_out(Why::Broken);
        };
        if let Some(real_root) = inside
            && !target.starts_with(real_root)
        {
            return left_out(Why::OutsideRoot { target });
        }
        match std::fs::metadata(&target) {
            Ok(m) if m.is_dir() && through.contains(&(m.dev(), m.ino())) => {
                let within = inside.and_then(|r| target.strip_prefix(r).ok());
                let shown = match within {
                    Some(p) if p.as_os_str().is_empty() => PathBuf::from("."),
                    Some(p) => p.to_path_buf(),
                    None => target.clone(),
                };
                return left_out(Why::Cycle { target: shown });
            }
            Ok(m) => m,
            Err(e) => return left_out(Why::Unreadable(e.to_string())),
        }
    } else {
        own
    };
    if meta.is_dir() {
        let id = (meta.dev(), meta.ino());
        if through.contains(&id) {
            return left_out(Why::Cycle {
                target: rel.to_path_buf(),
            });
        }
        Some(Kind::Dir(id))
    } else if meta.is_file() {
        Some(Kind::File(meta.len()))
    } else {
        left_out(Why::NotAFile)
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mfn-tui-walk-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn reasons(walk: &Walk) -> Vec<(String, String)> {
        walk.left_out
            .iter()
            .map(|l| {
                let why = match &l.why {
                    Why::OutsideRoot { .. } => "outside",
                    Why::Cycle { .. } => "cycle",
                    Why::Broken => "broken",
                    Why::NotAFile => "not a file",
                    Why::Unreadable(_) => "unreadable",
                };
                (l.path.display().to_string(), why.to_owned())
            })
            .collect()
    }

    #[test]
    fn cycles_and_links_out_of_the_directory_are_left_out_and_said_why() {
        let root = scratch("links");
        let code = root.join("code");
        let outside = root.join("home");
        std::fs::create_dir_all(code.join("node_modules/lib")).unwrap();
        std::fs::create_dir_all(code.join("shared")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(code.join("handler.py"), "x").unwrap();
        std::fs::write(code.join("shared/util.py"), "u").unwrap();
        std::fs::write(code.join("node_modules/lib/index.js"), "i").unwrap();
        std::fs::write(outside.join(".ssh-key"), "secret").unwrap();
        symlink(".", code.join("a")).unwrap();
        symlink("..", code.join("node_modules/x")).unwrap();
        symlink("../..", code.join("node_modules/lib/up")).unwrap();
        symlink(&outside, code.join("home")).unwrap();
        symlink(outside.join(".ssh-key"), code.join("key")).unwrap();
        symlink("nowhere", code.join("dangling")).unwrap();
        symlink("shared/util.py", code.join("util.py")).unwrap();
        symlink("shared", code.join("lib")).unwrap();
        let fifo = std::ffi::CString::new(code.join("pipe").to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);

        let walk = walk(&code, Reach::Inside, &Limits::PACKAGE, &Cancel::new()).unwrap();
        let files: Vec<String> = walk.files.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            files,
            [
                "handler.py",
                "lib/util.py",
                "node_modules/lib/index.js",
                "shared/util.py",
                "util.py"
            ],
            "links inside the directory are followed"
        );
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        assert_eq!(
            reasons(&walk),
            pairs(&[
                ("a", "cycle"),
                ("dangling", "broken"),
                ("home", "outside"),
                ("key", "outside"),
                ("node_modules/lib/up", "cycle"),
                ("node_modules/x", "cycle"),
                ("pipe", "not a file"),
            ])
        );
        assert_eq!(
            walk.left_out[0].to_string(),
            "a: a link back to . (a cycle)"
        );
        assert!(
            walk.left_out[2]
                .to_string()
                .contains("outside the directory")
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn reaching_anywhere_follows_a_link_out_but_never_round_a_cycle() {
        let root = scratch("anywhere");
        let code = root.join("service");
        let shared = root.join("shared");
        std::fs::create_dir_all(&code).unwrap();
        std::fs::create_dir_all(&shared).unwrap();
        std::fs::write(code.join("handler.py"), "x").unwrap();
        std::fs::write(shared.join("util.py"), "u").unwrap();
        symlink(&shared, code.join("shared")).unwrap();
        symlink(&code, shared.join("back")).unwrap();
        symlink(".", code.join("a")).unwrap();

        let walk = walk(&code, Reach::Anywhere, &Limits::PACKAGE, &Cancel::new()).unwrap();
        let files: Vec<String> = walk.files.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(files, ["handler.py", "shared/util.py"]);
        assert_eq!(
            reasons(&walk),
            [
                ("a".to_owned(), "cycle".to_owned()),
                ("shared/back".to_owned(), "cycle".to_owned())
            ]
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_walk_stops_when_cancelled_or_past_its_limits() {
        let root = scratch("limits");
        for i in 0..20 {
            std::fs::write(root.join(format!("f{i}")), "0123456789").unwrap();
        }
        let cancel = Cancel::new();
        drop(cancel.on_drop());
        let e = walk(&root, Reach::Inside, &Limits::PACKAGE, &cancel).unwrap_err();
        assert!(e.contains("abandoned"), "{e}");

        let small = Limits {
            bytes: 100,
            ..Limits::PACKAGE
        };
        let e = walk(&root, Reach::Inside, &small, &Cancel::new()).unwrap_err();
        assert!(e.contains("250 MB"), "{e}");
        let few = Limits {
            entries: 5,
            ..Limits::PACKAGE
        };
        let e = walk(&root, Reach::Inside, &few, &Cancel::new()).unwrap_err();
        assert!(e.contains("more than 5 entries"), "{e}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
