//! `mfn-tui canary --status`: the alias's versions side by side over a window (see
//! [`crate::analysis::by_version`]): invocations, errors, warm and cold latency.

use std::process::ExitCode;
use std::sync::Arc;

use crate::analysis::by_version::VersionFigures;
use crate::analysis::latency::Window;
use crate::analysis::window::parse_duration;
use crate::fleet::Fleet;
use crate::fleet::alias_figures::alias_versions;

use super::fail;
use crate::fleet::locate::locate;
use crate::text::visible;

pub async fn status(fleet: Arc<dyn Fleet>, name: &str, alias: &str, since: &str) -> ExitCode {
    let since_ms = match parse_duration(since) {
        Ok(ms) => ms,
        Err(e) => return fail(&e),
    };
    let f = match locate(fleet.clone(), name).await {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    let Some(a) = f.alias(alias) else {
        return fail(&format!("{name} has no alias `{alias}`"));
    };
    let window = Window::ending_at(crate::clock::now_ms() + 1, since_ms);
    let figures = match alias_versions(fleet.clone(), &f, &a.weights, window).await {
        Ok(v) => v,
        Err(e) => return fail(&e.to_string()),
    };
    println!(
        "{}",
        visible(&format!("{name} alias {alias}, last {since}"))
    );
    println!("{}", VersionFigures::header());
    for v in &figures {
        println!("{}", visible(&v.row()));
    }
    ExitCode::SUCCESS
}
