//! The interactive app: home screen, setup wizard, rotate and verify screens (ratatui).
//!
//! State → message → pure update → command → view: `app` and the screens are pure and tested
//! directly; `runtime` does the I/O.

pub mod app;
pub mod command;
pub mod home;
pub mod layout;
pub mod msg;
pub mod rotate;
pub mod runtime;
pub mod scope_picker;
pub mod secret_field;
pub mod terminal;
pub mod text_field;
pub mod theme;
pub mod verify_screen;
pub mod wizard;

use std::io::IsTerminal;

pub use app::{App, Entry};
pub use runtime::{Deps, run};
pub use theme::Theme;
pub use wizard::Prefill;

/// The app needs a terminal on both ends.
pub fn has_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

#[cfg(test)]
mod tests;
