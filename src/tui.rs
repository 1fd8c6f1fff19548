//! The interactive app: home screen, setup wizard, rotate and verify screens (ratatui).
//!
//! State → message → pure update → command → view: `app` and the screens are pure and tested
//! directly; `runtime` does the I/O.

pub(crate) mod app;
pub(crate) mod command;
pub mod msg;
pub(crate) mod runtime;
pub(crate) mod screens;
pub(crate) mod scrub;
pub(crate) mod widgets;

use std::io::IsTerminal;

pub use crate::stores::vault::VaultEnv;
pub use app::{App, Entry};
pub use runtime::{Deps, run};
pub use screens::wizard::Prefill;
pub use widgets::theme::Theme;

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
