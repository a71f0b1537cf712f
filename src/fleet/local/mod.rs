//! The local provider: a fleet of Serverless projects on this machine, each function run in
//! child processes that speak the real Lambda Runtime API to a server on loopback.

pub mod answer;
pub mod bundle;
pub mod capacity;
pub mod code;
pub mod environment;
pub mod fleet;
pub mod gateway;
pub mod lineage;
pub mod operations;
pub mod options;
pub mod output;
pub mod platform;
pub mod pool;
pub mod presence;
pub mod project;
mod provider;
pub mod refused;
pub mod runtime_api;
pub mod schedule;
pub mod store;
pub mod versions;
pub mod watchdog;

pub use fleet::{LocalFleet, LocalOptions};
