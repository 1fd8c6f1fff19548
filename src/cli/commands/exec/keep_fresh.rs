//! `exec --keep-fresh`: this process stays beside the command, renews the token file before
//! the token expires, passes signals on, and removes the file when the command ends, whatever
//! ended it. Its exit code is the command's (128+N when signal N ended it).

use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::schedule::{margin, renew_in, retry_in, too_short};
use super::token_file::TokenFile;
use super::{TOKEN_FILE_VARIABLE, cannot_run, command};
use crate::base::exit::ExitCode;
use crate::cli::args::ExecArgs;
use crate::cli::commands::token::{DEFAULT_VARIABLE, fetch};
use crate::cli::commands::{CmdError, Ctx};
use crate::session::get::Got;
use crate::stores::profile::Profile;

/// The signals passed on to the command. Those a terminal sends (Ctrl+C, Ctrl+\) reach the
/// command by themselves when it shares the terminal's foreground group; passing them on too
/// would deliver them twice.
const FORWARDED: [(i32, bool); 6] = [
    (libc_sig::TERM, true),
    (libc_sig::HUP, true),
    (libc_sig::USR1, true),
    (libc_sig::USR2, true),
    (libc_sig::INT, false),
    (libc_sig::QUIT, false),
];

mod libc_sig {
    use rustix::process::Signal;
    pub const TERM: i32 = Signal::TERM.as_raw();
    pub const HUP: i32 = Signal::HUP.as_raw();
    pub const USR1: i32 = Signal::USR1.as_raw();
    pub const USR2: i32 = Signal::USR2.as_raw();
    pub const INT: i32 = Signal::INT.as_raw();
    pub const QUIT: i32 = Signal::QUIT.as_raw();
}

pub async fn run(
    ctx: &Ctx,
    args: &ExecArgs,
    name: &str,
    profile: &Profile,
    got: Got,
) -> Result<(), CmdError> {
    // Listening first: a signal before the handlers would leave the file behind.
    let signals = listen()?;
    let file = TokenFile::create()
        .and_then(|f| f.write(&got.token.access_token).map(|()| f))
        .map_err(|e| {
            CmdError::new(
                ExitCode::Internal,
                format!("cannot write the token file ({e})"),
            )
            .with_fix("set XDG_RUNTIME_DIR or TMPDIR to a private folder you can write to")
        })?;
    let mut cmd = command(args)?;
    cmd.env(TOKEN_FILE_VARIABLE, file.path())
        .env_remove(DEFAULT_VARIABLE);
    let mut child = tokio::process::Command::from(cmd)
        .spawn()
        .map_err(|e| cannot_run(&args.command[0], &e))?;
    let status = supervise(ctx, args, name, profile, got, &file, &mut child, signals).await;
    // The file goes before this process does, whatever ended the command.
    drop(file);
    Err(CmdError::child_exit(status))
}

#[allow(clippy::too_many_arguments, reason = "one loop's state, passed once")]
async fn supervise(
    ctx: &Ctx,
    args: &ExecArgs,
    name: &str,
    profile: &Profile,
    got: Got,
    file: &TokenFile,
    child: &mut tokio::process::Child,
    mut signals: mpsc::UnboundedReceiver<i32>,
) -> i32 {
    let mut failures = 0u32;
    let mut expires_at = got.token.expires_at;
    let now = std::time::SystemTime::now();
    let first = renew_in(got.token.remaining(now), args.min_valid);
    // The renewal runs beside the command and the signals, never instead of them: while a
    // server takes its time, the command's end and a signal are still seen at once (dropping
    // the renewal cancels its request).
    let mut renewal = Box::pin(renew(ctx, args, name, profile, first, expires_at));
    loop {
        tokio::select! {
            status = child.wait() => return exit_code(status),
            Some(sig) = signals.recv() => forward(child, sig),
            fetched = &mut renewal => {
                let wait = match fetched {
                    Ok(new) => {
                        let left = new.token.remaining(std::time::SystemTime::now());
                        failures = if too_short(left, args.min_valid) { failures + 1 } else { 0 };
                        expires_at = new.token.expires_at;
                        match file.write(&new.token.access_token) {
                            Ok(()) if failures > 0 => Some(retry_in(failures)),
                            Ok(()) => renew_in(left, args.min_valid),
                            Err(e) => {
                                failures += 1;
                                crate::tell!("{} cannot write the token file ({e})", ctx.style.warn("warning:"));
                                Some(retry_in(failures))
                            }
                        }
                    }
                    Err(e) => {
                        failures += 1;
                        let again = retry_in(failures);
                        crate::tell!(
                            "{} renewing the token failed: {}; trying again in {}",
                            ctx.style.warn("warning:"),
                            e.message,
                            humantime::format_duration(again)
                        );
                        Some(again)
                    }
                };
                renewal = Box::pin(renew(ctx, args, name, profile, wait, expires_at));
            }
        }
    }
}

/// After `wait` (never, when `None`), a token that outlasts the current one's margin.
async fn renew(
    ctx: &Ctx,
    args: &ExecArgs,
    name: &str,
    profile: &Profile,
    wait: Option<Duration>,
    expires_at: Option<std::time::SystemTime>,
) -> Result<Got, CmdError> {
    match wait {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
    let now = std::time::SystemTime::now();
    let left = expires_at
        .and_then(|at| at.duration_since(now).ok())
        .unwrap_or_default();
    // Beat the margin by a second, so the cache's token now due is not handed back.
    let need = margin(left, args.min_valid) + Duration::from_secs(1);
    fetch(ctx, name, profile, args.no_cache, need).await
}

/// One channel for every forwarded signal, so the loop waits on one thing.
fn listen() -> Result<mpsc::UnboundedReceiver<i32>, CmdError> {
    let (tx, rx) = mpsc::unbounded_channel();
    for (raw, _) in FORWARDED {
        let mut stream = signal(SignalKind::from_raw(raw)).map_err(|e| {
            CmdError::new(ExitCode::Internal, format!("cannot handle signals ({e})"))
        })?;
        let tx = tx.clone();
        tokio::spawn(async move {
            while stream.recv().await.is_some() {
                if tx.send(raw).is_err() {
                    break;
                }
            }
        });
    }
    Ok(rx)
}

fn forward(child: &tokio::process::Child, raw: i32) {
    let always = FORWARDED.iter().any(|(s, a)| *s == raw && *a);
    if !always && in_terminal_foreground() {
        return;
    }
    let pid = child
        .id()
        .and_then(|id| rustix::process::Pid::from_raw(i32::try_from(id).ok()?));
    if let (Some(pid), Some(sig)) = (pid, rustix::process::Signal::from_named_raw(raw)) {
        let _ = rustix::process::kill_process(pid, sig);
    }
}

/// Whether this process (and so the command, which shares its group) is in the foreground of
/// its controlling terminal: then the terminal's own signals reached the command already.
/// Asked of /dev/tty, so redirected stdin, stdout or stderr do not hide the terminal.
fn in_terminal_foreground() -> bool {
    std::fs::File::open("/dev/tty").is_ok_and(|tty| {
        rustix::termios::tcgetpgrp(&tty).is_ok_and(|fg| fg == rustix::process::getpgrp())
    })
}

fn exit_code(status: std::io::Result<std::process::ExitStatus>) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    match status {
        Ok(s) => s
            .code()
            .or_else(|| s.signal().map(|n| 128 + n))
            .unwrap_or(1),
        Err(_) => 1,
    }
}
