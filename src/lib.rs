//! oauth-setup: set up, rotate and verify OAuth 2.0 client-credentials accounts.
//!
//! The library holds everything the command line and the interactive app stand on: field rules,
//! provider presets, profiles, secret stores, the diagnosing token test and layered verification.

pub mod account;
pub mod atomic_file;
pub mod cli;
pub mod commands;
pub mod config_dir;
pub mod exit;
pub mod fault;
pub mod fields;
pub mod log;
pub mod profile;
pub mod provider;
pub mod report;
pub mod secret;
pub mod secret_store;
pub mod timestamp;
pub mod token;
pub mod tui;
pub mod verify;
