//! The app's pure update and its drawing, driven by key sequences (no terminal, no I/O).
#![allow(
    clippy::disallowed_macros,
    reason = "test diagnostics go straight to the test output"
)]
mod defects;
mod driver;
mod hunt;
mod render;
mod scope_defects;
mod screens;
mod sign_in;
mod update;
