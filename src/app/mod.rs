//! The TUI's model: state, messages and effects, the pure update, the keymap, the dialogs and
//! the theme. No I/O here: [`crate::tui`] runs the loop and the effects, [`crate::ui`] draws.

pub mod canary_dialog;
pub mod command;
pub mod confirmation;
pub mod deploy_dialog;
pub mod figures;
pub mod fleet_table;
pub mod invoke_dialog;
pub mod keymap;
pub mod logs;
pub mod modal;
pub mod msg;
pub mod rollback_dialog;
pub mod state;
pub mod theme;
pub mod update;

pub use msg::{Effect, Msg};
pub use state::State;
pub use update::update;
