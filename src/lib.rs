//! oauth-setup: set up, rotate and verify OAuth 2.0 client-credentials accounts.
//!
//! The library holds everything the command line and the interactive app stand on: field rules,
//! provider presets, profiles, secret stores, the diagnosing token test and layered verification.

pub mod base;
pub mod cli;
pub mod flows;
#[doc(hidden)]
pub mod fuzzing;
pub mod protocol;
pub(crate) mod report;
pub mod rules;
pub(crate) mod session;
pub mod stores;
pub mod tui;
