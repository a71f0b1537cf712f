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
use super::seed::{FunctionSpec, Seeder, function_arn};

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
            .env("TABLE", "articles"),
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
