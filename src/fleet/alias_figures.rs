//! A canary's versions side by side (`canary --status`, the canary dialog): the function's
//! REPORT records of both formats (text lines and JSON `platform.report`) streamed a page at a
//! time into per-version figures, so memory stays bounded however long the window.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::analysis::by_version::{ByVersion, VersionFigures};
use crate::analysis::latency::Window;
use crate::analysis::report::FILTER_PATTERN;

use super::{Fleet, FleetError, Function, LogRecord};

/// The figures of each version an alias routes to (`weights`: version → share) over `window`,
/// from the REPORT records of each version's log streams.
pub async fn alias_versions(
    fleet: Arc<dyn Fleet>,
    function: &Function,
    weights: &BTreeMap<String, f64>,
    window: Window,
) -> Result<Vec<VersionFigures>, FleetError> {
    let (sink, mut pages) = mpsc::unbounded_channel::<Vec<LogRecord>>();
    let read = fleet.log_events(function, window, Some(FILTER_PATTERN.to_owned()), sink);
    let mut tally = ByVersion::new(weights, window);
    let fold = async {
        while let Some(page) = pages.recv().await {
            for r in page {
                tally.add(&r.log_stream, r.timestamp_ms, &r.message);
            }
        }
    };
    let (read, ()) = tokio::join!(read, fold);
    read?;
    Ok(tally.figures())
}
