//! Plain functions over plain data: REPORT records, latency statistics (and, next, the cost
//! model). No I/O here; every face and provider shares them.

pub mod histogram;
pub mod latency;
pub mod report;
