//! A password manager as the secret store: a read command (e.g. `pass show coupa/acme`,
//! `op read op://vault/acme/secret`) whose first line of output is the secret, and an optional
//! write command that receives a new secret on stdin. Each command line is split as a shell
//! would split it but run without a shell, with a time limit. On the command line its stderr
//! and prompts reach the user (a manager may say why it refused, or ask for a passphrase); in
//! the app, which owns the screen, it runs without a terminal and its stderr is kept and shown.

use std::io::{Read, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use process_wrap::std::{ChildWrapper, CommandWrap, ProcessSession};
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::StoreError;
use crate::rules::secret::Secret;

pub const ENV_COMMAND_TIMEOUT: &str = "OAUTH_SETUP_COMMAND_TIMEOUT";

/// Variables holding secrets this program reads: never passed to a password manager's command.
pub const SECRET_VARS: [&str; 3] = [
    "BAO_TOKEN",
    "VAULT_TOKEN",
    crate::rules::fields::ENV_CLIENT_SECRET,
];

/// The commands a profile keeps (never a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandStore {
    pub read: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write: Option<String>,
}

/// How long a command may take: `OAUTH_SETUP_COMMAND_TIMEOUT` seconds (1 to 600), else 60 (a
/// manager may wait for its unlock). A bad value is refused at start
/// ([`check_timeout`]); here it falls back to the default.
pub fn timeout() -> Duration {
    check_timeout().unwrap_or(Duration::from_secs(60))
}

pub fn check_timeout() -> Result<Duration, super::BadTimeout> {
    super::seconds_from_env(ENV_COMMAND_TIMEOUT, 60)
}

/// The words of a command line, or why it cannot be split.
pub fn split(line: &str) -> Result<Vec<String>, StoreError> {
    let words = shell_words::split(line).map_err(|e| StoreError::Command {
        command: line.to_string(),
        detail: format!("cannot be split into words ({e})"),
        said: None,
    })?;
    if words.is_empty() {
        return Err(StoreError::Command {
            command: line.to_string(),
            detail: "is empty".into(),
            said: None,
        });
    }
    Ok(words)
}

/// Whose terminal a command may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Terminal {
    /// The command line's: the manager's messages and prompts (a pinentry) reach the user.
    #[default]
    Shared,
    /// The app owns the screen: the command runs in a session of its own, with no terminal
    /// to open, and what it writes to stderr is kept for the app to show.
    Detached,
}

/// How a command runs: its time limit and whose terminal it may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub limit: Duration,
    pub terminal: Terminal,
}

impl Run {
    /// The limit from the environment ([`timeout`]), on `terminal`.
    pub fn on(terminal: Terminal) -> Self {
        Self {
            limit: timeout(),
            terminal,
        }
    }
}

/// What a detached command may say on stderr before the rest is dropped.
const MAX_SAID: u64 = 4096;

fn run(line: &str, input: Option<&Secret>, how: Run) -> Result<Vec<u8>, StoreError> {
    let words = split(line)?;
    let detached = how.terminal == Terminal::Detached;
    let mut cmd = CommandWrap::with_new(&words[0], |cmd| {
        // The manager gets the user's environment without what this program treats as secrets.
        for var in SECRET_VARS {
            cmd.env_remove(var);
        }
        cmd.args(&words[1..])
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(if detached {
                Stdio::piped()
            } else {
                Stdio::inherit()
            });
    });
    if detached {
        cmd.wrap(ProcessSession);
    }
    let fail = |detail: String, said: Option<String>| StoreError::Command {
        command: line.to_string(),
        detail,
        said,
    };
    let mut child = cmd
        .spawn()
        .map_err(|e| fail(format!("cannot be started ({e})"), None))?;
    if let (Some(secret), Some(mut stdin)) = (input, child.stdin().take()) {
        let _ = stdin.write_all(secret.expose().as_bytes());
        let _ = stdin.write_all(b"\n");
    }
    let stdout = read_all(child.stdout().take(), u64::MAX);
    let stderr = read_all(child.stderr().take(), MAX_SAID);
    let status = wait(&mut *child, how.limit).map_err(|e| fail(e.to_string(), None));
    let said = stderr.join().ok().and_then(|e| said(&e));
    let mut out = stdout.join().unwrap_or_default();
    match status {
        Ok(Some(status)) if status.success() => Ok(out),
        Ok(Some(status)) => {
            out.zeroize();
            Err(fail(format!("failed ({status})"), said))
        }
        Ok(None) => {
            out.zeroize();
            let limit = how.limit.as_secs();
            Err(fail(format!("did not finish within {limit} s"), said))
        }
        Err(e) => Err(e),
    }
}

/// The stream read to its end on a thread of its own (so a full pipe never blocks the child),
/// keeping at most `max` bytes.
fn read_all(
    stream: Option<impl Read + Send + 'static>,
    max: u64,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(mut s) = stream {
            let _ = s.by_ref().take(max).read_to_end(&mut out);
            let _ = std::io::copy(&mut s, &mut std::io::sink());
        }
        out
    })
}

/// The exit status within `limit`; `None` when the command was stopped at the limit (with
/// every process of its session, when detached).
fn wait(
    child: &mut dyn ChildWrapper,
    limit: Duration,
) -> std::io::Result<Option<std::process::ExitStatus>> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// What a detached command wrote to stderr, its lines joined with " / ", as safe text for a
/// screen (at most 300 characters), or nothing.
fn said(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let joined = crate::rules::sanitize::one_line(&lines.join(" / "), 300);
    (!joined.is_empty()).then_some(joined)
}

/// The secret: the read command's first line.
pub fn get(store: &CommandStore, how: Run) -> Result<Secret, StoreError> {
    let mut out = run(&store.read, None, how)?;
    let text = String::from_utf8_lossy(&out).into_owned();
    out.zeroize();
    let first = Secret::new(text.lines().next().unwrap_or_default().trim_end());
    drop(Secret::new(text));
    if first.is_empty() {
        return Err(StoreError::Command {
            command: store.read.clone(),
            detail: "printed nothing on its first line".into(),
            said: None,
        });
    }
    Ok(first)
}

/// Hand a new secret to the write command on stdin; `Ok(false)` when there is none.
pub fn set(store: &CommandStore, secret: &Secret, how: Run) -> Result<bool, StoreError> {
    let Some(write) = &store.write else {
        return Ok(false);
    };
    let mut out = run(write, Some(secret), how)?;
    out.zeroize();
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(read: &str) -> CommandStore {
        CommandStore {
            read: read.into(),
            write: None,
        }
    }

    #[test]
    fn first_line_and_refusals() {
        for terminal in [Terminal::Shared, Terminal::Detached] {
            let how = Run {
                limit: Duration::from_secs(5),
                terminal,
            };
            let got = |read: &str| get(&store(read), how);
            assert_eq!(
                got("printf 's3cret\\nsecond line'").unwrap().expose(),
                "s3cret"
            );
            assert_eq!(
                got("echo 'two words'").unwrap().expose(),
                "two words",
                "quoted as a shell would"
            );
            let failed = got("sh -c 'echo oops >&2; exit 3'").unwrap_err();
            assert!(
                failed.to_string().contains("failed (exit status: 3)"),
                "{failed}"
            );
            let empty = got("true").unwrap_err();
            assert!(empty.to_string().contains("printed nothing"), "{empty}");
            let short = Run {
                limit: Duration::from_millis(200),
                terminal,
            };
            let slow = get(&store("sleep 5"), short).unwrap_err();
            assert!(slow.to_string().contains("did not finish within"), "{slow}");
            let unclosed = got("'unclosed").unwrap_err().to_string();
            assert!(unclosed.contains("cannot be split"), "{unclosed}");
            let missing = got("no-such-command-xyz").unwrap_err().to_string();
            assert!(missing.contains("cannot be started"), "{missing}");
        }
    }

    /// Detached (in the app), what the command writes to stderr is kept in its error, made
    /// safe for a screen, and never reaches the terminal; it has no terminal to open.
    #[test]
    fn a_detached_command_keeps_what_it_says() {
        let how = Run {
            limit: Duration::from_secs(5),
            terminal: Terminal::Detached,
        };
        let loud = "sh -c 'printf \"gpg: decryption failed\\033[2J\\n\" >&2; exit 2'";
        match get(&store(loud), how) {
            Err(StoreError::Command {
                said: Some(said), ..
            }) => {
                assert!(said.starts_with("gpg: decryption failed"), "{said:?}");
                assert!(!crate::rules::sanitize::has_unsafe(&said), "{said:?}");
            }
            other => panic!("{other:?}"),
        }
        // A success says nothing to keep; a chatty one still gives its first line.
        let chatty = "sh -c 'echo note >&2; echo s3cret'";
        assert_eq!(get(&store(chatty), how).unwrap().expose(), "s3cret");
        // No controlling terminal: /dev/tty cannot be opened, whatever the test runs under.
        let tty = "sh -c 'if (: >/dev/tty) 2>/dev/null; then echo had-a-tty; else echo no-tty; fi'";
        assert_eq!(get(&store(tty), how).unwrap().expose(), "no-tty");
    }
}
