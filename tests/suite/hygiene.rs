//! Secret hygiene under scrutiny: the process's argument list, its children, panic output, file
//! permissions and symlinks.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::cli::Env;
#[cfg(feature = "fault-injection")]
use crate::support::cli::{FILE_STORE, setup_args};
use crate::support::oauth::OAuthConfig;
use crate::support::report;
use crate::support::server::{Reply, Server};

const CANARY: &str = "HYGIENE-CANARY-77aa";

fn slow_token_server() -> Server {
    let oauth = OAuthConfig::new("id", CANARY, &["core.common.read"]);
    Server::start(move |r| Reply::Delay(Duration::from_millis(1500), Box::new(oauth.handle(r))))
}

/// Children of `pid`, across all its threads.
fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for t in tasks.flatten() {
        let text = std::fs::read_to_string(t.path().join("children")).unwrap_or_default();
        out.extend(
            text.split_whitespace()
                .filter_map(|c| c.parse::<u32>().ok()),
        );
    }
    out
}

#[test]
fn the_secret_is_not_in_the_argument_list_nor_in_any_child() {
    let server = slow_token_server();
    let env = Env::new();
    let mut samples = 0;
    let mut child_count = 0;
    for via_env in [false, true] {
        let mut cmd = env.std_cmd();
        cmd.args([
            "setup",
            "--non-interactive",
            "--provider",
            "coupa",
            "--profile",
            if via_env { "e" } else { "s" },
            "--instance",
            &server.url(""),
            "--scopes",
            "core.common.read",
            "--client-id",
            "id",
            "--secret-store",
            "file",
        ]);
        if via_env {
            cmd.env("OAUTH_SETUP_CLIENT_SECRET", CANARY);
        } else {
            cmd.arg("--client-secret-stdin");
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if !via_env {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(CANARY.as_bytes())
                .unwrap();
        }
        let pid = child.id();
        let deadline = Instant::now() + Duration::from_secs(20);
        while child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline);
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&cmdline).contains(CANARY),
                "the secret is in the argument list"
            );
            samples += 1;
            for c in children(pid) {
                child_count += 1;
                for part in ["cmdline", "environ"] {
                    let text = std::fs::read(format!("/proc/{c}/{part}")).unwrap_or_default();
                    assert!(
                        !String::from_utf8_lossy(&text).contains(CANARY),
                        "child {c}'s {part} holds the secret"
                    );
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(child.wait().unwrap().success());
    }
    assert!(samples > 20, "the run was too short to sample: {samples}");
    report::row(
        "/proc/<pid>/cmdline and child processes read during a run",
        samples,
        &format!(
            "secret never in the argument list; {child_count} child processes seen, none holding it"
        ),
    );
}

#[cfg(feature = "fault-injection")]
#[test]
fn panic_output_never_holds_the_secret() {
    let server = OAuthConfig::new("id", CANARY, &["core.common.read"]).start();
    let env = Env::new();
    for point in ["setup:secret-read", "token:sending"] {
        let out = env
            .cmd()
            .args(setup_args("p", &server.url(""), "id", "core.common.read"))
            .args(FILE_STORE)
            .env("OAUTH_SETUP_PANIC_AT", point)
            .env("RUST_BACKTRACE", "full")
            .write_stdin(CANARY)
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(101), "{point}: {all}");
        assert!(all.contains("injected panic"), "{all}");
        assert!(
            !all.contains(CANARY),
            "{point}: the panic output holds the secret"
        );
    }
    report::row(
        "panic with the secret in memory (2 points, full backtrace)",
        2,
        "exit 101; the secret is not in the output",
    );
}

#[cfg(unix)]
#[test]
fn open_permissions_are_fixed_with_a_warning_and_symlinks_refused() {
    use std::os::unix::fs::PermissionsExt;
    let server = OAuthConfig::new("id", CANARY, &["core.common.read"]).start();
    let env = Env::with_profile(&server);
    let secrets = env.config().join("secrets.toml");
    std::fs::set_permissions(env.profiles(), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::set_permissions(env.config(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = env.run(&["list"]);
    run.expect(0);
    for (what, mode) in [
        ("profiles.toml was readable by other users (644)", 0o600),
        ("secrets.toml was readable by other users (640)", 0o600),
    ] {
        assert!(run.stderr.contains(what), "{what}: {}", run.stderr);
        let _ = mode;
    }
    assert!(
        run.stderr
            .contains("was open to other users (755); it is now 0700"),
        "{}",
        run.stderr
    );
    for (path, want) in [
        (env.profiles(), 0o600),
        (secrets.clone(), 0o600),
        (env.config(), 0o700),
    ] {
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            want,
            "{}",
            path.display()
        );
    }

    // A secrets file that is a symlink (into someone else's file, say) is not followed.
    let elsewhere = env.dir.path().join("someone-elses.toml");
    std::fs::rename(&secrets, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &secrets).unwrap();
    let run = env.run(&["verify", "acme"]);
    run.expect(3);
    assert!(run.stdout.contains("refusing to follow"), "{}", run.stdout);
    assert!(
        run.stdout.contains("it must be a regular file you own"),
        "{}",
        run.stdout
    );
    report::row(
        "group/world-readable files and folder; symlinked secrets file",
        2,
        "tightened to 0600/0700 with a warning each; the symlink refused (exit 3) with the fix",
    );
}
