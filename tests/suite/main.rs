//! Integration tests: the real binary against real servers on 127.0.0.1, real files, and (when
//! the test script provides one) a real Secret Service.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_macros,
    clippy::panic,
    clippy::too_many_lines,
    reason = "test code: a failure should stop the test loudly, and scenarios read top to bottom"
)]

mod api;
mod at_scale;
mod authcode;
mod bad_input;
mod command_store;
mod commands;
mod concurrency;
mod crash;
mod device;
mod discovery;
mod exec;
mod faults;
mod fuzz_props;
mod handover;
mod hostile;
mod hygiene;
mod inspect;
mod keyring;
mod leaks;
mod local_files;
mod preset;
mod profiles;
mod refresh;
mod schemas;
mod share;
mod shell_docs;
mod sign_in_terminal;
mod support;
mod token_cache;
mod token_http;
mod tui_pty;
mod tui_sign_in;
mod vault;
mod vault_cluster;
