//! The hostile suite: a teammate's file, a token server and a Vault that try to run commands,
//! capture credentials, break the terminal or destroy a profile. Every case checks that no
//! command ran (a marker file), no canary reached a listener it was not meant for, no raw
//! control byte reached stdout or stderr, the exit code and the message, and that the profile
//! already there is byte-identical afterwards.

use std::path::{Path, PathBuf};

mod servers;

use serde_json::json;

use crate::support::cli::{Env, Run, all_files, write_profile};
use crate::support::server::{Reply, Server};

const VICTIM_SECRET: &str = "VICTIM-SECRET-canary-77a1";
const VAULT_TOKEN: &str = "hvs.VAULT-TOKEN-canary-91c3";

/// A machine with one working profile, `victim`, whose files are kept to compare.
struct Victim {
    env: Env,
    before: Vec<(PathBuf, Vec<u8>)>,
    marker: PathBuf,
}

impl Victim {
    fn new() -> Self {
        let env = Env::new();
        write_profile(
            &env,
            "victim",
            "https://victim.example.com/oauth2/token",
            VICTIM_SECRET,
        );
        let before = all_files(&env.config());
        let marker = env.dir.path().join("MARKER-a-command-ran");
        Self {
            env,
            before,
            marker,
        }
    }

    fn file(&self, text: &str) -> String {
        let path = self.env.dir.path().join("hostile.profile.toml");
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    }

    fn import(&self, text: &str, extra: &[&str], vars: &[(&str, &str)]) -> Run {
        let file = self.file(text);
        let mut cmd = self.env.cmd();
        cmd.env("BAO_TOKEN", VAULT_TOKEN);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        Run::from_output(cmd.arg("import").arg(&file).args(extra).output().unwrap())
    }

    /// What every case asserts besides its own.
    #[track_caller]
    fn unharmed(&self, run: &Run) {
        assert!(
            !self.marker.exists(),
            "a command from the file ran:\n{}",
            run.all()
        );
        assert_eq!(
            all_files(&self.env.config())
                .into_iter()
                .filter(|(p, _)| !is_lock(p))
                .collect::<Vec<_>>(),
            self.before
                .iter()
                .filter(|(p, _)| !is_lock(p))
                .cloned()
                .collect::<Vec<_>>(),
            "the profile already there changed:\n{}",
            run.all()
        );
        no_raw_controls(run);
        assert!(!run.all().contains(VICTIM_SECRET) && !run.all().contains(VAULT_TOKEN));
    }
}

fn is_lock(p: &Path) -> bool {
    p.components().any(|c| c.as_os_str() == "locks") || p.ends_with(".lock")
}

#[track_caller]
fn no_raw_controls(run: &Run) {
    for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let bad: Vec<char> = text
            .chars()
            .filter(|c| {
                (c.is_control() && *c != '\n')
                    || ('\u{202a}'..='\u{202e}').contains(c)
                    || ('\u{2066}'..='\u{2069}').contains(c)
            })
            .collect();
        assert!(
            bad.is_empty(),
            "raw control characters {bad:?} in {name}:\n{text}"
        );
    }
}

fn profile_file(token_url: &str, store: &str) -> String {
    format!(
        r#"kind = "oauth-setup profile"
format_version = 1
name = "victim"

[profile]
provider = "generic"
instance_url = "{token_url}"
token_url = "{token_url}"
grant_type = "client_credentials"
client_id = "id"
client_auth = "client_secret_post"
scopes = ["core.common.read"]
{store}"#
    )
}

/// A listener that records whatever reaches it (a canary trap).
fn trap() -> Server {
    Server::start(|_| Reply::json(200, &json!({"access_token": "x", "token_type": "Bearer"})))
}

#[track_caller]
fn nothing_reached(trap: &Server) {
    assert!(
        trap.requests().is_empty(),
        "the trap got {} request(s)",
        trap.requests().len()
    );
}

#[test]
fn a_command_from_a_file_never_runs_without_the_importers_consent_to_that_exact_line() {
    let v = Victim::new();
    let t = trap();
    let read = format!("sh -c 'id > {}'", v.marker.display());
    let text = profile_file(
        &t.url("/oauth2/token"),
        &format!(
            "secret_store = \"command\"\n\n[profile.command]\nread = \"{}\"\n",
            read.replace('"', "\\\"")
        ),
    );
    let run = v.import(&text, &["--profile", "other"], &[]);
    run.expect(2);
    assert!(
        run.stdout.contains("read command") && run.stdout.contains(&read),
        "shown first:\n{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("--allow-command") && run.stderr.contains("nothing was imported"),
        "{}",
        run.stderr
    );
    v.unharmed(&run);
    nothing_reached(&t);
    // Consent to another line, or to the endpoint only, is not consent to this one.
    let origin = t.url("");
    let run = v.import(
        &text,
        &[
            "--profile",
            "other",
            "--allow-endpoint",
            &origin,
            "--allow-command",
            "sh -c 'id'",
        ],
        &[],
    );
    run.expect(2);
    v.unharmed(&run);
    nothing_reached(&t);
}

#[test]
fn the_importers_vault_token_never_goes_to_a_vault_address_from_a_file() {
    let v = Victim::new();
    let evil_vault = trap();
    let t = trap();
    let store = format!(
        "secret_store = \"vault\"\n\n[profile.vault]\naddr = \"{}\"\nmount = \"secret\"\npath = \"oauth-setup/acme\"\n",
        evil_vault.url("")
    );
    let text = profile_file(&t.url("/oauth2/token"), &store);
    let run = v.import(
        &text,
        &["--profile", "other", "--allow-endpoint", &t.url("")],
        &[("BAO_ADDR", "https://vault.corp.example")],
    );
    run.expect(2);
    assert!(run.stderr.contains("--allow-vault"), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("is not your BAO_ADDR (https://vault.corp.example)"),
        "the difference is named:\n{}",
        run.stdout
    );
    v.unharmed(&run);
    nothing_reached(&evil_vault);
    nothing_reached(&t);
    // Plain http off loopback, and paths that leave the KV mount, are refused as setup would.
    for (addr, path) in [
        ("http://vault.attacker.example:8200", "oauth-setup/acme"),
        (&evil_vault.url("") as &str, "../../sys/raw/core"),
        (&evil_vault.url("") as &str, "a/%2e%2e/%2E%2E/sys/raw"),
    ] {
        let store = format!(
            "secret_store = \"vault\"\n\n[profile.vault]\naddr = \"{addr}\"\nmount = \"secret\"\npath = \"{path}\"\n"
        );
        let run = v.import(
            &profile_file(&t.url("/oauth2/token"), &store),
            &[
                "--profile",
                "other",
                "--allow-endpoint",
                &t.url(""),
                "--allow-vault",
                addr,
            ],
            &[],
        );
        run.expect(2);
        assert!(
            run.stderr.contains("Vault"),
            "{addr} {path}: {}",
            run.stderr
        );
        v.unharmed(&run);
        nothing_reached(&evil_vault);
    }
}

#[test]
fn endpoints_from_a_file_pass_setups_rules() {
    let v = Victim::new();
    let coupa = |extra: &str| {
        format!(
            r#"kind = "oauth-setup profile"
format_version = 1
name = "victim"

[profile]
provider = "coupa"
instance_url = "https://acme.coupahost.com"
token_url = "https://acme.coupahost.com/oauth2/token"
grant_type = "authorization_code"
client_id = "id"
client_auth = "client_secret_post"
scopes = ["core.common.read"]
secret_store = "file"

[profile.user_grant]
authorize_url = "https://acme.coupahost.com/oauth2/authorizations/new"
{extra}"#
        )
    };
    for (extra, want) in [
        (
            "revocation_url = \"http://attacker.example.com/revoke\"\n",
            "http://",
        ),
        (
            "revocation_url = \"https://attacker.example.com/revoke\"\n",
            "not on the instance's host",
        ),
        (
            "device_authorization_url = \"javascript:alert(1)\"\n",
            "the device authorization endpoint",
        ),
        ("issuer = \"file:///etc/passwd\"\n", "the issuer"),
    ] {
        let run = v.import(&coupa(extra), &["--profile", "other"], &[]);
        run.expect(2);
        assert!(run.stderr.contains(want), "{extra}: {}", run.stderr);
        v.unharmed(&run);
    }
}

#[test]
fn a_failed_replace_leaves_the_old_profile_and_its_secret_as_they_were() {
    let v = Victim::new();
    let refusing = Server::start(|_| Reply::json(401, &json!({"error": "invalid_client"})));
    let read = "printf wrong-secret";
    let text = profile_file(
        &refusing.url("/oauth2/token"),
        &format!("secret_store = \"command\"\n\n[profile.command]\nread = \"{read}\"\n"),
    );
    let run = v.import(
        &text,
        &[
            "--replace",
            "--allow-endpoint",
            &refusing.url(""),
            "--allow-command",
            read,
        ],
        &[],
    );
    run.expect(4);
    assert!(
        run.stdout
            .contains("it replaces your profile victim once it has passed"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("nothing was imported"),
        "{}",
        run.stderr
    );
    v.unharmed(&run);
    assert!(!refusing.requests().is_empty(), "tested, with consent");
}

/// A file whose profile cannot be tested here (its secret is the importer's to add) never
/// replaces a working profile: it would leave the name without a secret that works.
#[test]
fn an_untestable_file_never_replaces_a_working_profile() {
    let v = Victim::new();
    let server =
        Server::start(|_| Reply::json(200, &json!({"access_token": "t", "token_type": "Bearer"})));
    let text = profile_file(&server.url("/oauth2/token"), "secret_store = \"file\"\n");
    let run = v.import(
        &text,
        &["--replace", "--allow-endpoint", &server.url("")],
        &[],
    );
    run.expect(2);
    assert!(
        run.stderr
            .contains("would replace victim untested; nothing was changed"),
        "{}",
        run.stderr
    );
    v.unharmed(&run);
    assert!(server.requests().is_empty(), "nothing was contacted");
}

#[test]
fn hostile_text_in_a_file_is_refused_and_shown_escaped() {
    let v = Victim::new();
    let t = trap();
    let text = profile_file(&t.url("/oauth2/token"), "secret_store = \"file\"\n")
        .replace(
            "client_id = \"id\"",
            "client_id = \"id\\u001b]52;c;cHduZWQ=\\u0007\"",
        )
        .replace("name = \"victim\"", "name = \"evil\\u202e\"");
    let run = v.import(&text, &[], &[]);
    run.expect(2);
    v.unharmed(&run);
    let big = format!(
        "{}\n# {}\n",
        profile_file(&t.url("/t"), "secret_store = \"file\"\n"),
        "x".repeat(70_000)
    );
    let run = v.import(&big, &["--profile", "other"], &[]);
    run.expect(2);
    assert!(run.stderr.contains("at most 65536 bytes"), "{}", run.stderr);
    v.unharmed(&run);
    nothing_reached(&t);
}

/// A token server answering `body` to every request.
fn token_server(body: serde_json::Value) -> Server {
    Server::start(move |_| Reply::json(200, &body))
}

#[test]
fn tokens_that_would_inject_a_header_or_a_terminal_sequence_are_refused() {
    for (token, token_type) in [
        ("tok\r\nX-Injected: 1", "Bearer"),
        ("tok\u{1b}[2J", "Bearer"),
        ("tök", "Bearer"),
        ("tok", "Bearer\u{1b}[31m"),
    ] {
        let server = token_server(
            json!({"access_token": token, "token_type": token_type, "expires_in": 3600}),
        );
        let env = Env::new();
        write_profile(&env, "p", &server.url("/oauth2/token"), "s");
        for format in ["raw", "header", "json"] {
            let run = env.run(&["token", "p", "--format", format]);
            run.expect(5);
            assert!(
                run.stderr.contains("not a usable token"),
                "{token:?}: {}",
                run.stderr
            );
            no_raw_controls(&run);
            assert!(!run.stdout.contains("tok"), "{}", run.stdout);
        }
        let run = env.run(&["verify", "p"]);
        run.expect(5);
        no_raw_controls(&run);
    }
}

#[test]
fn a_token_that_is_not_bearer_never_gets_a_bearer_header() {
    let server =
        token_server(json!({"access_token": "abc", "token_type": "DPoP", "expires_in": 3600}));
    let env = Env::new();
    write_profile(&env, "p", &server.url("/oauth2/token"), "s");
    let run = env.run(&["token", "p", "--format", "header"]);
    run.expect(5);
    assert!(
        run.stderr.contains("type DPoP, not Bearer"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    env.run(&["token", "p"]).expect(0);
    let spaced = token_server(json!({"access_token": "a b", "token_type": "Bearer"}));
    write_profile(&env, "q", &spaced.url("/oauth2/token"), "s");
    let run = env.run(&["token", "q", "--format", "header"]);
    run.expect(5);
    assert!(run.stderr.contains("b64token"), "{}", run.stderr);
}

#[test]
fn numbers_from_a_server_cannot_panic() {
    for expires in [
        json!(18_446_744_073_709_551_615u64),
        json!("18446744073709551615"),
    ] {
        let server = token_server(
            json!({"access_token": "abc", "token_type": "Bearer", "expires_in": expires, "refresh_token_expires_in": u64::MAX}),
        );
        let env = Env::new();
        write_profile(&env, "p", &server.url("/oauth2/token"), "s");
        let run = env.run(&["token", "p", "--format", "json"]);
        run.expect(0);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        // Served from the cache, capped at a year.
        let again = env.run(&["token", "p", "--format", "json"]);
        again.expect(0);
        let doc: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
        assert_eq!(doc["cached"], true);
        assert!(doc["expires_in"].as_u64().unwrap() <= 366 * 24 * 3600);
        env.run(&["verify", "p"]).expect(0);
        env.run(&["list"]).expect(0);
    }
}

#[test]
fn server_words_reach_the_terminal_escaped() {
    let server = Server::start(|_| {
        Reply::json(
            400,
            &json!({"error": "invalid_scope\u{1b}[2J", "error_description": "bad \u{1b}]8;;https://evil.example\u{7}click\u{1b}]8;;\u{7} \u{202e}txt.exe\u{9b}31m"}),
        )
    });
    let env = Env::new();
    write_profile(&env, "p", &server.url("/oauth2/token"), "s");
    for args in [
        &["verify", "p"][..],
        &["token", "p"],
        &["verify", "p", "--json"],
        &["-v", "token", "p", "--no-cache"],
    ] {
        let run = env.run(args);
        assert_ne!(run.code, 0);
        no_raw_controls(&run);
    }
    let run = env.run(&["verify", "p"]);
    assert!(
        run.all().contains("\\u{1b}]8;;https://evil.example"),
        "shown escaped:\n{}",
        run.all()
    );
}

#[test]
fn a_closed_or_full_stdout_ends_without_a_panic() {
    let env = Env::new();
    write_profile(&env, "p", "https://victim.example.com/oauth2/token", "s");
    let bin = env!("CARGO_BIN_EXE_oauth-setup");
    let config = env.config();
    let sh = |script: &str| {
        std::process::Command::new("sh")
            .args(["-c", script, "sh", bin])
            .env("OAUTH_SETUP_CONFIG_DIR", &config)
            .output()
            .unwrap()
    };
    // The reader is gone before the first write: EPIPE, quietly, with list's own code.
    let out = sh("(sleep 0.3; \"$1\" list; echo \"code=$?\" >&2) | true");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("code=0") && !err.contains("panicked"), "{err}");
    let out = sh("\"$1\" list >&-; echo \"code=$?\" >&2");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("code=0") && !err.contains("panicked"), "{err}");
    let out = sh("\"$1\" list > /dev/full; echo \"code=$?\" >&2");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("code=1") && err.contains("could not be written") && !err.contains("panicked"),
        "{err}"
    );
}

#[test]
fn a_held_lock_is_named_with_its_holder() {
    let env = Env::new();
    write_profile(&env, "p", "https://victim.example.com/oauth2/token", "s");
    let (holder, lock) = crate::support::cli::LockHolder::profile(&env, "p");
    let before = env.read_profiles();
    for args in [&["delete", "p", "--yes"][..], &["token", "p"]] {
        let run = Run::from_output(
            env.cmd()
                .env("OAUTH_SETUP_LOCK_TIMEOUT", "1")
                .args(args)
                .output()
                .unwrap(),
        );
        run.expect(2);
        assert!(
            run.stderr.contains(&format!(
                "the lock {} is still held after 1 s by pid",
                lock.display()
            )),
            "{args:?}: {}",
            run.stderr
        );
        no_raw_controls(&run);
    }
    assert_eq!(
        env.read_profiles(),
        before,
        "delete waited and changed nothing"
    );
    drop(holder);
    env.run(&["delete", "p", "--yes"]).expect(0);
}

#[test]
fn a_password_managers_command_gets_no_secret_variables() {
    let oauth = crate::support::oauth::OAuthConfig::new("id", "pm-secret", &["core.common.read"]);
    let server = oauth.start();
    let env = Env::new();
    let seen = env.dir.path().join("seen-env");
    let read = format!("sh -c 'env > \"$0\"; echo pm-secret' '{}'", seen.display());
    crate::command_store::setup(&env, &server.url("/oauth2/token"), &read, None).expect(0);
    let run = Run::from_output(
        env.cmd()
            .env("BAO_TOKEN", VAULT_TOKEN)
            .env("VAULT_TOKEN", VAULT_TOKEN)
            .env("KEEP_ME", "visible")
            .args(["token", "pm", "--no-cache"])
            .output()
            .unwrap(),
    );
    run.expect(0);
    let seen = std::fs::read_to_string(&seen).unwrap();
    assert!(
        seen.contains("KEEP_ME=visible"),
        "the rest of the environment is passed"
    );
    assert!(!seen.contains(VAULT_TOKEN), "{seen}");
}

#[test]
fn invalid_timeouts_are_refused() {
    let env = Env::new();
    for var in [
        "OAUTH_SETUP_COMMAND_TIMEOUT",
        "OAUTH_SETUP_LOCK_TIMEOUT",
        "OAUTH_SETUP_KEYRING_TIMEOUT",
    ] {
        for value in ["abc", "0", "601", "1e3"] {
            let run = Run::from_output(env.cmd().env(var, value).arg("list").output().unwrap());
            run.expect(2);
            assert!(
                run.stderr.contains(var) && run.stderr.contains("1 to 600"),
                "{var}={value}: {}",
                run.stderr
            );
        }
    }
}
