//! Test-only crash points. Built with the `fault-injection` feature and run with
//! `OAUTH_SETUP_CRASH_AT=<file>:<stage>` (or `<operation>:<stage>`), the process kills itself with
//! SIGKILL at that point, as `kill -9` or a power cut would. Without the feature it is nothing.

#[cfg(feature = "fault-injection")]
pub fn crash_point(scope: &str, stage: &str) {
    let Ok(wanted) = std::env::var("OAUTH_SETUP_CRASH_AT") else {
        return;
    };
    if wanted.split_once(':') == Some((scope, stage)) {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &std::process::id().to_string()])
            .status();
        // SIGKILL is on its way; never run past the point.
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
pub fn crash_point(_scope: &str, _stage: &str) {}

/// With `OAUTH_SETUP_PANIC_AT=<scope>:<stage>`, panic there: tests check that what a panic prints
/// never holds the secret that is in memory at that moment.
#[cfg(feature = "fault-injection")]
#[allow(
    clippy::panic,
    reason = "a test-only crash point: panicking is its purpose"
)]
pub fn panic_point(scope: &str, stage: &str) {
    if std::env::var("OAUTH_SETUP_PANIC_AT")
        .is_ok_and(|v| v.split_once(':') == Some((scope, stage)))
    {
        panic!("injected panic at {scope}:{stage}");
    }
}

#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
pub fn panic_point(_scope: &str, _stage: &str) {}

/// With `OAUTH_SETUP_DISK_FULL_AT=<scope>:<stage>`, fail there as a full disk does (ENOSPC), for
/// machines where the tests cannot mount a small tmpfs to fill.
#[cfg(feature = "fault-injection")]
pub fn disk_full_point(scope: &str, stage: &str) -> std::io::Result<()> {
    if std::env::var("OAUTH_SETUP_DISK_FULL_AT")
        .is_ok_and(|v| v.split_once(':') == Some((scope, stage)))
    {
        return Err(std::io::Error::from_raw_os_error(28));
    }
    Ok(())
}

#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
pub fn disk_full_point(_scope: &str, _stage: &str) -> std::io::Result<()> {
    Ok(())
}
