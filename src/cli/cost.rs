//! `mfn-tui cost`: what each function and service costs over a window, projected to 30 days,
//! with the fleet's free tier and volume discounts shown apart from list price.

use crate::fleet::sources::ReportPlan;
use std::process::ExitCode;
use std::sync::Arc;

use serde::Serialize;

use crate::analysis::cost::{Cost, FleetMonth};
use crate::analysis::latency::Window;
use crate::config::Config;
use crate::fleet::Fleet;
use crate::fleet::cost_report::cost_report;

use super::args::{CostBy, CostFormat, WindowArgs};
use super::{fail, finish, read};

#[derive(Debug, Serialize)]
pub struct CostDocument {
    pub window: Window,
    pub functions: Vec<CostEntry>,
    pub services: Vec<CostEntry>,
    pub fleet: FleetCost,
    pub errors: Vec<String>,
}

/// Field names are stable: scripts rely on them.
#[derive(Debug, Serialize)]
pub struct CostEntry {
    pub name: String,
    pub region: String,
    pub service: String,
    pub stage: Option<String>,
    #[serde(flatten)]
    pub cost: Cost,
}

#[derive(Debug, Serialize)]
pub struct FleetCost {
    /// List price of the window.
    pub total_usd: f64,
    pub projected_30d_usd: f64,
    /// The projected month after the free tier and volume tiers (account level).
    pub month: FleetMonth,
}

pub async fn run(
    fleet: Arc<dyn Fleet>,
    config: &Config,
    names: &[String],
    window_args: &WindowArgs,
    format: CostFormat,
    by: CostBy,
) -> ExitCode {
    let selection = match read::select_window(fleet.as_ref(), config, names, window_args).await {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    // Exact billing comes from the REPORT records: the logs, or Logs Insights aggregating.
    let plan = if window_args.insights {
        ReportPlan::Insights
    } else {
        ReportPlan::Logs
    };
    let latency = match read::read_reports(fleet, config, &selection, &plan, window_args).await {
        Ok(Some(read)) => read,
        Ok(None) => unreachable!("a cost read always reads REPORT records"),
        Err(e) => return fail(&e),
    };
    let (functions, window) = (&selection.functions, selection.window);
    let report = cost_report(functions, &latency.by_function(window), &config.pricing);
    let mut entries: Vec<CostEntry> = functions
        .iter()
        .filter_map(|f| {
            Some(CostEntry {
                name: f.name.clone(),
                region: f.region.clone(),
                service: f.placement.service.clone(),
                stage: f.placement.stage.clone(),
                cost: *report.by_function.get(&f.arn)?,
            })
        })
        .collect();
    let mut services: Vec<CostEntry> = report
        .by_service
        .iter()
        .map(|(key, cost)| CostEntry {
            name: key.name.clone(),
            region: key.region.clone(),
            service: key.name.clone(),
            stage: key.stage.clone(),
            cost: *cost,
        })
        .collect();
    // Dearest first: a cost review starts at the top.
    let by_cost = |a: &CostEntry, b: &CostEntry| {
        b.cost
            .projected_30d_usd
            .total_cmp(&a.cost.projected_30d_usd)
            .then(a.name.cmp(&b.name))
    };
    entries.sort_by(by_cost);
    services.sort_by(by_cost);
    let doc = CostDocument {
        window,
        functions: entries,
        services,
        fleet: FleetCost {
            total_usd: report.total.total_usd,
            projected_30d_usd: report.total.projected_30d_usd,
            month: report.month,
        },
        errors: selection
            .errors
            .iter()
            .cloned()
            .chain(latency.errors())
            .collect(),
    };
    let rows = match by {
        CostBy::Function => &doc.functions,
        CostBy::Service => &doc.services,
    };
    match format {
        CostFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("cost serializes")
        ),
        CostFormat::Csv => print!("{}", csv(rows)),
        CostFormat::Table => print!("{}", table(rows, &doc.fleet, by)),
    }
    finish(&doc.errors)
}

fn csv(rows: &[CostEntry]) -> String {
    let mut out = String::from(
        "name,region,service,stage,requests,billed_gb_seconds,cold_start_gb_seconds,request_usd,compute_usd,ephemeral_usd,api_gateway_usd,total_usd,projected_30d_usd\n",
    );
    for r in rows {
        let c = &r.cost;
        out.push_str(&format!(
            "{},{},{},{},{},{:.6},{:.6},{:.8},{:.8},{:.8},{:.8},{:.8},{:.6}\n",
            field(&r.name),
            field(&r.region),
            field(&r.service),
            field(r.stage.as_deref().unwrap_or("")),
            c.requests,
            c.billed_gb_seconds,
            c.cold_start_gb_seconds,
            c.request_usd,
            c.compute_usd,
            c.ephemeral_usd,
            c.api_gateway_usd,
            c.total_usd,
            c.projected_30d_usd
        ));
    }
    out
}

/// A CSV field, quoted when it needs to be.
fn field(s: &str) -> String {
    let s = crate::text::visible(s);
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

fn table(rows: &[CostEntry], fleet: &FleetCost, by: CostBy) -> String {
    let what = match by {
        CostBy::Function => "FUNCTION",
        CostBy::Service => "SERVICE",
    };
    let mut out = format!(
        "{what:<36} {:<12} {:>10} {:>12} {:>10} {:>12} {:>12}\n",
        "REGION", "REQUESTS", "GB-S", "COLD GB-S", "WINDOW $", "$/30D"
    );
    for r in rows {
        let c = &r.cost;
        out.push_str(&format!(
            "{:<36} {:<12} {:>10} {:>12.3} {:>10.3} {:>12.6} {:>12.2}\n",
            crate::text::visible(&r.name),
            r.region,
            c.requests,
            c.billed_gb_seconds,
            c.cold_start_gb_seconds,
            c.total_usd,
            c.projected_30d_usd
        ));
    }
    let m = &fleet.month;
    out.push_str(&format!(
        "\nfleet: ${:.6} in the window, ${:.2} projected over 30 days at list price\n\
         after the free tier (−${:.2}) and volume tiers (−${:.2}): ${:.2} a month\n",
        fleet.total_usd,
        fleet.projected_30d_usd,
        m.free_tier_usd,
        m.volume_discount_usd,
        m.estimate_usd
    ));
    out
}
