//! Shell completions and man pages, both generated from the command-line definition so they
//! never drift from it. Completions run this program at completion time (clap_complete's
//! environment-activated engine), which is how profile names are offered from profiles.toml.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::env::{CompleteEnv, Shells};

use crate::cli::args::{Cli, Shell};

/// The variable the shells' registration scripts set when they ask for completions.
const VAR: &str = "OAUTH_SETUP_COMPLETE";
const BIN: &str = "oauth-setup";

/// Answer a completion request and exit, when the shell made one; else return at once (one
/// environment lookup: `token` runs per API request).
pub fn answer_if_asked() {
    CompleteEnv::with_factory(Cli::command).var(VAR).complete();
}

/// The script that makes `shell` complete oauth-setup, calling the `oauth-setup` on PATH.
pub fn registration(shell: Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let name = shell.name();
    let shells = Shells::builtins();
    let completer = shells
        .completer(name)
        .ok_or_else(|| std::io::Error::other(format!("no completer for {name}")))?;
    match completer.write_registration(VAR, BIN, BIN, BIN, out) {
        // `oauth-setup completions bash | head` is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// The main page (`oauth-setup.1`), in roff, to `out`; a closed pipe is not an error.
pub fn main_page(out: &mut impl std::io::Write) -> std::io::Result<()> {
    match clap_mangen::Man::new(Cli::command()).render(out) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// One man page per command (`oauth-setup.1`, `oauth-setup-setup.1`, ...) written to `dir`;
/// the paths written.
pub fn write_man_pages(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    fn write(cmd: clap::Command, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            write(sub, dir, out)?;
        }
        out.push(clap_mangen::Man::new(cmd).generate_to(dir)?);
        Ok(())
    }
    std::fs::create_dir_all(dir)?;
    // As clap_mangen::generate_to does, keeping the paths: built, so subcommands carry their
    // full names (oauth-setup-setup), and without the help subcommand.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    write(cmd, dir, &mut pages)?;
    Ok(pages)
}
