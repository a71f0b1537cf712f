//! mfn-tui: a terminal dashboard for fleets of AWS Lambda microfunctions.
//!
//! The core ([`fleet`], [`config`]) knows nothing of terminals; the TUI ([`app`], [`ui`]) and the
//! subcommands ([`cli`]) are two faces over it.

pub mod analysis;
pub mod app;
pub mod audit;
pub mod cli;
pub mod clock;
pub mod config;
pub mod fleet;
pub mod text;
pub mod tui;
pub mod ui;
pub mod units;
