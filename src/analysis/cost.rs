//! The cost model: list price per function from its billed GB-seconds and requests, an API
//! Gateway estimate where a route reaches it, a 30-day projection; free tier and volume tiers
//! applied once, for the fleet, and shown apart from list price.

use serde::Serialize;

use super::latency::{LatencyStats, Window};
use super::pricing::PricingTable;
use super::report::InvocationReport;

const MONTH_MS: f64 = 30.0 * 86_400_000.0;

/// What a function is, as far as its price goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricedAs<'a> {
    pub region: &'a str,
    pub arm64: bool,
    /// `/tmp` size; the part above 512 MB is billed per GB-second.
    pub ephemeral_storage_mb: u32,
    /// The kind of API Gateway API in front of it, if a route reaches it (REST if both).
    pub api: Option<ApiPricing>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiPricing {
    Rest,
    Http,
}

/// A function's cost over the window, at list price.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Cost {
    pub requests: u64,
    pub billed_gb_seconds: f64,
    pub cold_start_gb_seconds: f64,
    pub request_usd: f64,
    pub compute_usd: f64,
    pub ephemeral_usd: f64,
    pub api_gateway_usd: f64,
    pub total_usd: f64,
    pub projected_30d_usd: f64,
}

impl Cost {
    pub fn add(&mut self, other: &Cost) {
        self.requests += other.requests;
        self.billed_gb_seconds += other.billed_gb_seconds;
        self.cold_start_gb_seconds += other.cold_start_gb_seconds;
        self.request_usd += other.request_usd;
        self.compute_usd += other.compute_usd;
        self.ephemeral_usd += other.ephemeral_usd;
        self.api_gateway_usd += other.api_gateway_usd;
        self.total_usd += other.total_usd;
        self.projected_30d_usd += other.projected_30d_usd;
    }
}

/// List price of one function's traffic in the window (`stats.window`).
pub fn function_cost(stats: &LatencyStats, priced: PricedAs, table: &PricingTable) -> Cost {
    let prices = table.region(priced.region);
    let rate = if priced.arm64 {
        prices.arm64_gb_second
    } else {
        prices.x86_64_gb_second
    };
    let requests = stats.invocations;
    let gb_s = stats.billed_gb_seconds();
    let request_usd = requests as f64 * prices.requests_per_million / 1e6;
    let compute_usd = gb_s * rate;
    let extra_gb = f64::from(priced.ephemeral_storage_mb.saturating_sub(512)) / 1024.0;
    let ephemeral_usd = extra_gb * stats.billed_ms / 1000.0 * prices.ephemeral_gb_second;
    let api_gateway_usd = match priced.api {
        Some(ApiPricing::Rest) => requests as f64 * first_tier(&table.api_gateway.rest_tiers) / 1e6,
        Some(ApiPricing::Http) => requests as f64 * first_tier(&table.api_gateway.http_tiers) / 1e6,
        None => 0.0,
    };
    let total_usd = request_usd + compute_usd + ephemeral_usd + api_gateway_usd;
    Cost {
        requests,
        billed_gb_seconds: gb_s,
        cold_start_gb_seconds: stats.cold_start_gb_seconds(),
        request_usd,
        compute_usd,
        ephemeral_usd,
        api_gateway_usd,
        total_usd,
        projected_30d_usd: total_usd * MONTH_MS / stats.window.len_ms() as f64,
    }
}

/// List price of one invocation, from its REPORT record: the same model as a window's traffic.
pub fn invocation_cost(report: &InvocationReport, priced: PricedAs, table: &PricingTable) -> f64 {
    let window = Window {
        start_ms: 0,
        end_ms: 1,
    };
    let mut stats = LatencyStats::new(window, 1);
    stats.record(report, 0);
    function_cost(&stats, priced, table).total_usd
}

fn first_tier(tiers: &[(f64, f64)]) -> f64 {
    tiers.first().map(|t| t.1).unwrap_or(0.0)
}

/// A month of the fleet's traffic, for the account-level adjustments.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MonthlyUsage {
    pub requests: f64,
    pub x86_64_gb_seconds: f64,
    pub arm64_gb_seconds: f64,
    pub rest_requests: f64,
    pub http_requests: f64,
    /// List price of the month (requests, compute, API Gateway).
    pub list_usd: f64,
    /// Average compute prices of the month, for valuing free and discounted GB-seconds.
    pub x86_64_rate: f64,
    pub arm64_rate: f64,
    pub request_rate_per_million: f64,
}

/// The fleet's projected month: list price, then what the free tier and the volume tiers take
/// off. Applied once for the whole account, never per function.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FleetMonth {
    pub list_usd: f64,
    pub free_tier_usd: f64,
    pub volume_discount_usd: f64,
    pub estimate_usd: f64,
}

pub fn fleet_month(usage: &MonthlyUsage, table: &PricingTable) -> FleetMonth {
    // Free requests, then free GB-seconds: x86_64 first (the dearer rate), then arm64.
    let free_requests = usage.requests.min(table.free_tier.requests);
    let mut free_gb_s = table.free_tier.gb_seconds;
    let free_x86 = usage.x86_64_gb_seconds.min(free_gb_s);
    free_gb_s -= free_x86;
    let free_arm = usage.arm64_gb_seconds.min(free_gb_s);
    let free_tier_usd = free_requests * usage.request_rate_per_million / 1e6
        + free_x86 * usage.x86_64_rate
        + free_arm * usage.arm64_rate;

    let volume = |gb_s: f64, rate: f64, tiers: &[(f64, f64)]| -> f64 {
        let mut below = 0.0;
        let mut discount = 0.0;
        for &(up_to, off) in tiers {
            let in_tier = (gb_s.min(up_to) - below).max(0.0);
            discount += in_tier * rate * off;
            below = up_to;
        }
        discount
    };
    let api = |requests: f64, tiers: &[(f64, f64)]| -> f64 {
        // List price charged the first tier's rate on everything; the tiers charge less above it.
        let first = first_tier(tiers);
        let mut below = 0.0;
        let mut discount = 0.0;
        for &(up_to, per_million) in tiers {
            let in_tier = (requests.min(up_to) - below).max(0.0);
            discount += in_tier * (first - per_million) / 1e6;
            below = up_to;
        }
        discount
    };
    let volume_discount_usd = volume(
        usage.x86_64_gb_seconds - free_x86,
        usage.x86_64_rate,
        &table.lambda.x86_64_tiers,
    ) + volume(
        usage.arm64_gb_seconds - free_arm,
        usage.arm64_rate,
        &table.lambda.arm64_tiers,
    ) + api(usage.rest_requests, &table.api_gateway.rest_tiers)
        + api(usage.http_requests, &table.api_gateway.http_tiers);
    FleetMonth {
        list_usd: usage.list_usd,
        free_tier_usd: free_tier_usd.min(usage.list_usd),
        volume_discount_usd,
        estimate_usd: (usage.list_usd - free_tier_usd - volume_discount_usd).max(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::pricing::RegionOverrides;
    use crate::analysis::report::parse;

    fn table() -> PricingTable {
        crate::config::Config::defaults().pricing
    }

    fn stats(window_ms: i64, invocations: u32, cold: bool) -> LatencyStats {
        let mut s = LatencyStats::new(
            Window {
                start_ms: 0,
                end_ms: window_ms,
            },
            1,
        );
        let line = if cold {
            "REPORT RequestId: c\tDuration: 395.99 ms\tBilled Duration: 662 ms\tMemory Size: 512 MB\tMax Memory Used: 301 MB\tInit Duration: 265.72 ms"
        } else {
            "REPORT RequestId: w\tDuration: 99.10 ms\tBilled Duration: 100 ms\tMemory Size: 1024 MB\tMax Memory Used: 301 MB"
        };
        let r = parse(line).unwrap();
        for _ in 0..invocations {
            s.record(&r, 0);
        }
        s
    }

    #[test]
    fn one_invocation_costs_its_request_and_its_billed_gb_seconds() {
        let cold = parse("REPORT RequestId: c\tDuration: 395.99 ms\tBilled Duration: 662 ms\tMemory Size: 512 MB\tMax Memory Used: 301 MB\tInit Duration: 265.72 ms").unwrap();
        let priced = PricedAs {
            region: "us-east-1",
            arm64: false,
            ephemeral_storage_mb: 512,
            api: None,
        };
        // 0.662 s × 0.5 GB at the x86 rate, plus one request.
        let expected = 0.331 * 0.0000166667 + 0.2 / 1e6;
        assert!((invocation_cost(&cold, priced, &table()) - expected).abs() < 1e-12);
    }

    #[test]
    fn list_price_is_requests_plus_billed_gb_seconds_at_the_architecture_rate() {
        // 1,000 warm calls of 100 ms at 1 GB: 100 GB-s.
        let s = stats(3_600_000, 1_000, false);
        let x86 = function_cost(
            &s,
            PricedAs {
                region: "us-east-1",
                arm64: false,
                ephemeral_storage_mb: 512,
                api: None,
            },
            &table(),
        );
        assert!((x86.billed_gb_seconds - 100.0).abs() < 1e-9);
        assert!((x86.compute_usd - 100.0 * 0.0000166667).abs() < 1e-12);
        assert!((x86.request_usd - 0.0002).abs() < 1e-12);
        let arm = function_cost(
            &s,
            PricedAs {
                region: "us-east-1",
                arm64: true,
                ephemeral_storage_mb: 512,
                api: None,
            },
            &table(),
        );
        assert!((arm.compute_usd - 100.0 * 0.0000133334).abs() < 1e-12);
        // One hour projected to 30 days.
        assert!((x86.projected_30d_usd - x86.total_usd * 720.0).abs() < 1e-9);
    }

    #[test]
    fn billed_init_is_in_the_bill_and_the_cold_share_is_reported() {
        let s = stats(3_600_000, 1, true);
        let c = function_cost(
            &s,
            PricedAs {
                region: "eu-west-1",
                arm64: false,
                ephemeral_storage_mb: 512,
                api: None,
            },
            &table(),
        );
        assert!((c.billed_gb_seconds - 0.331).abs() < 1e-9);
        assert!((c.cold_start_gb_seconds - 0.133).abs() < 1e-9);
    }

    #[test]
    fn a_route_adds_the_api_gateway_request_price() {
        let s = stats(3_600_000, 2_000_000, false);
        let rest = function_cost(
            &s,
            PricedAs {
                region: "us-east-1",
                arm64: false,
                ephemeral_storage_mb: 512,
                api: Some(ApiPricing::Rest),
            },
            &table(),
        );
        let http = function_cost(
            &s,
            PricedAs {
                region: "us-east-1",
                arm64: false,
                ephemeral_storage_mb: 512,
                api: Some(ApiPricing::Http),
            },
            &table(),
        );
        assert!((rest.api_gateway_usd - 7.0).abs() < 1e-9);
        assert!((http.api_gateway_usd - 2.0).abs() < 1e-9);
    }

    #[test]
    fn ephemeral_storage_above_512_mb_is_billed_for_the_billed_time() {
        // 1,000 calls of 100 ms with 2,560 MB of /tmp: 2 GB extra for 100 s.
        let s = stats(3_600_000, 1_000, false);
        let priced = PricedAs {
            region: "us-east-1",
            arm64: false,
            ephemeral_storage_mb: 2560,
            api: None,
        };
        let c = function_cost(&s, priced, &table());
        assert!((c.ephemeral_usd - 2.0 * 100.0 * 0.0000000309).abs() < 1e-15);
        let free = function_cost(
            &s,
            PricedAs {
                ephemeral_storage_mb: 512,
                ..priced
            },
            &table(),
        );
        assert_eq!(free.ephemeral_usd, 0.0);
        assert!((c.total_usd - free.total_usd - c.ephemeral_usd).abs() < 1e-15);
    }

    #[test]
    fn a_region_override_replaces_only_what_it_names() {
        let mut t = table();
        t.regions.insert(
            "ap-east-1".into(),
            RegionOverrides {
                x86_64_gb_second: Some(0.00002292),
                ..Default::default()
            },
        );
        let p = t.region("ap-east-1");
        assert_eq!(p.x86_64_gb_second, 0.00002292);
        assert_eq!(p.requests_per_million, 0.20);
    }

    #[test]
    fn the_free_tier_and_volume_tiers_apply_once_for_the_fleet() {
        let t = table();
        let x = 0.0000166667;
        // Small fleet: everything free.
        let small = MonthlyUsage {
            requests: 500_000.0,
            x86_64_gb_seconds: 100_000.0,
            list_usd: 0.1 + 100_000.0 * x,
            x86_64_rate: x,
            arm64_rate: 0.0000133334,
            request_rate_per_million: 0.2,
            ..MonthlyUsage::default()
        };
        let m = fleet_month(&small, &t);
        assert!(m.estimate_usd.abs() < 1e-9, "{m:?}");
        // 10 B GB-s of x86: 6 B at list, 4 B at 10% off (after 400 k free).
        let big = MonthlyUsage {
            x86_64_gb_seconds: 10e9,
            list_usd: 10e9 * x,
            x86_64_rate: x,
            ..small
        };
        let m = fleet_month(&big, &t);
        let want_discount = (10e9 - 400_000.0 - 6e9) * x * 0.10;
        assert!(
            (m.volume_discount_usd - want_discount).abs() / want_discount < 1e-9,
            "{m:?}"
        );
        assert!(m.estimate_usd < m.list_usd);
    }
}
