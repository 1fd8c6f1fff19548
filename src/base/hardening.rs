//! What the process does to itself before anything else: no core dumps, since its memory holds
//! client secrets and tokens (a crash must not leave them in a core file), and on Linux no
//! ptrace attachment or /proc/PID/mem reads by other processes of the same user.

/// The core-file limit the process started with, given back to a command `exec` runs in its
/// place (the limit, unlike the dumpable flag, would outlive the exec).
#[cfg(unix)]
static STARTED_WITH: std::sync::OnceLock<rustix::process::Rlimit> = std::sync::OnceLock::new();

/// Best effort: a system that refuses leaves the process as it was. Only the soft limit is
/// lowered, so `exec` can give the command its own; the dumpable flag, which also stops a
/// core file, is what other processes cannot undo.
pub fn no_core_dumps() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let before = getrlimit(Resource::Core);
        let _ = STARTED_WITH.set(before);
        let _ = setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: before.maximum,
            },
        );
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::process::{DumpableBehavior, set_dumpable_behavior};
        let _ = set_dumpable_behavior(DumpableBehavior::NotDumpable);
    }
}

/// Give the core-file limit back before the process becomes another program (`exec`).
pub fn restore_core_limit() {
    #[cfg(unix)]
    if let Some(limit) = STARTED_WITH.get() {
        let _ = rustix::process::setrlimit(rustix::process::Resource::Core, *limit);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn the_process_can_no_longer_dump_core() {
        super::no_core_dumps();
        let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
        let core = limits
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap();
        // "Max core file size  <soft>  <hard>  bytes": the soft limit is 0.
        let soft = core.split_whitespace().nth(4);
        assert_eq!(soft, Some("0"), "{core}");
        assert_eq!(
            rustix::process::dumpable_behavior().unwrap(),
            rustix::process::DumpableBehavior::NotDumpable
        );
    }
}
