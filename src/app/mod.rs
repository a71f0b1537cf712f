//! The TUI: state, messages, the pure update, the keymap, and the loop that runs effects.

pub mod canary_dialog;
mod changes;
pub mod command;
pub mod confirmation;
pub mod deploy_dialog;
pub mod dialog;
pub mod figures;
pub mod fleet_table;
pub mod invoke_dialog;
pub mod keymap;
pub mod logs;
pub mod msg;
pub mod runner;
pub mod state;
mod tasks;
pub mod terminal;
pub mod update;

pub use msg::{Effect, Msg};
pub use runner::App;
pub use state::State;
pub use update::update;
