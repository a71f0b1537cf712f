//! Plain functions over plain data: REPORT records, latency statistics, the cost model. No I/O
//! here; every face and provider shares them.

pub mod by_version;
pub mod cost;
pub mod filter_pattern;
pub mod histogram;
pub mod insights;
pub mod latency;
pub mod log_file;
pub mod logline;
pub mod metrics;
pub mod pricing;
pub mod report;
pub mod window;
