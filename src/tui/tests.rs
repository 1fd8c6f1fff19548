//! The app's pure update and its drawing, driven by key sequences (no terminal, no I/O).
#![allow(
    clippy::disallowed_macros,
    reason = "test diagnostics go straight to the test output"
)]
mod driver;
mod home_table;
mod off_the_happy_path;
mod profile_view;
mod random_walks;
mod render;
mod scope_picker;
mod screens;
mod sign_in;
mod update;
