//! Every command of the real binary, with the file store so it runs on any machine.

use std::thread;

use crate::support::cli::Env;
use crate::support::oauth::OAuthConfig;
use crate::support::server::closed_port;

const ID: &str = "client-1";

#[test]
fn setup_list_show_verify_token_delete() {
    let oauth = OAuthConfig::new(ID, "sec-1", &["core.common.read"]);
    let server = oauth.start();
    let env = Env::new();
    let run = env.setup(
        "acme",
        &server.url(""),
        ID,
        "sec-1\n",
        "core.common.read",
        &["--login", "erp-sync", "--contact-email", "ops@example.com"],
    );
    run.expect(0);
    assert!(
        run.stderr
            .contains("received 5 characters; a trailing newline was removed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("UNENCRYPTED"),
        "the file store must say so: {}",
        run.stderr
    );
    assert!(run.stdout.contains("oauth-setup verify acme"));

    let list = env.run(&["list"]);
    list.expect(0);
    assert!(
        list.stdout.contains("* acme") && list.stdout.contains("ok just now"),
        "{}",
        list.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["list", "--json"]).stdout).unwrap();
    assert_eq!(json["profiles"][0]["name"], "acme");
    assert_eq!(json["profiles"][0]["default"], true);

    let show = env.run(&["show", "acme"]);
    show.expect(0);
    assert!(
        show.stdout.contains("secret:         present in the file"),
        "{}",
        show.stdout
    );
    assert!(show.stdout.contains("login:          erp-sync"));
    let shown: serde_json::Value =
        serde_json::from_str(&env.run(&["show", "acme", "--json"]).stdout).unwrap();
    assert_eq!(shown["secret"]["status"], "present");
    assert_eq!(shown["client_id"], ID);

    let verify = env.run(&["verify", "acme"]);
    verify.expect(0);
    for check in [
        "profile",
        "permissions",
        "secret",
        "connection",
        "token",
        "scopes",
    ] {
        assert!(
            verify
                .stdout
                .lines()
                .any(|l| l.trim_start().starts_with("ok") && l.contains(check)),
            "{check}: {}",
            verify.stdout
        );
    }

    let token = env.run(&["token"]);
    token.expect(0);
    assert_eq!(token.stdout, "tok-ordinary-0123456789\n");
    assert_eq!(
        env.run(&["token", "acme", "--format", "header"]).stdout,
        "Authorization: Bearer tok-ordinary-0123456789\n"
    );
    let tj: serde_json::Value =
        serde_json::from_str(&env.run(&["token", "acme", "--format", "json"]).stdout).unwrap();
    // What is left of the lifetime (the token may come from the cache).
    let left = tj["expires_in"].as_u64().unwrap();
    assert!((86_000..=86_399).contains(&left), "{tj}");
    assert_eq!(tj["cached"], true, "the plain token call before cached it");
    assert_eq!(tj["scope"], "core.common.read");

    env.run(&["delete", "acme"]).expect(2);
    let del = env.run(&["delete", "acme", "--yes"]);
    del.expect(0);
    assert!(del.stdout.contains("deleted its secret"), "{}", del.stdout);
    assert!(
        !std::fs::read_to_string(env.config().join("secrets.toml"))
            .unwrap()
            .contains("sec-1")
    );
    env.run(&["show", "acme"]).expect(2);
}

#[test]
fn every_bad_field_is_listed_at_once_and_nothing_is_written() {
    let env = Env::new();
    let run = env.run_stdin(
        &[
            "setup",
            "--non-interactive",
            "--provider",
            "coupa",
            "--instance",
            "http://acme.coupahost.com",
            "--scopes",
            "Core.Common.Read",
            "--login",
            "erp sync",
            "--contact-email",
            "jane@",
            "--client-id",
            "a b",
            "--client-secret-stdin",
        ],
        "",
    );
    run.expect(2);
    for want in [
        "6 fields need fixing",
        "client secret (--client-secret-stdin): is empty",
        "instance URL (--instance): uses http://",
        "scopes (--scopes)",
        "login (--login)",
        "contact email (--contact-email)",
        "client id (--client-id)",
    ] {
        assert!(run.stderr.contains(want), "{want}: {}", run.stderr);
    }
    assert!(!env.config().exists() || !env.profiles().exists());
}

#[test]
fn missing_fields_name_their_options() {
    let env = Env::new();
    let run = env.run(&["setup", "--non-interactive", "--provider", "coupa"]);
    run.expect(2);
    for want in [
        "--instance",
        "--scopes",
        "--client-id",
        "client secret (--client-secret-stdin): is missing",
    ] {
        assert!(run.stderr.contains(want), "{want}: {}", run.stderr);
    }
}

#[test]
fn rotation_with_a_wrong_secret_keeps_the_old_one_working() {
    let oauth = OAuthConfig::new(ID, "old-secret", &["core.common.read"]);
    let server = oauth.start();
    let env = Env::with_profile(&server);

    let bad = env.run_stdin(&["rotate", "acme", "--client-secret-stdin"], "wrong-secret");
    bad.expect(4);
    assert!(
        bad.stderr.contains("the stored secret was not changed"),
        "{}",
        bad.stderr
    );
    env.run(&["verify", "acme"]).expect(0);
    assert!(!env.read_profiles().contains("secret_rotated_at"));

    oauth.set_secrets(&["new-secret"]);
    env.run(&["verify", "acme"]).expect(4);
    let good = env.run_stdin(&["rotate", "acme", "--client-secret-stdin"], "new-secret");
    good.expect(0);
    assert!(
        good.stdout.contains("replaced the secret of acme"),
        "{}",
        good.stdout
    );
    env.run(&["verify", "acme"]).expect(0);
    assert!(env.read_profiles().contains("secret_rotated_at"));
}

#[test]
fn verify_gives_one_exit_code_per_layer() {
    let oauth = OAuthConfig::new(ID, "sec", &["core.common.read"]);
    let server = oauth.start();
    let env = Env::new();
    env.setup("good", &server.url(""), ID, "sec", "core.common.read", &[])
        .expect(0);
    env.setup("gone", &server.url(""), ID, "sec", "core.common.read", &[])
        .expect(0);
    let down = format!("http://127.0.0.1:{}", closed_port());
    env.setup(
        "down",
        &down,
        ID,
        "sec",
        "core.common.read",
        &["--save-unverified"],
    )
    .expect(0);
    env.run(&["verify", "good"]).expect(0);
    env.run(&["verify", "nope"]).expect(2);
    env.run(&["verify", "down"]).expect(5);

    // Remove gone's secret behind the program's back.
    let secrets = env.config().join("secrets.toml");
    let text = std::fs::read_to_string(&secrets).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("gone-"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&secrets, kept).unwrap();
    let run = env.run(&["verify", "gone"]);
    run.expect(3);
    assert!(
        run.stdout.contains("FAIL  secret") && run.stdout.contains("oauth-setup rotate gone"),
        "{}",
        run.stdout
    );

    oauth.set_secrets(&["changed"]);
    env.run(&["verify", "good"]).expect(4);

    // Several profiles: the code of the first that failed, in the order given.
    env.run(&["verify", "good", "down"]).expect(4);
    let all = env.run(&["verify", "--all", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&all.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["ok"], false);
    let names: Vec<_> = doc["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["down", "gone", "good"]);
    assert_eq!(all.code, doc["exit_code"].as_i64().unwrap() as i32);
    assert_eq!(all.code, 5);
    let checks: Vec<_> = doc["profiles"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        checks,
        [
            "profile",
            "permissions",
            "secret",
            "connection",
            "token",
            "scopes"
        ]
    );
}

#[test]
fn an_unreadable_profiles_file_is_left_byte_for_byte() {
    let env = Env::new();
    std::fs::create_dir_all(env.config()).unwrap();
    let broken = "schema_version = 1\n[profiles.acme]\nprovider = coupa\n";
    std::fs::write(env.profiles(), broken).unwrap();
    let server = OAuthConfig::new(ID, "sec", &["core.common.read"]).start();
    let runs = [
        env.setup("other", &server.url(""), ID, "sec", "core.common.read", &[]),
        env.run(&["verify", "acme"]),
        env.run(&["list"]),
        env.run(&["delete", "acme", "--yes"]),
        env.run_stdin(&["rotate", "acme", "--client-secret-stdin"], "sec"),
    ];
    for run in runs {
        run.expect(2);
        assert!(run.all().contains("profiles.toml:3:12"), "{}", run.all());
    }
    assert_eq!(std::fs::read_to_string(env.profiles()).unwrap(), broken);
}

#[test]
fn twenty_concurrent_setups_leave_twenty_profiles() {
    let oauth = OAuthConfig::new(ID, "sec", &["core.common.read"]);
    let server = oauth.start();
    let env = Env::new();
    let url = server.url("");
    thread::scope(|s| {
        let handles: Vec<_> = (0..20)
            .map(|i| {
                let (env, url) = (&env, &url);
                s.spawn(move || {
                    env.setup(&format!("p{i}"), url, ID, "sec", "core.common.read", &[])
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap().expect(0);
        }
    });
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["list", "--json"]).stdout).unwrap();
    assert_eq!(json["profiles"].as_array().unwrap().len(), 20);
    let secrets = std::fs::read_to_string(env.config().join("secrets.toml")).unwrap();
    assert_eq!(
        secrets.lines().filter(|l| l.contains("= \"sec\"")).count(),
        20
    );
}

#[test]
fn duplicates_are_refused() {
    let server = OAuthConfig::new(ID, "sec", &["core.common.read"]).start();
    let env = Env::new();
    env.setup(
        "acme",
        &server.url(""),
        ID,
        "sec",
        "core.common.read",
        &["--login", "erp"],
    )
    .expect(0);
    let again = env.setup("acme", &server.url(""), ID, "sec", "core.common.read", &[]);
    again.expect(2);
    assert!(
        again.stderr.contains("\"acme\" already exists"),
        "{}",
        again.stderr
    );
    let login = env.setup(
        "acme2",
        &server.url(""),
        ID,
        "sec",
        "core.common.read",
        &["--login", "ERP"],
    );
    login.expect(2);
    assert!(
        login.stderr.contains("Login has already been taken"),
        "{}",
        login.stderr
    );
}

#[test]
fn secret_from_the_environment_and_from_a_file() {
    let server = OAuthConfig::new(ID, "env-secret", &["core.common.read"]).start();
    let env = Env::new();
    let args = [
        "setup",
        "--non-interactive",
        "--provider",
        "coupa",
        "--profile",
        "a",
        "--instance",
        &server.url(""),
        "--scopes",
        "core.common.read",
        "--client-id",
        ID,
        "--secret-store",
        "file",
    ];
    let out = env
        .cmd()
        .args(args)
        .env("OAUTH_SETUP_CLIENT_SECRET", "env-secret")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = env.dir.path().join("secret.txt");
    std::fs::write(&file, "env-secret\n").unwrap();
    let mut args2 = args.to_vec();
    args2[5] = "b";
    args2.extend(["--client-secret-file", file.to_str().unwrap()]);
    env.run(&args2).expect(0);
    // For verify, the environment overrides the store for one run and is never stored.
    let out = env
        .cmd()
        .args(["verify", "a"])
        .env("OAUTH_SETUP_CLIENT_SECRET", "wrong")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stdout).contains("from OAUTH_SETUP_CLIENT_SECRET"));
    env.run(&["verify", "a"]).expect(0);
}

#[test]
fn help_lists_exit_codes_and_without_a_terminal_points_to_non_interactive() {
    let env = Env::new();
    let help = env.run(&["--help"]);
    help.expect(0);
    assert!(
        help.stdout
            .contains("3  secret store unusable, secret missing, or the disk is full"),
        "{}",
        help.stdout
    );
    for cmd in [
        "setup", "rotate", "verify", "token", "list", "show", "delete",
    ] {
        let h = env.run(&[cmd, "--help"]);
        h.expect(0);
        assert!(h.stdout.contains("Examples:"), "{cmd}");
    }
    // Without a terminal the app cannot open; the user is told to use --non-interactive.
    for args in [
        &[][..],
        &["setup"][..],
        &["setup", "--provider", "coupa"][..],
    ] {
        let run = env.run(args);
        run.expect(2);
        assert!(
            run.stderr.contains("no terminal for the interactive app"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("--non-interactive"), "{}", run.stderr);
    }
}

#[test]
fn list_columns_fit_long_names() {
    let server = OAuthConfig::new(ID, "sec", &["core.common.read"]).start();
    let env = Env::with_profile(&server);
    env.add_profile("a-very-long-profile-name-for-the-eu-tenant", &server);
    let list = env.run(&["list"]);
    list.expect(0);
    let lines: Vec<&str> = list.stdout.lines().take(3).collect();
    let at = |l: &str| l.find("http").or_else(|| l.find("INSTANCE"));
    assert!(
        at(lines[0]) == at(lines[1]) && at(lines[1]) == at(lines[2]),
        "columns line up:\n{}",
        list.stdout
    );
}
