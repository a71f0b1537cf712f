//! `mfn-tui stats`: per function and service over a window, CloudWatch's metrics for the whole
//! fleet at once (errors and throttles the REPORT lines never show) and the platform's REPORT
//! records (cold and warm latency) where reading them is cheap enough, or from where
//! `--source` says.

use std::process::ExitCode;
use std::sync::Arc;

use crate::config::Config;
use crate::fleet::Fleet;
use crate::fleet::metrics::read_metrics;
use crate::fleet::reports::{ScanEstimate, estimate_scan};
use crate::fleet::sources::{FigureSource, ReportPlan};

use super::args::WindowArgs;
use super::read::{Read, read_reports, select_window};
use super::stats_document::{Report, StatsDocument, document};
use super::{fail, finish};

pub async fn run(
    fleet: Arc<dyn Fleet>,
    config: &Config,
    names: &[String],
    window_args: &WindowArgs,
    source: FigureSource,
    json: bool,
) -> ExitCode {
    let selection = match select_window(fleet.as_ref(), config, names, window_args).await {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let (functions, window) = (&selection.functions, selection.window);
    let metrics = if source.metrics() {
        Some(read_metrics(fleet.clone(), functions, window).await)
    } else {
        None
    };
    let plan = match source {
        FigureSource::Auto => {
            let estimate = estimate_scan(fleet.as_ref(), functions, window).await;
            let known = estimate.is_ok();
            let estimate = estimate.unwrap_or_else(|_| ScanEstimate {
                bytes: 0,
                groups: distinct_groups(functions),
            });
            source.report_plan(
                &estimate,
                known,
                &config.figures,
                config.logs.confirm_scan_bytes,
            )
        }
        _ => source.report_plan(&ScanEstimate::default(), false, &config.figures, 0),
    };
    let read = match read_reports(fleet, config, &selection, &plan, window_args).await {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let report = match &read {
        Some(Read::Records(l)) => Some(Report::Records(l)),
        Some(Read::Insights(i)) => Some(Report::Insights(i)),
        None => None,
    };
    // A provider without metrics (the local fleet) is no failure where REPORT figures stand in.
    let metrics = metrics.filter(|m| !(source == FigureSource::Auto && m.unsupported()));
    let mut doc = document(functions, window, report, metrics.as_ref());
    doc.errors.extend(selection.errors.iter().cloned());
    if let Some(read) = &read {
        doc.errors.extend(read.errors());
    }
    if let Some(m) = &metrics {
        doc.errors
            .extend(m.failures.iter().map(|(t, e)| format!("{t}: {e}")));
    }
    if let ReportPlan::Skip(why) = plan
        && source == FigureSource::Auto
    {
        eprintln!("mfn-tui: {why}");
        doc.notes.push(why);
    }
    print(&doc, json)
}

/// Prints the document (JSON or a table) and its errors; the exit code they make.
pub fn print(doc: &StatsDocument, json: bool) -> ExitCode {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(doc).expect("stats serialize")
        );
    } else {
        print!("{}", table(doc));
    }
    finish(&doc.errors)
}

fn distinct_groups(functions: &[crate::fleet::Function]) -> usize {
    let mut groups: Vec<(&crate::fleet::Target, &str)> = functions
        .iter()
        .map(|f| (&f.target, f.log_group.as_str()))
        .collect();
    groups.sort();
    groups.dedup();
    groups.len()
}

fn table(doc: &StatsDocument) -> String {
    let ms = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into());
    let n = |v: Option<f64>| v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "-".into());
    let mut out = format!(
        "{:<36} {:<12} {:>8} {:>6} {:>9} {:>9} {:>9} {:>9} {:>6} {:>6} {:>9}\n",
        "FUNCTION",
        "SERVICE",
        "INVOKES",
        "COLD%",
        "WARM P50",
        "WARM P99",
        "COLD P50",
        "COLD P99",
        "ERR%",
        "THROT",
        "MEM USED"
    );
    for e in &doc.functions {
        let m = e.metrics.unwrap_or_default();
        let invocations = e.invocations.map(|v| v as f64).or(m.invocations);
        out.push_str(&format!(
            "{:<36} {:<12} {:>8} {:>6} {:>9} {:>9} {:>9} {:>9} {:>6} {:>6} {:>9}\n",
            crate::text::visible(&e.name),
            crate::text::visible(&e.service),
            n(invocations),
            e.cold_start_pct
                .map(|p| format!("{p:.1}"))
                .unwrap_or_else(|| "-".into()),
            ms(e.warm.map(|p| p.p50_ms)),
            ms(e.warm.map(|p| p.p99_ms).or(m.duration_p99_ms)),
            ms(e.cold.as_ref().map(|p| p.p50_ms)),
            ms(e.cold.as_ref().map(|p| p.p99_ms)),
            m.error_pct()
                .map(|p| format!("{p:.1}"))
                .unwrap_or_else(|| "-".into()),
            n(m.throttles),
            match e.max_memory_used_mb {
                Some(used) => format!("{used}/{}", e.memory_mb),
                None => format!("-/{}", e.memory_mb),
            },
        ));
    }
    out
}
