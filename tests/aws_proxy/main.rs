//! The AWS test proxy in front of the emulator, seen through the real SDK clients: quotas
//! throttle exactly the excess with each service's own throttling error, per account-region and
//! class; added latency holds calls; CloudWatch's CBOR round-trips through moto's JSON.

#[path = "../support/mod.rs"]
mod support;

mod classes;
mod cloudwatch;
mod latency;
mod quotas;
mod sdk;
