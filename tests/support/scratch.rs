//! Scratch directories: one per test, emptied when made, named by the test file's area, the
//! test's own name and this process, so tests running at once never share one.

use std::path::PathBuf;

/// `$TMPDIR/mfn-tui-AREA-NAME-PID`, empty.
pub fn dir(area: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mfn-tui-{area}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
