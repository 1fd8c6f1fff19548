//! `exec`: run a command with a valid token in its environment, never in its arguments. The
//! token comes as `token` gets it (a failure runs nothing and exits as `token` does). Without
//! `--keep-fresh` this process becomes the command (on Unix), so its exit code and every
//! signal are the command's own; with it, `exec/keep_fresh.rs` stays beside the command and
//! keeps a token file fresh.

#[cfg(unix)]
mod keep_fresh;
mod schedule;
mod token_file;

use std::ffi::OsString;
use std::process::Command;

use super::token::{fetch, variable_names, warn_if_short};
use super::{CmdError, Ctx};
use crate::base::exit::ExitCode;
use crate::cli::args::ExecArgs;
use crate::rules::secret::AccessToken;
use crate::session::get::from_cache;
use crate::stores::profile::Profile;

/// The variable a `--keep-fresh` command finds its token file in (WLCG bearer token discovery).
pub const TOKEN_FILE_VARIABLE: &str = "BEARER_TOKEN_FILE";

/// Run the command at once with a cached token that will do, with no lock, network or runtime;
/// `false` when there is none (the caller then starts the runtime and [`run`]s).
pub fn from_cache_now(ctx: &Ctx, args: &ExecArgs) -> Result<bool, CmdError> {
    if args.keep_fresh || !super::token::caching(args.no_cache) {
        return Ok(false);
    }
    let (_, profile) = super::one_profile(ctx, Some(&args.profile))?;
    match from_cache(&ctx.accounts, &profile, args.min_valid) {
        Some(hit) => Err(become_command(args, &profile, &hit.access_token)?),
        None => Ok(false),
    }
}

pub async fn run(ctx: &Ctx, args: ExecArgs) -> Result<(), CmdError> {
    let (name, profile) = super::one_profile(ctx, Some(&args.profile))?;
    let got = fetch(ctx, &name, &profile, args.no_cache, args.min_valid).await?;
    warn_if_short(ctx, &got, args.min_valid);
    if args.keep_fresh {
        #[cfg(unix)]
        return keep_fresh::run(ctx, &args, &name, &profile, got).await;
        #[cfg(not(unix))]
        return Err(CmdError::usage("--keep-fresh needs a Unix system"));
    }
    Err(become_command(&args, &profile, &got.token.access_token)?)
}

/// The command as the user gave it, without what this program holds for itself: a secret
/// given for one run in the environment stays here.
fn command(args: &ExecArgs) -> Result<Command, CmdError> {
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| CmdError::usage("exec needs a command after --"))?;
    let mut cmd = Command::new(program);
    cmd.args(rest)
        .env_remove(crate::rules::fields::ENV_CLIENT_SECRET);
    Ok(cmd)
}

/// Become the command with the token in its variables. Returns only on failure: the error to
/// exit with (or, where a process cannot be replaced, the command's own exit code).
fn become_command(
    args: &ExecArgs,
    profile: &Profile,
    token: &AccessToken,
) -> Result<CmdError, CmdError> {
    let mut cmd = command(args)?;
    for name in variable_names(&args.env, profile)? {
        cmd.env(name, token.expose());
    }
    Ok(replace_process(cmd, &args.command[0]))
}

#[cfg(unix)]
fn replace_process(mut cmd: Command, program: &OsString) -> CmdError {
    use std::os::unix::process::CommandExt;
    crate::base::hardening::restore_core_limit();
    let e = cmd.exec();
    cannot_run(program, &e)
}

#[cfg(not(unix))]
fn replace_process(mut cmd: Command, program: &OsString) -> CmdError {
    match cmd.status() {
        Ok(status) => CmdError::child_exit(status.code().unwrap_or(1)),
        Err(e) => cannot_run(program, &e),
    }
}

/// The command could not be started: 127 when it was not found and 126 otherwise, as shells
/// and env(1) say.
fn cannot_run(program: &OsString, e: &std::io::Error) -> CmdError {
    let shown = program.to_string_lossy();
    let (code, fix) = if e.kind() == std::io::ErrorKind::NotFound {
        (
            ExitCode::CommandNotFound,
            "check the name, or give its full path",
        )
    } else {
        (
            ExitCode::CommandNotRun,
            "check that it is a program you may run (chmod +x?)",
        )
    };
    CmdError::new(code, format!("cannot run {shown}: {e}")).with_fix(fix)
}
