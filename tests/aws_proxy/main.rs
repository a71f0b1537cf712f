//! The AWS test proxy in front of the emulator, seen through the real SDK clients: quotas
//! throttle exactly the excess with each service's own throttling error, per account-region and
//! class; added latency holds calls; CloudWatch's CBOR round-trips through moto's JSON; and each
//! fault reaches the SDK as the error later tests rely on; `ListFunctions` comes in AWS's pages
//! where asked.

#[path = "../support/mod.rs"]
mod support;

mod classes;
mod cloudwatch;
mod faults;
mod latency;
mod lifecycle;
mod pages;
mod quotas;
mod sdk;
