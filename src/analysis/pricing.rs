//! The price list the cost model reads: `assets/pricing.toml` with the user's `[pricing]`.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `assets/pricing.toml`, with the user's overrides.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricingTable {
    pub lambda: LambdaTiers,
    pub free_tier: FreeTier,
    pub api_gateway: ApiGatewayTiers,
    pub default: RegionPrices,
    #[serde(default)]
    pub regions: BTreeMap<String, RegionOverrides>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaTiers {
    /// [GB-seconds up to, discount] per month.
    pub x86_64_tiers: Vec<(f64, f64)>,
    pub arm64_tiers: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreeTier {
    pub requests: f64,
    pub gb_seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiGatewayTiers {
    /// [requests up to, USD per million] per month.
    pub rest_tiers: Vec<(f64, f64)>,
    pub http_tiers: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionPrices {
    pub x86_64_gb_second: f64,
    pub arm64_gb_second: f64,
    pub requests_per_million: f64,
    pub ephemeral_gb_second: f64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionOverrides {
    pub x86_64_gb_second: Option<f64>,
    pub arm64_gb_second: Option<f64>,
    pub requests_per_million: Option<f64>,
    pub ephemeral_gb_second: Option<f64>,
}

impl PricingTable {
    /// The prices of `region`: the default ones, with what the region's table overrides.
    pub fn region(&self, region: &str) -> RegionPrices {
        let d = self.default;
        let o = self.regions.get(region).copied().unwrap_or_default();
        RegionPrices {
            x86_64_gb_second: o.x86_64_gb_second.unwrap_or(d.x86_64_gb_second),
            arm64_gb_second: o.arm64_gb_second.unwrap_or(d.arm64_gb_second),
            requests_per_million: o.requests_per_million.unwrap_or(d.requests_per_million),
            ephemeral_gb_second: o.ephemeral_gb_second.unwrap_or(d.ephemeral_gb_second),
        }
    }
}
