//! The command store: a password manager reached through its commands (here `cat` and a shell
//! script standing in for `pass` or `op`). The profile keeps the command lines, never the secret.

use crate::support::cli::{Env, Run};
use crate::support::oauth::OAuthConfig;
use crate::support::pty::Pty;

const SECRET: &str = "manager-secret-1";

/// `setup` of profile `pm` at token URL `url`, its secret read by the command line `read`.
pub fn setup(env: &Env, url: &str, read: &str, write: Option<&str>) -> Run {
    let mut args = vec![
        "setup",
        "--non-interactive",
        "--provider",
        "generic",
        "--profile",
        "pm",
        "--instance",
        url,
        "--client-id",
        "id",
        "--scopes",
        "core.common.read",
        "--secret-store",
        "command",
        "--secret-command",
        read,
    ];
    if let Some(w) = write {
        args.extend(["--secret-write-command", w]);
    }
    env.run(&args)
}

#[test]
fn the_secret_comes_from_the_managers_command_and_rotation_writes_through_it() {
    let oauth = OAuthConfig::new("id", SECRET, &["core.common.read"]);
    oauth.set_secrets(&[SECRET, "manager-secret-2"]);
    let server = oauth.start();
    let url = server.url("/oauth2/token");
    let env = Env::new();
    let vault_file = env.dir.path().join("manager-entry");
    std::fs::write(&vault_file, format!("{SECRET}\nuser: svc-acme\n")).unwrap();
    let read = format!("cat '{}'", vault_file.display());
    let write = format!("sh -c 'cat > \"$0\"' '{}'", vault_file.display());
    let run = setup(&env, &url, &read, Some(&write));
    run.expect(0);
    assert!(
        run.stdout
            .contains(&format!("secret: password manager (`{read}`)")),
        "{}",
        run.stdout
    );
    let profiles = env.read_profiles();
    assert!(
        profiles.contains("store = \"command\"") && profiles.contains("[profiles.pm.secret]"),
        "{profiles}"
    );
    assert!(!profiles.contains(SECRET));
    assert!(
        !std::fs::read_to_string(env.config().join("secrets.toml"))
            .unwrap_or_default()
            .contains(SECRET)
    );
    env.run(&["token", "pm", "--no-cache"]).expect(0);
    env.run(&["verify", "pm"]).expect(0);
    env.run_stdin(
        &["rotate", "pm", "--client-secret-stdin"],
        "manager-secret-2",
    )
    .expect(0);
    assert_eq!(
        std::fs::read_to_string(&vault_file).unwrap().lines().next(),
        Some("manager-secret-2"),
        "written through the manager"
    );
    env.run(&["token", "pm", "--no-cache"]).expect(0);
    // Deleting the profile leaves the manager's entry alone.
    env.run(&["delete", "pm", "--yes"]).expect(0);
    assert!(vault_file.exists());
}

/// A token server that takes SECRET and then `next`, and a manager entry holding SECRET that
/// the read command `cat`s.
struct Manager {
    server: crate::support::oauth::TokenServer,
    url: String,
    env: Env,
    entry: std::path::PathBuf,
    read: String,
}

impl Manager {
    fn start(next: &str) -> Self {
        let oauth = OAuthConfig::new("id", SECRET, &["core.common.read"]);
        oauth.set_secrets(&[SECRET, next]);
        let server = oauth.start();
        let url = server.url("/oauth2/token");
        let env = Env::new();
        let entry = env.dir.path().join("entry");
        std::fs::write(&entry, SECRET).unwrap();
        let read = format!("cat '{}'", entry.display());
        Self {
            server,
            url,
            env,
            entry,
            read,
        }
    }
}

#[test]
fn without_a_write_command_the_manager_is_updated_by_hand_and_failures_are_named() {
    let Manager {
        // Kept to the end of the test: the token server runs while it lives.
        server: _server,
        url,
        env,
        entry,
        read,
    } = Manager::start("by-hand-2");
    setup(&env, &url, &read, None).expect(0);
    // Given a secret the manager does not hold: refused, nothing changes.
    let stale = env.run_stdin(&["rotate", "pm", "--client-secret-stdin"], "by-hand-2");
    stale.expect(3);
    assert!(
        stale
            .stderr
            .contains("store the new secret in your password manager first"),
        "{}",
        stale.stderr
    );
    std::fs::write(&entry, "by-hand-2").unwrap();
    let rotate = env.run(&["rotate", "pm", "--non-interactive"]);
    rotate.expect(0);
    assert!(
        rotate
            .stdout
            .contains("reading the new secret from the password manager"),
        "{}",
        rotate.stdout
    );
    std::fs::remove_file(&entry).unwrap();
    let gone = env.run(&["token", "pm", "--no-cache"]);
    gone.expect(3);
    assert!(
        gone.stderr
            .contains(&format!("the secret command `{read}` failed")),
        "{}",
        gone.stderr
    );
    assert!(
        gone.stderr.contains("No such file"),
        "the manager's own message is passed on: {}",
        gone.stderr
    );
    let slow = Run::from_output(
        env.cmd()
            .env("OAUTH_SETUP_COMMAND_TIMEOUT", "1")
            .args([
                "setup",
                "--non-interactive",
                "--provider",
                "generic",
                "--profile",
                "slow",
                "--instance",
                &url,
                "--client-id",
                "id",
                "--secret-store",
                "command",
                "--secret-command",
                "sleep 30",
            ])
            .output()
            .unwrap(),
    );
    slow.expect(2);
    assert!(
        slow.stderr.contains("did not finish within 1 s"),
        "{}",
        slow.stderr
    );
}

/// The real `pass` (Debian's package) with a throw-away GnuPG key, as a user would set it up.
#[test]
fn the_password_store_pass_reads_and_rotates_the_secret() {
    let env = Env::new();
    let gnupg = env.dir.path().join("gnupg");
    let store = env.dir.path().join("password-store");
    std::fs::create_dir_all(&gnupg).unwrap();
    let sh = |script: &str| {
        let out = std::process::Command::new("sh")
            .args(["-c", script])
            .env("GNUPGHOME", &gnupg)
            .env("PASSWORD_STORE_DIR", &store)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    sh(
        "chmod 700 \"$GNUPGHOME\" && gpg --batch --passphrase '' --quick-gen-key 'oauth-setup test <t@example.invalid>' default default never 2>/dev/null",
    );
    sh(
        "pass init t@example.invalid >/dev/null && printf '%s\\nuser: svc\\n' manager-secret-1 | pass insert -m coupa/acme >/dev/null",
    );
    let oauth = OAuthConfig::new("id", SECRET, &["core.common.read"]);
    oauth.set_secrets(&[SECRET, "manager-secret-2"]);
    let server = oauth.start();
    let url = server.url("/oauth2/token");
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = env.cmd();
        cmd.env("GNUPGHOME", &gnupg)
            .env("PASSWORD_STORE_DIR", &store)
            .args(args);
        if let Some(s) = stdin {
            cmd.write_stdin(s);
        }
        Run::from_output(cmd.output().unwrap())
    };
    run(
        &[
            "setup",
            "--non-interactive",
            "--provider",
            "generic",
            "--profile",
            "pm",
            "--instance",
            &url,
            "--client-id",
            "id",
            "--scopes",
            "core.common.read",
            "--secret-store",
            "command",
            "--secret-command",
            "pass show coupa/acme",
            "--secret-write-command",
            "pass insert -m -f coupa/acme",
        ],
        None,
    )
    .expect(0);
    run(&["token", "pm", "--no-cache"], None).expect(0);
    run(
        &["rotate", "pm", "--client-secret-stdin"],
        Some("manager-secret-2"),
    )
    .expect(0);
    assert_eq!(
        sh("pass show coupa/acme").lines().next(),
        Some("manager-secret-2")
    );
    run(&["token", "pm", "--no-cache"], None).expect(0);
}

/// In the app, a password manager's command never writes on the screen: what it says on
/// stderr is shown in the app's message, and it has no terminal to open (a prompt or a
/// message on /dev/tty goes nowhere). On the command line the same words reach the user.
#[test]
fn a_managers_words_reach_the_apps_message_not_its_screen() {
    let Manager {
        // Kept to the end of the test: the token server runs while it lives.
        server: _server,
        url,
        env,
        entry,
        read,
    } = Manager::start("manager-secret-2");
    // Takes the first secret (at setup) and refuses the next, loudly, on stderr and the tty.
    let script = env.dir.path().join("manager.sh");
    std::fs::write(
        &script,
        format!(
            "read s; [ \"$s\" = {SECRET} ] && exit 0\n\
             echo MANAGER-STDERR refused >&2\necho MANAGER-TTY >/dev/tty\nexit 1\n"
        ),
    )
    .unwrap();
    let write = format!("sh '{}'", script.display());
    setup(&env, &url, &read, Some(&write)).expect(0);
    let cli = env.run_stdin(
        &["rotate", "pm", "--client-secret-stdin"],
        "manager-secret-2",
    );
    cli.expect(3);
    assert!(
        cli.stderr.contains("MANAGER-STDERR refused"),
        "{}",
        cli.all()
    );

    let mut app = Pty::spawn(&env, &["rotate", "pm"], &[]);
    app.wait_for("Enter test and replace");
    app.paste("manager-secret-2");
    app.send("\r");
    let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    app.wait_until("the manager's words", |t| {
        words(t).contains("it said: MANAGER-STDERR refused")
    });
    let screen = app.text();
    assert!(!screen.contains("MANAGER-TTY"), "{screen}");
    let lines: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("MANAGER-STDERR"))
        .collect();
    assert_eq!(lines.len(), 1, "once, in the message: {screen}");
    // The screen holds only what the app drew: a full redraw from its state (a resize away and
    // back makes one) leaves it exactly as it was.
    app.resize(80, 25);
    app.wait_until("the redraw at 25 rows", |t| t.lines().count() == 25);
    std::thread::sleep(std::time::Duration::from_millis(300));
    app.resize(80, 24);
    app.wait_until("the redraw at 24 rows", |t| t.lines().count() == 24);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(app.text(), screen, "the screen is the app's own drawing");
    app.send("\x1b");
    app.wait_exit();
    assert_eq!(
        std::fs::read_to_string(&entry).unwrap(),
        SECRET,
        "nothing stored"
    );
}
