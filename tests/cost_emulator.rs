//! `mfn-tui cost` against the emulator: billed GB-seconds from REPORT records priced by
//! architecture, API Gateway added where a route reaches the function, projected to 30 days.

mod support;

use serde_json::Value;
use support::cli::entry;
use support::emulator::Emulator;
use support::fleet::{EAST, seed_fleet, seed_reports};

fn assert_close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"));
    assert!(
        (got - want).abs() <= want.abs() * 1e-9 + 1e-15,
        "{got} != {want}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cost_prices_each_function_by_architecture_and_route_and_projects_30_days() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    seed_reports(&emulator).await;
    let (code, stdout, stderr) = support::cli::mfn_against(
        &emulator.endpoint,
        EAST,
        &[
            "cost",
            "--json",
            "--since",
            "1h",
            "users-dev-login",
            "articles-prod-api",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();

    // users-dev-login: arm64, 256 MB, behind an HTTP API. Billed 350 ms cold + 450 ms warm.
    let login = entry(&doc, "functions", "users-dev-login");
    assert_eq!(login["requests"], 10);
    assert_close(&login["billed_gb_seconds"], 0.2);
    assert_close(&login["cold_start_gb_seconds"], 0.0625);
    assert_close(&login["compute_usd"], 0.2 * 0.0000133334);
    assert_close(&login["request_usd"], 10.0 * 0.20 / 1e6);
    assert_close(&login["api_gateway_usd"], 10.0 * 1.00 / 1e6);
    let login_total = 0.2 * 0.0000133334 + 2e-6 + 1e-5;
    assert_close(&login["total_usd"], login_total);
    assert_close(&login["projected_30d_usd"], login_total * 720.0);

    // articles-prod-api: x86_64, 128 MB, behind a REST API. Billed 3,940 ms.
    let api = entry(&doc, "functions", "articles-prod-api");
    let gb_s = 3940.0 * 128.0 / 1024.0 / 1000.0;
    assert_close(&api["billed_gb_seconds"], gb_s);
    assert_close(&api["compute_usd"], gb_s * 0.0000166667);
    assert_close(&api["api_gateway_usd"], 5.0 * 3.50 / 1e6);
    // 1,024 MB of /tmp: 0.5 GB above the free 512 MB for 3.94 billed seconds.
    assert_close(&api["ephemeral_usd"], 0.5 * 3.94 * 0.0000000309);

    // Dearest first, services rolled up, the fleet total is the sum.
    assert_eq!(doc["functions"][0]["name"], "articles-prod-api");
    let api_total = api["total_usd"].as_f64().unwrap();
    assert_close(&doc["fleet"]["total_usd"], login_total + api_total);
    assert_close(&entry(&doc, "services", "users")["total_usd"], login_total);
    // A tiny fleet fits in the free tier: the month's estimate is the list price less it.
    let month = &doc["fleet"]["month"];
    assert!(month["estimate_usd"].as_f64().unwrap() < month["list_usd"].as_f64().unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn cost_by_service_as_csv_has_a_header_and_a_row_per_service() {
    let emulator = Emulator::start();
    seed_fleet(&emulator).await;
    seed_reports(&emulator).await;
    let (code, stdout, stderr) = support::cli::mfn_against(
        &emulator.endpoint,
        EAST,
        &["cost", "--csv", "--by", "service"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("name,region,service,stage,requests,billed_gb_seconds"));
    assert_eq!(lines.len(), 1 + 5, "five services in us-east-1:\n{stdout}");
    assert!(
        lines[1].starts_with("articles,us-east-1,articles,prod,5,"),
        "{stdout}"
    );
    let (code, _, stderr) =
        support::cli::mfn_against(&emulator.endpoint, EAST, &["cost", "--json", "--csv"]);
    assert_eq!(code, Some(2), "{stderr}");
}
