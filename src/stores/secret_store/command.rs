//! A password manager as the secret store: a read command (e.g. `pass show coupa/acme`,
//! `op read op://vault/acme/secret`) whose first line of output is the secret, and an optional
//! write command that receives a new secret on stdin. Each command line is split as a shell
//! would split it but run without a shell; its stderr reaches the user (a manager may say why
//! it refused); it gets a time limit.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use wait_timeout::ChildExt;
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
    })?;
    if words.is_empty() {
        return Err(StoreError::Command {
            command: line.to_string(),
            detail: "is empty".into(),
        });
    }
    Ok(words)
}

fn run(line: &str, input: Option<&Secret>, limit: Duration) -> Result<Vec<u8>, StoreError> {
    let fail = |detail: String| StoreError::Command {
        command: line.to_string(),
        detail,
    };
    let words = split(line)?;
    let mut cmd = Command::new(&words[0]);
    // The manager gets the user's environment without what this program treats as secrets.
    for var in SECRET_VARS {
        cmd.env_remove(var);
    }
    let mut child = cmd
        .args(&words[1..])
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| fail(format!("cannot be started ({e})")))?;
    if let (Some(secret), Some(mut stdin)) = (input, child.stdin.take()) {
        let _ = stdin.write_all(secret.expose().as_bytes());
        let _ = stdin.write_all(b"\n");
    }
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut out);
        }
        out
    });
    let status = match child.wait_timeout(limit).map_err(|e| fail(e.to_string()))? {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(fail(format!("did not finish within {} s", limit.as_secs())));
        }
    };
    let out = reader.join().unwrap_or_default();
    if !status.success() {
        let mut out = out;
        out.zeroize();
        return Err(fail(format!("failed ({status})")));
    }
    Ok(out)
}

/// The secret: the read command's first line.
pub fn get(store: &CommandStore, limit: Duration) -> Result<Secret, StoreError> {
    let mut out = run(&store.read, None, limit)?;
    let text = String::from_utf8_lossy(&out).into_owned();
    out.zeroize();
    let first = Secret::new(text.lines().next().unwrap_or_default().trim_end());
    drop(Secret::new(text));
    if first.is_empty() {
        return Err(StoreError::Command {
            command: store.read.clone(),
            detail: "printed nothing on its first line".into(),
        });
    }
    Ok(first)
}

/// Hand a new secret to the write command on stdin; `Ok(false)` when there is none.
pub fn set(store: &CommandStore, secret: &Secret, limit: Duration) -> Result<bool, StoreError> {
    let Some(write) = &store.write else {
        return Ok(false);
    };
    let mut out = run(write, Some(secret), limit)?;
    out.zeroize();
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_and_refusals() {
        let limit = Duration::from_secs(5);
        let store = |read: &str| CommandStore {
            read: read.into(),
            write: None,
        };
        assert_eq!(
            get(&store("printf 's3cret\\nsecond line'"), limit)
                .unwrap()
                .expose(),
            "s3cret"
        );
        assert_eq!(
            get(&store("echo 'two words'"), limit).unwrap().expose(),
            "two words",
            "quoted as a shell would"
        );
        let failed = get(&store("sh -c 'echo oops >&2; exit 3'"), limit).unwrap_err();
        assert!(
            failed.to_string().contains("failed (exit status: 3)"),
            "{failed}"
        );
        let empty = get(&store("true"), limit).unwrap_err();
        assert!(empty.to_string().contains("printed nothing"), "{empty}");
        let slow = get(&store("sleep 5"), Duration::from_millis(200)).unwrap_err();
        assert!(slow.to_string().contains("did not finish within"), "{slow}");
        assert!(
            get(&store("'unclosed"), limit)
                .unwrap_err()
                .to_string()
                .contains("cannot be split")
        );
        assert!(
            get(&store("no-such-command-xyz"), limit)
                .unwrap_err()
                .to_string()
                .contains("cannot be started")
        );
    }
}
