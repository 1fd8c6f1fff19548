//! The command line: its arguments (clap), one module per command, and the completion
//! scripts and man pages.

pub mod args;
pub mod commands;
pub mod completions;
