//! The keyring store against a real Secret Service (gnome-keyring under dbus-run-session, started
//! by tests/run.sh), and its failure modes.

use std::process::Command;

use crate::support::cli::{Env, all_files, contains};
use crate::support::oauth::OAuthConfig;

/// tests/run.sh sets this inside a session with an unlocked keyring; without it these tests
/// cannot mean anything, so they say so and stop.
pub fn keyring_session() -> bool {
    let on = std::env::var("OAUTH_SETUP_TEST_KEYRING").as_deref() == Ok("1");
    if !on {
        eprintln!("skipped: needs a Secret Service; run tests/run.sh");
    }
    on
}

fn error_line(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_default()
}

pub fn lookup(secret_ref: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "oauth-setup", "username", secret_ref])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `setup` into the default (keyring) store, the secret on stdin.
pub fn keyring_setup(env: &Env, instance: &str) -> assert_cmd::Command {
    let mut cmd = env.cmd();
    cmd.args([
        "setup",
        "--non-interactive",
        "--provider",
        "coupa",
        "--profile",
        "acme",
    ]);
    cmd.args([
        "--instance",
        instance,
        "--scopes",
        "core.common.read",
        "--client-id",
        "id",
    ]);
    cmd.arg("--client-secret-stdin");
    cmd
}

/// `setup` into the keyring, with a D-Bus "session bus" that is a socket of ours handing each
/// connection to `on_connection`; returns the output and when the run started.
fn setup_against_fake_bus(
    env: &Env,
    keyring_timeout: &str,
    mut on_connection: impl FnMut(std::os::unix::net::UnixStream) + Send + 'static,
) -> (std::process::Output, std::time::Instant) {
    let bus = env.dir.path().join("bus");
    let listener = std::os::unix::net::UnixListener::bind(&bus).unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            on_connection(conn);
        }
    });
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let started = std::time::Instant::now();
    let out = keyring_setup(env, &server.url(""))
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", bus.display()),
        )
        .env("OAUTH_SETUP_KEYRING_TIMEOUT", keyring_timeout)
        .write_stdin("sec")
        .output()
        .unwrap();
    (out, started)
}

pub fn secret_ref(env: &Env, profile: &str) -> String {
    let shown: serde_json::Value =
        serde_json::from_str(&env.run(&["show", profile, "--json"]).stdout).unwrap();
    shown["secret_ref"].as_str().unwrap().to_string()
}

#[test]
fn keyring_lifecycle_in_a_real_secret_service() {
    if !keyring_session() {
        return;
    }
    const SECRET: &str = "KEYRING-CANARY-9d8e7f";
    let oauth = OAuthConfig::new("id", SECRET, &["core.common.read"]);
    let server = oauth.start();
    let env = Env::new();
    let run = env.setup(
        "acme",
        &server.url(""),
        "id",
        SECRET,
        "core.common.read",
        &["--secret-store", "keyring"],
    );
    run.expect(0);
    assert!(
        run.stdout
            .contains("OS keyring (service oauth-setup, account acme-"),
        "{}",
        run.stdout
    );
    assert!(env.read_profiles().contains("store = \"keyring\""));
    let r = secret_ref(&env, "acme");
    assert_eq!(lookup(&r).as_deref(), Some(SECRET));
    for (path, bytes) in all_files(env.dir.path()) {
        assert!(
            !contains(&bytes, SECRET),
            "{} holds the keyring secret",
            path.display()
        );
    }
    env.run(&["verify", "acme"]).expect(0);
    oauth.set_secrets(&["KEYRING-NEW"]);
    env.run_stdin(&["rotate", "acme", "--client-secret-stdin"], "KEYRING-NEW")
        .expect(0);
    assert_eq!(lookup(&r).as_deref(), Some("KEYRING-NEW"));
    env.run(&["token", "acme"]).expect(0);
    env.run(&["delete", "acme", "--yes"]).expect(0);
    assert_eq!(lookup(&r), None);
}

#[test]
fn no_session_bus_is_a_clear_error_and_saves_nothing() {
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let env = Env::new();
    let out = keyring_setup(&env, &server.url(""))
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env("OAUTH_SETUP_KEYRING_TIMEOUT", "5")
        .write_stdin("sec")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("the OS keyring is unusable: no D-Bus session bus"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--secret-store file") && stderr.contains("OAUTH_SETUP_CLIENT_SECRET"),
        "{stderr}"
    );
    assert!(!env.profiles().exists() || !env.read_profiles().contains("acme"));
    crate::support::report::row(
        "no D-Bus session bus",
        1,
        &format!("exit 3: {}", error_line(&stderr)),
    );
}

#[test]
fn a_locked_keyring_gives_a_clear_error_within_the_timeout() {
    if !keyring_session() {
        return;
    }
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let env = Env::new();
    let home = env.dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    // A fresh session bus whose keyring daemon has no unlocked collection: storing waits on a
    // prompt nobody can answer.
    let started = std::time::Instant::now();
    let out = Command::new("dbus-run-session")
        .args([
            "--",
            env!("CARGO_BIN_EXE_oauth-setup"),
            "setup",
            "--non-interactive",
            "--provider",
            "coupa",
            "--profile",
            "acme",
            "--instance",
            &server.url(""),
            "--scopes",
            "core.common.read",
            "--client-id",
            "id",
        ])
        .env("HOME", &home)
        .env("OAUTH_SETUP_CONFIG_DIR", env.config())
        .env("OAUTH_SETUP_KEYRING_TIMEOUT", "3")
        .env("OAUTH_SETUP_CLIENT_SECRET", "sec")
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("did not answer within 3 s") || stderr.contains("locked"),
        "{stderr}"
    );
    assert!(stderr.contains("--secret-store file"), "{stderr}");
    assert!(started.elapsed().as_secs() < 60);
    crate::support::report::row(
        "locked keyring (no unlocked collection)",
        1,
        &format!(
            "exit 3 in {:.1} s: {}",
            started.elapsed().as_secs_f64(),
            error_line(&stderr)
        ),
    );
    assert!(!env.read_profiles().contains("[profiles.acme]"));
}

#[test]
fn a_secret_service_that_never_answers_times_out() {
    let env = Env::new();
    let mut held = Vec::new();
    // Accept connections and never say a word, like a wedged D-Bus daemon.
    let (out, started) = setup_against_fake_bus(&env, "2", move |conn| held.push(conn));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("the OS keyring did not answer within 2 s"),
        "{stderr}"
    );
    crate::support::report::row(
        "Secret Service bus that never answers",
        1,
        &format!(
            "exit 3 in {:.1} s (timeout 2 s): {}",
            started.elapsed().as_secs_f64(),
            error_line(&stderr)
        ),
    );
    assert!(stderr.contains("--secret-store file"), "{stderr}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert!(
        !env.read_profiles().contains("[profiles.acme]"),
        "nothing may be saved"
    );
}

#[test]
fn a_secret_service_that_dies_mid_call_is_a_clear_error() {
    use std::io::Read;
    let env = Env::new();
    // Take the start of the conversation, then vanish, like a daemon killed mid-call.
    let (out, started) = setup_against_fake_bus(&env, "5", |mut conn| {
        let mut buf = [0u8; 64];
        let _ = conn.read(&mut buf);
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("the OS keyring"), "{stderr}");
    assert!(stderr.contains("--secret-store file"), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert!(!env.read_profiles().contains("[profiles.acme]"));
    crate::support::report::row(
        "Secret Service connection dropped mid-call",
        1,
        &format!(
            "exit 3 in {:.1} s: {}",
            started.elapsed().as_secs_f64(),
            error_line(&stderr)
        ),
    );
}

#[test]
fn the_keyring_daemon_killed_between_calls() {
    if !keyring_session() {
        return;
    }
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let env = Env::new();
    let data = env.dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    // A private session: store a secret, kill the daemon, then read it back. D-Bus activation
    // starts a fresh daemon whose keyring is locked: the read must fail clearly, not hang. The
    // setup waits until the unlocked daemon owns the bus name: else activation may start a
    // second daemon that meets the first one's half-written keyring file (seen once in CI).
    let script = format!(
        "printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
         for i in $(seq 50); do \
           dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
             org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
             | grep -q true && break; sleep 0.1; \
         done; \
         printf sec | {bin} setup --non-interactive --provider coupa --profile acme --instance {url} \
           --scopes core.common.read --client-id id --client-secret-stdin >/dev/null || exit 90; \
         for p in $(pgrep -x gnome-keyring-d); do \
           tr '\\0' '\\n' < /proc/$p/environ | grep -qx \"DBUS_SESSION_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS\" && kill -KILL $p; \
         done; sleep 0.3; \
         exec {bin} verify acme",
        bin = env!("CARGO_BIN_EXE_oauth-setup"),
        url = server.url("")
    );
    let started = std::time::Instant::now();
    // Output to files, not pipes, and a hard time limit: a stray daemon holding a pipe must not
    // hang the test.
    let out_path = env.dir.path().join("out");
    let err_path = env.dir.path().join("err");
    let status = Command::new("timeout")
        .args([
            "-k",
            "5",
            "60",
            "dbus-run-session",
            "--",
            "sh",
            "-c",
            &script,
        ])
        .env("XDG_DATA_HOME", &data)
        .env("OAUTH_SETUP_CONFIG_DIR", env.config())
        .env("OAUTH_SETUP_KEYRING_TIMEOUT", "3")
        .env("NO_PROXY", "127.0.0.1")
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .status()
        .unwrap();
    let out = std::process::Output {
        status,
        stdout: std::fs::read(&out_path).unwrap(),
        stderr: std::fs::read(&err_path).unwrap(),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_ne!(
        out.status.code(),
        Some(90),
        "setup failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("FAIL  secret") && stdout.contains("OS keyring"),
        "{stdout}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    crate::support::report::row(
        "gnome-keyring-daemon killed, then the secret read",
        1,
        &format!(
            "verify exit 3 in {:.1} s: {}",
            started.elapsed().as_secs_f64(),
            stdout
                .lines()
                .find(|l| l.contains("FAIL"))
                .unwrap_or_default()
                .trim()
        ),
    );
}
