//! The terminal face's loop and its I/O: the loop that owns the [`crate::app::State`], runs
//! the effects `update` asks for and draws with [`crate::ui`]; the terminal's set-up, input and
//! signals. `app` (state and the pure update) and `ui` (drawing) meet only here.

mod changes;
mod effects;
pub mod runner;
mod tasks;
pub mod terminal;

pub use runner::App;
