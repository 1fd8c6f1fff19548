//! oauth-setup: set up, rotate and verify OAuth 2.0 client-credentials accounts.
//!
//! The library holds everything the command line and the interactive app stand on: field rules,
//! provider presets, profiles, secret stores, the diagnosing token test and layered verification.

pub(crate) mod account;
pub(crate) mod atomic_file;
pub mod authorize;
pub mod cli;
pub mod commands;
pub mod completions;
pub mod config_dir;
pub mod discovery;
pub(crate) mod exit;
pub(crate) mod fault;
pub mod fields;
#[doc(hidden)]
pub mod fuzzing;
pub mod hardening;
pub(crate) mod import;
pub(crate) mod log;
pub(crate) mod loopback;
pub mod out;
pub mod profile;
pub mod provider;
pub(crate) mod report;
pub(crate) mod rotate;
pub mod sanitize;
pub mod secret;
pub(crate) mod secret_store;
pub(crate) mod session;
pub mod sign_in;
pub(crate) mod timeouts;
pub(crate) mod timestamp;
pub mod token;
pub mod tui;
pub(crate) mod vault;
pub(crate) mod verify;
