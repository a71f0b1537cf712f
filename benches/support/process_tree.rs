//! What a process tree uses, from /proc: its resident memory and its CPU time (for the
//! benchmarks that compare servers which run their functions in child processes or not).

/// The process and its descendants.
fn tree(pid: u32) -> Vec<u32> {
    let mut all = vec![pid];
    let mut at = 0;
    while at < all.len() {
        let p = all[at];
        at += 1;
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            all.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
    }
    all
}

/// The tree's resident memory, in MB.
pub fn rss_mb(pid: u32) -> f64 {
    let kb: u64 = tree(pid)
        .iter()
        .filter_map(|p| {
            let status = std::fs::read_to_string(format!("/proc/{p}/status")).ok()?;
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .sum();
    kb as f64 / 1024.0
}

/// CPU seconds the tree has used (user + system, with reaped children's), and the root
/// process's own share.
pub fn cpu_s(pid: u32) -> (f64, f64) {
    let all = tree(pid).iter().map(|p| own_cpu_s(*p)).sum();
    (all, own_cpu_s(pid))
}

fn own_cpu_s(p: u32) -> f64 {
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    std::iter::once(p)
        .filter_map(|p| {
            let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
            let fields: Vec<u64> = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .skip(11)
                .take(4)
                .filter_map(|f| f.parse().ok())
                .collect();
            Some(fields.iter().sum::<u64>() as f64 / ticks)
        })
        .sum()
}
