//! Waiting for a lock file, within a bound: `OAUTH_SETUP_LOCK_TIMEOUT` seconds (1 to 600, else
//! 30). A lock file another user owns is refused (they could hold it forever, or read what it
//! guards). On Linux, a wait that runs out names the process holding the lock (/proc/locks).

use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

pub const ENV_LOCK_TIMEOUT: &str = "OAUTH_SETUP_LOCK_TIMEOUT";

/// Why a lock was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockProblem {
    /// Still held after `waited`; `holder` as the OS tells ("pid 4242 (oauth-setup)").
    Busy {
        waited: Duration,
        holder: Option<String>,
    },
    /// The file or its folder belongs to another user.
    Foreign {
        uid: u32,
    },
    Io(String),
}

pub fn timeout() -> Duration {
    crate::rules::timeouts::seconds_from_env(ENV_LOCK_TIMEOUT, 30)
        .unwrap_or(Duration::from_secs(30))
}

/// Lock `file` (opened at `path`), polling until `limit`.
pub fn wait(file: &File, path: &Path, limit: Duration) -> Result<(), LockProblem> {
    check_owner(file)?;
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => return Err(LockProblem::Io(e.to_string())),
        }
        if start.elapsed() >= limit {
            return Err(LockProblem::Busy {
                waited: limit,
                holder: holder(file, path),
            });
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

#[cfg(unix)]
fn check_owner(file: &File) -> Result<(), LockProblem> {
    use std::os::unix::fs::MetadataExt;
    let uid = file
        .metadata()
        .map_err(|e| LockProblem::Io(e.to_string()))?
        .uid();
    if uid != rustix::process::geteuid().as_raw() {
        return Err(LockProblem::Foreign { uid });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner(_file: &File) -> Result<(), LockProblem> {
    Ok(())
}

/// The process holding a lock on this file, from /proc/locks (Linux): "pid N (name)".
#[cfg(target_os = "linux")]
fn holder(file: &File, _path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let ino = file.metadata().ok()?.ino();
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    let pid = locks.lines().find_map(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        // "1: FLOCK  ADVISORY  WRITE 4242 08:01:1234567 0 EOF"
        let dev_ino = words.get(5)?;
        (dev_ino.rsplit(':').next()? == ino.to_string())
            .then(|| words.get(4).map(|p| p.to_string()))?
    })?;
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    Some(match name.trim() {
        "" => format!("pid {pid}"),
        n => format!("pid {pid} ({})", crate::rules::sanitize::one_line(n, 40)),
    })
}

#[cfg(not(target_os = "linux"))]
fn holder(_file: &File, _path: &Path) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_is_waited_for_within_the_bound_and_its_holder_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let held = File::create(&path).unwrap();
        held.lock().unwrap();
        let other = File::options().write(true).open(&path).unwrap();
        let started = Instant::now();
        let e = wait(&other, &path, Duration::from_millis(200)).unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(200));
        let LockProblem::Busy { holder, .. } = e else {
            panic!("{e:?}")
        };
        #[cfg(target_os = "linux")]
        assert!(
            holder
                .as_deref()
                .is_some_and(|h| h.contains(&std::process::id().to_string())),
            "{holder:?}"
        );
        drop(held);
        wait(&other, &path, Duration::from_millis(200)).unwrap();
    }
}
