//! Costs of a set of functions, rolled up per service and for the fleet: the cost model of
//! [`crate::analysis::cost`] applied to the fleet's functions.

use std::collections::BTreeMap;

use super::inventory::service_key;
use super::{ApiKind, Function, ServiceKey};
use crate::analysis::cost::{
    ApiPricing, Cost, FleetMonth, MonthlyUsage, PricedAs, fleet_month, function_cost,
};
use crate::analysis::latency::LatencyStats;
use crate::analysis::pricing::PricingTable;

/// Costs by function (ARN), by service, and for the fleet.
#[derive(Debug, Clone, PartialEq)]
pub struct CostReport {
    pub by_function: BTreeMap<String, Cost>,
    pub by_service: BTreeMap<ServiceKey, Cost>,
    pub total: Cost,
    pub month: FleetMonth,
}

/// How a function is priced: its region, architecture, and the API in front of it.
pub fn priced_as(f: &Function) -> PricedAs<'_> {
    let api = if f.routes.iter().any(|r| r.kind == ApiKind::Rest) {
        Some(ApiPricing::Rest)
    } else if f.routes.is_empty() {
        None
    } else {
        Some(ApiPricing::Http)
    };
    PricedAs {
        region: &f.region,
        arm64: f.architecture == "arm64",
        ephemeral_storage_mb: f.ephemeral_storage_mb,
        api,
    }
}

pub fn cost_report(
    functions: &[Function],
    latency: &BTreeMap<String, LatencyStats>,
    table: &PricingTable,
) -> CostReport {
    let mut by_function = BTreeMap::new();
    let mut by_service: BTreeMap<ServiceKey, Cost> = BTreeMap::new();
    let mut total = Cost::default();
    let mut usage = MonthlyUsage::default();
    let (mut x86_usd, mut arm_usd, mut request_usd) = (0.0, 0.0, 0.0);
    for f in functions {
        let Some(stats) = latency.get(&f.arn) else {
            continue;
        };
        let priced = priced_as(f);
        let cost = function_cost(stats, priced, table);
        let scale = if cost.total_usd > 0.0 {
            cost.projected_30d_usd / cost.total_usd
        } else {
            0.0
        };
        usage.requests += cost.requests as f64 * scale;
        request_usd += cost.request_usd * scale;
        if priced.arm64 {
            usage.arm64_gb_seconds += cost.billed_gb_seconds * scale;
            arm_usd += cost.compute_usd * scale;
        } else {
            usage.x86_64_gb_seconds += cost.billed_gb_seconds * scale;
            x86_usd += cost.compute_usd * scale;
        }
        match priced.api {
            Some(ApiPricing::Rest) => usage.rest_requests += cost.requests as f64 * scale,
            Some(ApiPricing::Http) => usage.http_requests += cost.requests as f64 * scale,
            None => {}
        }
        usage.list_usd += cost.projected_30d_usd;
        total.add(&cost);
        by_service.entry(service_key(f)).or_default().add(&cost);
        by_function.insert(f.arn.clone(), cost);
    }
    let default = table.region("");
    usage.x86_64_rate = rate(x86_usd, usage.x86_64_gb_seconds, default.x86_64_gb_second);
    usage.arm64_rate = rate(arm_usd, usage.arm64_gb_seconds, default.arm64_gb_second);
    usage.request_rate_per_million = rate(
        request_usd * 1e6,
        usage.requests,
        default.requests_per_million,
    );
    CostReport {
        by_function,
        by_service,
        total,
        month: fleet_month(&usage, table),
    }
}

/// The average rate paid, or the default one when nothing was used.
fn rate(paid: f64, used: f64, default: f64) -> f64 {
    if used > 0.0 { paid / used } else { default }
}
