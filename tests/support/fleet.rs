//! The multi-region fleet most emulator tests look at.
//!
//! us-east-1:
//! - `users` (Serverless stack `users-dev`): `users-dev-register` (python), `users-dev-login`
//!   (node, arm64; versions 1 and 2, alias `live` → 2 with 10% on 1); HTTP API `users-api`.
//! - `articles` (tag `mfn:service`): `articles-prod-api` with a secret in its environment, behind
//!   the REST API `articles-api` (GET /articles and GET /articles/{id}).
//! - `orders-app` (SAM): `orders-app-CreateOrder-1A2B3C` fed by the SQS queue `orders`.
//! - `comments` (naming only): `comments-staging-getComment`, `comments-staging-getComments`.
//! - `legacy-cron`: no rule places it.
//!
//! eu-west-1:
//! - `users` (naming, prod): `users-prod-register`, `users-prod-login` (alias `live` → 1).
//! - `reports` (tag): `reports-generator`.

use super::emulator::Emulator;
use super::seed::{
    FunctionSpec, Seeder, function_arn, json_report, now_ms, put_logs, text_invocation,
};

pub const EAST: &str = "us-east-1";
pub const WEST: &str = "eu-west-1";
pub const SECRET: &str = "s3cr3t-db-password";

pub async fn seed_fleet(emulator: &Emulator) {
    let role = emulator.create_lambda_role();
    let east = Seeder::new(emulator, EAST, &role).await;
    let west = Seeder::new(emulator, WEST, &role).await;

    let stack = "aws:cloudformation:stack-name";
    east.function(&FunctionSpec::new("users-dev-register").tag(stack, "users-dev"))
        .await;
    east.function(
        &FunctionSpec::new("users-dev-login")
            .tag(stack, "users-dev")
            .node_arm64(256),
    )
    .await;
    let v1 = east.publish("users-dev-login", "2", "first release").await;
    let v2 = east.publish("users-dev-login", "3", "faster login").await;
    east.alias("users-dev-login", "live", &v2, Some((&v1, 0.1)))
        .await;
    east.http_api(
        "users-api",
        &[
            ("POST /register", &function_arn(EAST, "users-dev-register")),
            (
                "POST /login",
                &format!("{}:live", function_arn(EAST, "users-dev-login")),
            ),
        ],
    )
    .await;

    east.function(
        &FunctionSpec::new("articles-prod-api")
            .tag("mfn:service", "articles")
            .env("DB_PASSWORD", SECRET)
            .env("TABLE", "articles")
            .ephemeral(1024),
    )
    .await;
    let api = function_arn(EAST, "articles-prod-api");
    east.rest_api(
        "articles-api",
        &[("GET", "/articles", &api), ("GET", "/articles/{id}", &api)],
    )
    .await;

    east.function(
        &FunctionSpec::new("orders-app-CreateOrder-1A2B3C")
            .tag(stack, "orders-app")
            .tag("lambda:createdBy", "SAM"),
    )
    .await;
    let queue = emulator.create_queue(EAST, "orders");
    east.event_source("orders-app-CreateOrder-1A2B3C", &queue, 10)
        .await;

    east.function(&FunctionSpec::new("comments-staging-getComment"))
        .await;
    east.function(&FunctionSpec::new("comments-staging-getComments"))
        .await;
    east.function(&FunctionSpec::new("legacy-cron")).await;

    west.function(&FunctionSpec::new("users-prod-register"))
        .await;
    west.function(&FunctionSpec::new("users-prod-login")).await;
    let v = west.publish("users-prod-login", "2", "").await;
    west.alias("users-prod-login", "live", &v, None).await;
    west.function(&FunctionSpec::new("reports-generator").tag("mfn:service", "reports"))
        .await;
}

/// users-dev-login: 1 cold (init 250 ms, duration 100 ms) and 9 warm (10, 20, … 90 ms) over two
/// streams, in the text format. articles-prod-api: JSON format, 2 cold, 2 warm, 1 timeout.
pub async fn seed_reports(emulator: &Emulator) {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&emulator.sdk_config(EAST).await);
    let t0 = now_ms() - 600_000;
    let mut first = Vec::new();
    let mut second = Vec::new();
    for (i, line) in text_invocation("c0", 100.0, 256, 180, Some(250.0))
        .into_iter()
        .enumerate()
    {
        first.push((t0 + i as i64, line));
    }
    for k in 1..10 {
        let lines = text_invocation(&format!("w{k}"), 10.0 * f64::from(k), 256, 120, None);
        let stream = if k % 2 == 0 { &mut first } else { &mut second };
        for (i, line) in lines.into_iter().enumerate() {
            stream.push((t0 + 1_000 * i64::from(k) + i as i64, line));
        }
    }
    let group = "/aws/lambda/users-dev-login";
    put_logs(&logs, group, "2026/11/28/[$LATEST]aaaa", &first).await;
    put_logs(&logs, group, "2026/11/28/[2]bbbb", &second).await;

    let json: Vec<(i64, String)> = [
        json_report("j1", 40.0, 128, Some(300.0), "success"),
        json_report("j2", 50.0, 128, Some(500.0), "success"),
        json_report("j3", 20.0, 128, None, "success"),
        json_report("j4", 30.0, 128, None, "error"),
        json_report("j5", 3000.0, 128, None, "timeout"),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, m)| (t0 + 100 * i as i64, m))
    .collect();
    put_logs(
        &logs,
        "/aws/lambda/articles-prod-api",
        "2026/11/28/[$LATEST]cccc",
        &json,
    )
    .await;
}

/// users-dev-login and users-dev-register, two streams each, their lines interleaved in time.
pub async fn seed_log_lines(emulator: &Emulator) -> i64 {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&emulator.sdk_config(EAST).await);
    let t0 = now_ms() - 300_000;
    for (function, offset) in [("users-dev-login", 0), ("users-dev-register", 500)] {
        for (stream, start) in [
            ("2026/11/28/[$LATEST]aaaa", 0),
            ("2026/11/28/[$LATEST]bbbb", 250),
        ] {
            let lines: Vec<(i64, String)> = (0..5)
                .map(|k| {
                    let level = if k == 3 { "ERROR" } else { "INFO" };
                    (
                        t0 + offset + start + 1_000 * k,
                        format!("2026-11-28T10:00:00.000Z\t3f1c0b2e-5d6a-4b7c-8d9e-0f1a2b3c4d5e\t{level}\t{function} {stream} line {k}"),
                    )
                })
                .collect();
            put_logs(&logs, &format!("/aws/lambda/{function}"), stream, &lines).await;
        }
    }
    t0
}
