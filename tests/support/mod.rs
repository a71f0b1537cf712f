//! Test support shared by the integration tests, examples and benchmarks.
#![allow(dead_code)]

pub mod aws_proxy;
pub mod cli;
pub mod emulator;
pub mod fleet;
pub mod http;
pub mod live_tail;
pub mod local;
pub mod memory_fleet;
pub mod mocks;
pub mod package;
pub mod report_log;
pub mod scratch;
pub mod screen;
pub mod seed;
pub mod sequential;
pub mod timing;
pub mod tmux;
