//! What every layer may use: exit codes, the output edge and `-v` logs, process hardening and
//! the test-only crash points.

pub(crate) mod exit;
pub(crate) mod fault;
pub mod hardening;
pub(crate) mod log;
pub mod out;
