//! Bad input at every entry point: options, stdin secrets, environment values and hand-edited
//! profiles files. Each gets a clear message naming what is wrong, exit 2, and no file changes.

use crate::support::cli::{self, Env, Run, all_files};
use crate::support::oauth::OAuthConfig;

fn setup_args(url: &str) -> Vec<String> {
    let mut args = cli::setup_args("acme", url, "id", "core.common.read");
    args.extend(cli::FILE_STORE.map(String::from));
    args
}

fn snapshot(env: &Env) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = all_files(env.dir.path());
    files.retain(|(p, _)| !p.ends_with(".lock"));
    files.sort();
    files
}

#[track_caller]
fn refused(run: &Run, needle: &str) {
    run.expect(2);
    assert!(
        run.stderr.contains(needle),
        "want {needle:?} in:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn bad_option_values() {
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let env = Env::with_profile(&server);
    let before = snapshot(&env);
    let cases: [(&[&str], &str); 9] = [
        (&["--timeout", "0", "verify", "acme"], "--timeout"),
        (&["--timeout", "abc", "verify", "acme"], "--timeout"),
        (&["verify", "acme", "--format", "x"], "unexpected argument"),
        (&["token", "acme", "--format", "yaml"], "--format"),
        (&["show", "nope"], "no profile named \"nope\""),
        (
            &[
                "rotate",
                "acme",
                "--client-secret-stdin",
                "--client-id",
                "a b",
            ],
            "client id (--client-id)",
        ),
        (
            &["setup", "--non-interactive", "--provider", "sap"],
            "\"sap\" is not known",
        ),
        (
            &[
                "setup",
                "--non-interactive",
                "--provider",
                "coupa",
                "--instance",
                "acme",
                "--client-auth",
                "jwt",
            ],
            "client authentication",
        ),
        (
            &["--ca-file", "/nonexistent.pem", "verify", "acme"],
            "--ca-file /nonexistent.pem: cannot read it",
        ),
    ];
    for (args, needle) in cases {
        refused(&env.run_stdin(args, "sec"), needle);
    }
    assert_eq!(snapshot(&env), before, "no file may change");
    crate::support::report::row(
        "bad command-line values",
        cases.len(),
        "each exit 2 with a message naming the option; no file changed",
    );
}

#[test]
fn bad_stdin_secrets() {
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let env = Env::new();
    let args = setup_args(&server.url(""));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    refused(
        &env.run_stdin(&args, ""),
        "client secret (--client-secret-stdin): is empty",
    );
    refused(&env.run_stdin(&args, " \n\t\n"), "is empty");
    refused(&env.run_stdin(&args, "ab\0cd"), "control characters");
    refused(
        &env.run_stdin(&args, &"x".repeat(200 * 1024)),
        "more than 64 KiB",
    );
    let out = env
        .cmd()
        .args(&args)
        .write_stdin(vec![0xff, 0xfe, 0x41])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not UTF-8 text"));
    assert!(!env.profiles().exists(), "nothing saved");
    let rotate = env.run_stdin(&["rotate", "acme", "--client-secret-stdin"], "");
    rotate.expect(2);
    crate::support::report::row(
        "stdin secrets: empty, blank, NUL, 200 KiB, invalid UTF-8",
        6,
        "each exit 2 naming the client secret and the problem; nothing saved",
    );
}

#[test]
fn bad_environment_values() {
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let env = Env::with_profile(&server);
    let before = snapshot(&env);
    let cases = [
        (
            "OAUTH_SETUP_KEYRING_TIMEOUT",
            "soon",
            "OAUTH_SETUP_KEYRING_TIMEOUT is \"soon\"",
        ),
        ("OAUTH_SETUP_KEYRING_TIMEOUT", "0", "from 1 to 600"),
        (
            "HTTPS_PROXY",
            "http://user:hunter2@[bad",
            "HTTPS_PROXY is not a proxy address",
        ),
        (
            "OAUTH_SETUP_CLIENT_SECRET",
            "  ",
            "OAUTH_SETUP_CLIENT_SECRET",
        ),
    ];
    for (var, value, needle) in cases {
        let out = env
            .cmd()
            .args(["token", "acme"])
            .env(var, value)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{var}={value}: {stderr}");
        assert!(stderr.contains(needle), "{var}: {stderr}");
        assert!(
            !stderr.contains("hunter2"),
            "a proxy password must not be echoed"
        );
    }
    assert_eq!(snapshot(&env), before);
    crate::support::report::row(
        "bad environment values",
        cases.len(),
        "each exit 2 naming the variable (a proxy password never echoed); no file changed",
    );
}

const GOOD_PROFILE: &str = r#"[profiles.acme]
provider = "coupa"
instance_url = "https://acme.coupahost.com"
token_url = "https://acme.coupahost.com/oauth2/token"
grant_type = "client_credentials"
client_id = "id"
client_auth = "client_secret_post"
scopes = ["core.common.read"]
secret_store = "file"
secret_ref = "acme-0123456789ab"
created_at = "2026-01-01T00:00:00Z"
"#;

#[test]
fn hand_edited_profiles_files() {
    let cases = [
        (
            "wrong type",
            format!("schema_version = \"one\"\n{GOOD_PROFILE}"),
            "schema_version",
        ),
        (
            "wrong type in a profile",
            format!(
                "schema_version = 1\n{}",
                GOOD_PROFILE.replace("scopes = [\"core.common.read\"]", "scopes = 7")
            ),
            "invalid type",
        ),
        (
            "unknown key",
            format!("schema_version = 1\ncolour = 1\n{GOOD_PROFILE}"),
            "unknown field `colour`",
        ),
        (
            "unknown profile key",
            format!("schema_version = 1\n{GOOD_PROFILE}secret = \"x\"\n"),
            "unknown field `secret`",
        ),
        (
            "future schema",
            format!("schema_version = 9\n{GOOD_PROFILE}"),
            "newer oauth-setup",
        ),
        (
            "duplicate profile",
            format!("schema_version = 1\n{GOOD_PROFILE}{GOOD_PROFILE}"),
            "duplicate",
        ),
        (
            "unknown provider",
            format!(
                "schema_version = 1\n{}",
                GOOD_PROFILE.replace("\"coupa\"", "\"sap\"")
            ),
            "unknown provider",
        ),
        (
            "bad secret store",
            format!(
                "schema_version = 1\n{}",
                GOOD_PROFILE.replace("\"file\"", "\"vaults\"")
            ),
            "unknown variant",
        ),
        (
            "vault store without its location",
            format!(
                "schema_version = 1\n{}",
                GOOD_PROFILE.replace("\"file\"", "\"vault\"")
            ),
            "secret_store = \"vault\" and a [profiles.acme.vault] table go together",
        ),
        (
            "a version 2 profile with an unknown store names its line",
            format!(
                "schema_version = 2\n{}",
                GOOD_PROFILE.replace("secret_store = \"file\"\n", "")
                    + "[profiles.acme.secret]\nstore = \"vaults\"\n"
            ),
            "profiles.toml:13:",
        ),
        (
            "a version 2 Vault location without its address",
            format!(
                "schema_version = 2\n{}",
                GOOD_PROFILE.replace("secret_store = \"file\"\n", "")
                    + "[profiles.acme.secret]\nstore = \"vault\"\nmount = \"secret\"\npath = \"p\"\n"
            ),
            "missing field `addr`",
        ),
        (
            "not TOML",
            "{\"json\": true}".to_string(),
            "profiles.toml:1:1",
        ),
    ];
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    for (what, text, needle) in cases {
        let env = Env::new();
        std::fs::create_dir_all(env.config()).unwrap();
        std::fs::write(env.profiles(), &text).unwrap();
        let before = snapshot(&env);
        let runs = [
            env.run(&["list"]),
            env.run(&["show", "acme"]),
            env.run(&["verify", "acme"]),
            env.run(&["token", "acme"]),
            env.run(&["delete", "acme", "--yes"]),
            env.run_stdin(&["rotate", "acme", "--client-secret-stdin"], "sec"),
            env.setup(
                "other",
                &server.url(""),
                "id",
                "sec",
                "core.common.read",
                &[],
            ),
        ];
        for run in runs {
            assert_eq!(run.code, 2, "{what}: {}", run.all());
            assert!(
                run.all().contains(needle),
                "{what}: want {needle:?} in {}",
                run.all()
            );
            assert!(
                run.all().contains("profiles.toml"),
                "{what}: the message names the file: {}",
                run.all()
            );
        }
        let after = snapshot(&env);
        assert_eq!(
            after.len(),
            before.len(),
            "{what}: files appeared: {after:?}"
        );
        assert_eq!(after, before, "{what}: a file changed");
    }
    crate::support::report::row(
        "hand-edited profiles.toml (wrong types, unknown keys, future schema, duplicates, ...) x 7 commands",
        9 * 7,
        "each exit 2 naming the file, line, column and key; the file left byte for byte",
    );
}
