//! The fleet: its domain model, the [`Fleet`] trait every provider implements with the types
//! that cross it, changes to one function as values ([`change`]), and the providers.

pub mod alias_figures;
pub mod artifact;
pub mod aws;
pub mod cache;
pub mod change;
pub mod cost_report;
pub mod error;
pub mod follow;
pub mod grouping;
pub mod insights_read;
pub mod inventory;
pub mod local;
pub mod locate;
pub mod logs;
pub mod metrics;
pub mod model;
pub mod provider;
pub mod provider_types;
pub mod reports;
pub mod sources;
pub mod walk;

pub use error::FleetError;
pub use inventory::Inventory;
pub use model::*;
pub use provider::{Fleet, LIVE_TAIL_GROUPS, discover_to_end};
pub use provider_types::*;
