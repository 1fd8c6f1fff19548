//! End to end: the real binary in a pseudo terminal, typed at as a user would, against a real
//! token server on 127.0.0.1.

use crate::support::cli::Env;
use crate::support::oauth::OAuthConfig;
use crate::support::pty::Pty;

const ENTER: &str = "\r";
const TAB: &str = "\t";
const F2: &str = "\x1bOQ";
const CTRL_R: &str = "\x12";
const CTRL_C: &str = "\x03";

fn keyring_session() -> bool {
    std::env::var("OAUTH_SETUP_TEST_KEYRING").as_deref() == Ok("1")
}

#[test]
fn first_time_setup_as_a_user_types_it() {
    const SECRET: &str = "PTY-SECRET-0b7c2e";
    let oauth = OAuthConfig::new("client-1", SECRET, &["core.common.read"]);
    let server = oauth.start();
    let env = Env::new();
    let mut t = Pty::spawn(&env, &[], &[("OAUTH_SETUP_KEYRING_TIMEOUT", "5")]);
    t.wait_for("1/14 Provider");
    assert!(t.alternate_screen() && t.bracketed_paste());
    t.send(ENTER);
    t.wait_for("2/14 Instance URL");
    t.send("http://acme.coupahost.com");
    t.send(ENTER);
    t.wait_for("✗ error: uses http://");
    t.send(&"\x7f".repeat("http://acme.coupahost.com".len()));
    t.wait_until("the field to empty", |s| {
        !s.contains("│http") && !s.contains("✗ error")
    });
    t.send(&server.url(""));
    t.send(ENTER);
    t.wait_for("press Enter again to accept");
    t.send(ENTER);
    t.wait_for("3/14 Grant type");
    t.send(ENTER);
    t.wait_for("4/14 Client name");
    t.send("ERP invoice sync");
    t.send(ENTER);
    t.wait_for("5/14 Login");
    t.send("erp-sync");
    t.send(ENTER);
    t.wait_for("6/14 Contact name");
    t.send("Jane");
    t.send(TAB);
    t.send("Doe");
    t.send(ENTER);
    t.wait_for("7/14 Contact email");
    t.send("jane@example.com");
    t.send(ENTER);
    t.wait_for("8/14 Scopes");
    t.send(F2);
    t.wait_for("1 selected");
    t.send(ENTER);
    t.wait_for("9/14 Create the client");
    assert!(t.text().contains("/oauth2/clients"));
    t.send(ENTER);
    t.wait_for("10/14 Client id");
    t.send("client-1");
    t.send(ENTER);
    t.wait_for("11/14 Client secret");
    t.paste(&format!("{SECRET}\n"));
    t.wait_for(&format!(
        "received {} characters; a trailing newline was removed",
        SECRET.len()
    ));
    assert!(!t.text().contains(SECRET), "hidden by default");
    t.send(CTRL_R);
    t.wait_for(SECRET);
    t.send(CTRL_R);
    t.wait_until("the secret to hide again", |s| !s.contains(SECRET));
    t.send(ENTER);
    t.wait_for("12/14 Review");
    t.send(ENTER);
    t.wait_for("✓ passed: the credentials work");
    t.send(ENTER);
    t.wait_for("14/14 Save");
    if !keyring_session() {
        t.choose_file_store();
    }
    t.send(ENTER);
    t.wait_for("✓ saved profile local");
    t.send(ENTER);
    assert_eq!(t.wait_exit(), 0);
    assert!(!t.alternate_screen(), "the terminal is restored");
    assert!(!t.bracketed_paste());
    let profiles = env.read_profiles();
    assert!(
        profiles.contains("[profiles.local]") && profiles.contains("login = \"erp-sync\""),
        "{profiles}"
    );
    assert!(!profiles.contains(SECRET));
    let secrets = std::fs::read_to_string(env.config().join("secrets.toml")).unwrap_or_default();
    assert_eq!(
        secrets.contains(SECRET),
        !keyring_session(),
        "the secret is in the chosen store"
    );
    env.run(&["verify", "local"]).expect(0);
}

#[test]
fn rotation_refuses_a_wrong_secret_then_takes_the_right_one() {
    let oauth = OAuthConfig::new("client-1", "old-secret", &["core.common.read"]);
    let server = oauth.start();
    let env = Env::with_profile(&server);
    let mut t = Pty::spawn(&env, &["rotate", "acme"], &[]);
    t.wait_for("rotate the secret of acme");
    t.paste("wrong-secret");
    t.send(ENTER);
    t.wait_for("the stored secret was not changed");
    env.run(&["verify", "acme"]).expect(0);
    t.send(&"\x7f".repeat(12));
    oauth.set_secrets(&["new-secret"]);
    t.send("new-secret");
    t.send(ENTER);
    t.wait_for("replaced the old one");
    t.send(ENTER);
    assert_eq!(t.wait_exit(), 0);
    env.run(&["verify", "acme"]).expect(0);
    assert!(env.read_profiles().contains("secret_rotated_at"));
}

#[test]
fn verify_from_the_home_screen() {
    let oauth = OAuthConfig::new("client-1", "sec", &["core.common.read"]);
    let server = oauth.start();
    let env = Env::with_profile(&server);
    let mut t = Pty::spawn(&env, &[], &[]);
    t.wait_for("oauth-setup · profiles");
    t.send("v");
    t.wait_for("acme ✓ ok");
    for check in [
        "profile",
        "permissions",
        "secret",
        "connection",
        "token",
        "scopes",
    ] {
        assert!(
            t.text()
                .lines()
                .any(|l| l.trim_start().starts_with("ok") && l.contains(check)),
            "{check}:\n{}",
            t.text()
        );
    }
    t.send("\x1b");
    t.wait_for("oauth-setup · profiles");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
}

/// While the app owns the screen nothing is written behind its back: `-v` logs (and any line
/// for stderr) are held, and come below the restored screen once the app has left it.
#[test]
fn lines_for_stderr_wait_until_the_app_has_left_the_screen() {
    let oauth = OAuthConfig::new("client-1", "sec", &["core.common.read"]);
    let server = oauth.start();
    let env = Env::with_profile(&server);
    let mut t = Pty::spawn(&env, &["-v"], &[]);
    t.wait_for("oauth-setup · profiles");
    t.send("v");
    t.wait_for("acme ✓ ok");
    assert!(!t.text().contains("debug:"), "{}", t.text());
    t.send("\x1b");
    t.wait_for("oauth-setup · profiles");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    assert!(!t.alternate_screen());
    let after = t.text();
    assert!(
        after.contains("debug: POST"),
        "the log comes after: {after}"
    );
}

#[test]
fn ctrl_c_mid_wizard_restores_the_terminal_and_saves_nothing() {
    let env = Env::new();
    let mut t = Pty::spawn(&env, &["setup"], &[]);
    t.wait_for("1/14 Provider");
    t.send(ENTER);
    t.send("acme");
    t.send(ENTER);
    t.wait_for("3/14 Grant type");
    t.send(CTRL_C);
    t.wait_for("Quit and lose what you typed?");
    t.send("y");
    assert_eq!(
        t.wait_exit(),
        130,
        "a cancelled setup must stop `setup && next`"
    );
    assert!(!t.alternate_screen() && !t.bracketed_paste());
    t.wait_for("cancelled; nothing was saved");
    assert!(!env.profiles().exists());
}

#[test]
fn sigterm_restores_the_terminal() {
    let env = Env::new();
    let mut t = Pty::spawn(&env, &["setup"], &[]);
    t.wait_for("1/14 Provider");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &t.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(t.wait_exit(), 130);
    assert!(!t.alternate_screen(), "SIGTERM must restore the terminal");
    assert!(!env.profiles().exists());
}

#[test]
fn too_small_then_back_to_80x24() {
    let env = Env::new();
    let mut t = Pty::spawn(&env, &["setup"], &[]);
    t.wait_for("1/14 Provider");
    t.resize(40, 10);
    t.wait_for("terminal too small");
    assert!(!t.text().contains("Provider"));
    t.resize(80, 24);
    t.wait_for("1/14 Provider");
    t.send(CTRL_C);
    assert_eq!(t.wait_exit(), 130, "Ctrl+C exits as shells expect");
}

#[test]
fn rotating_an_unknown_profile_is_a_usage_error() {
    let env = Env::new();
    let mut t = Pty::spawn(&env, &["rotate", "nope"], &[]);
    assert_eq!(t.wait_exit(), 2);
    t.wait_for("no profile named \"nope\"");
    assert!(!t.alternate_screen());
}

#[cfg(feature = "fault-injection")]
#[test]
fn a_panic_in_a_background_task_restores_the_terminal() {
    let oauth = OAuthConfig::new("client-1", "sec", &["core.common.read"]);
    let server = oauth.start();
    let env = Env::with_profile(&server);
    let mut t = Pty::spawn(
        &env,
        &["rotate", "acme"],
        &[
            ("OAUTH_SETUP_PANIC_AT", "token:sending"),
            ("RUST_BACKTRACE", "0"),
        ],
    );
    t.wait_for("rotate the secret of acme");
    t.paste("PANIC-CANARY-31");
    t.send(ENTER);
    assert_eq!(t.wait_exit(), 101);
    assert!(
        !t.alternate_screen() && !t.bracketed_paste(),
        "the terminal is restored"
    );
    t.wait_for("injected panic at token:sending");
    assert!(!t.text().contains("PANIC-CANARY-31"));
}

/// A broken profiles file is the same usage error for the app as for `list`: exit 2, the
/// file and line named, and no backup offered when there is none; the terminal is never taken.
#[test]
fn a_broken_profiles_file_is_exit_2_from_the_app_as_from_list() {
    let server = OAuthConfig::new("client-1", "sec", &["core.common.read"]).start();
    let env = Env::with_profile(&server);
    std::fs::write(
        env.profiles(),
        "schema_version = 2\n[profiles.acme]\nprovider = coupa\n",
    )
    .unwrap();
    let _ = std::fs::remove_file(env.config().join("profiles.toml.bak"));
    let list = env.run(&["list"]);
    list.expect(2);
    let mut t = Pty::spawn(&env, &[], &[]);
    assert_eq!(t.wait_exit(), 2, "{}", t.text());
    let said = t.text();
    assert!(said.contains("profiles.toml:3:12"), "{said}");
    assert!(
        list.stderr.contains("profiles.toml:3:12"),
        "{}",
        list.stderr
    );
    for text in [said.as_str(), list.stderr.as_str()] {
        assert!(!text.contains("restore"), "no backup exists: {text}");
    }
}

#[test]
fn verify_screen_reports_a_profiles_file_broken_while_the_app_runs() {
    let server = OAuthConfig::new("client-1", "sec", &["core.common.read"]).start();
    let env = Env::with_profile(&server);
    let mut t = Pty::spawn(&env, &[], &[]);
    t.wait_for("oauth-setup · profiles");
    std::fs::write(env.profiles(), "schema_version = \"one\"\n").unwrap();
    t.send("v");
    t.wait_for("FAIL profile");
    assert!(
        t.text().contains("profiles.toml:1:"),
        "the parse error, not an unknown profile:\n{}",
        t.text()
    );
    assert!(!t.text().contains("no profile named"));
    t.send("\x1b");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn a_burst_of_typed_input_is_processed_without_waiting_for_another_key() {
    // 10,000 characters and Enter arriving at once (a paste without bracketed paste): all of it
    // is handled, Enter included, with no further key needed.
    let env = Env::new();
    let mut t = Pty::spawn(&env, &["setup"], &[]);
    t.wait_for("1/14 Provider");
    t.send(ENTER);
    t.wait_for("2/14 Instance URL");
    t.send(&format!("{}{ENTER}", "a".repeat(10_000)));
    t.wait_for("✗ error:");
    t.send(CTRL_C);
    t.wait_for("Quit and lose what you typed?");
    t.send("y");
    assert_eq!(t.wait_exit(), 130);
}

/// A bracketed paste's line breaks are neither Enter nor joined: a paste of two lines into a
/// one-line field is refused and says so; one line and its line break goes in.
#[test]
fn a_paste_with_line_breaks_is_never_enter_nor_joined() {
    let env = Env::new();
    let mut t = Pty::spawn(&env, &["setup"], &[]);
    t.wait_for("1/14 Provider");
    t.send(ENTER);
    t.wait_for("2/14 Instance URL");
    t.paste("acme\nmore\r\n");
    t.wait_for("the paste had 2 lines");
    assert!(!t.text().contains("acmemore"), "{}", t.text());
    t.paste("acme\r\n");
    t.wait_for("│acme");
    assert!(
        t.text().contains("2/14 Instance URL"),
        "a pasted newline is not Enter"
    );
    t.send(CTRL_C);
    t.send("y");
    assert_eq!(t.wait_exit(), 130);
}
