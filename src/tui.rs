//! The interactive app: home screen, setup wizard, rotate and verify screens (ratatui).
//!
//! State → message → pure update → command → view: `app` and the screens are pure and tested
//! directly; `runtime` does the I/O.

pub(crate) mod app;
pub(crate) mod command;
pub(crate) mod home;
pub(crate) mod keymap;
pub(crate) mod layout;
pub(crate) mod login_screen;
pub mod msg;
pub(crate) mod rotate;
pub(crate) mod runtime;
pub(crate) mod scope_picker;
pub(crate) mod scrub;
pub(crate) mod secret_field;
pub(crate) mod sign_in_panel;
pub(crate) mod terminal;
pub(crate) mod text_field;
pub(crate) mod theme;
pub(crate) mod verify_screen;
pub(crate) mod wizard;
pub(crate) mod wrap;

use std::io::IsTerminal;

pub use crate::vault::VaultEnv;
pub use app::{App, Entry};
pub use runtime::{Deps, run};
pub use theme::Theme;
pub use wizard::Prefill;

/// The app needs a terminal on both ends.
pub fn has_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

#[cfg(test)]
#[allow(
    clippy::too_many_lines,
    reason = "scripted walks through the app read best top to bottom"
)]
mod tests;
