//! The Vault store against a real OpenBao server: setup writes the secret there after a
//! preflight, `token` and `verify` read it, rotation writes only over the version it read (two
//! rotations at once: one wins, the other changes nothing), and every refusal is named.

use std::time::Duration;

use crate::support::bao::{Bao, ROOT, vault_setup_args};
use crate::support::cli::{Env, Run};
use crate::support::oauth::OAuthConfig;
use crate::support::server::{Reply, Server};

const SECRET: &str = "vault-secret-1";

fn setup(env: &Env, bao: &Bao, token: &str, url: &str, extra: &[&str]) -> Run {
    let mut args = vault_setup_args(url, &bao.addr);
    args.extend(extra);
    Run::from_output(
        env.cmd()
            .env("BAO_TOKEN", token)
            .args(&args)
            .write_stdin(SECRET)
            .output()
            .unwrap(),
    )
}

fn with_token(env: &Env, token: &str, args: &[&str]) -> Run {
    Run::from_output(
        env.cmd()
            .env("BAO_TOKEN", token)
            .args(args)
            .output()
            .unwrap(),
    )
}

#[test]
fn the_secret_lives_in_vault_and_every_command_reads_it_there() {
    let bao = Bao::start();
    let server = OAuthConfig::new("id", SECRET, &["core.common.read"]).start();
    let url = server.url("/oauth2/token");
    let env = Env::new();
    let run = setup(&env, &bao, ROOT, &url, &[]);
    run.expect(0);
    assert!(
        run.stdout.contains(&format!(
            "secret: Vault {}, secret/oauth-setup/team",
            bao.addr
        )),
        "{}",
        run.stdout
    );
    assert_eq!(bao.secret_at("oauth-setup/team"), Some((SECRET.into(), 1)));
    let profiles = env.read_profiles();
    assert!(
        profiles.contains("store = \"vault\"") && profiles.contains("path = \"oauth-setup/team\"")
    );
    assert!(!profiles.contains(SECRET));
    let local = env.config().join("secrets.toml");
    assert!(
        !std::fs::read_to_string(&local)
            .unwrap_or_default()
            .contains(SECRET),
        "not kept locally"
    );
    with_token(&env, ROOT, &["token", "team", "--no-cache"]).expect(0);
    // The Vault token and the secret: never in any output, -v logs included.
    for args in [
        &["-v", "token", "team", "--no-cache"][..],
        &["-v", "verify", "team"],
        &["show", "team", "--json"],
    ] {
        let run = with_token(&env, ROOT, args);
        let printed = if args.contains(&"token") {
            run.stderr.clone()
        } else {
            run.all()
        };
        assert!(
            !printed.contains(ROOT) && !printed.contains(SECRET),
            "{args:?}: {printed}"
        );
        assert!(
            run.stderr.contains("X-Vault") || !args.contains(&"-v") || run.stderr.contains("GET"),
            "{}",
            run.stderr
        );
    }
    let v = with_token(&env, ROOT, &["verify", "team"]);
    v.expect(0);
    assert!(v.stdout.contains("readable from the Vault"), "{}", v.stdout);
    // Deleting the profile leaves the shared secret where the team keeps it.
    with_token(&env, ROOT, &["delete", "team", "--yes"]).expect(0);
    assert_eq!(bao.secret_at("oauth-setup/team"), Some((SECRET.into(), 1)));
}

#[test]
fn refusals_are_named_bad_token_missing_right_sealed_kv1() {
    let bao = Bao::start();
    let server = OAuthConfig::new("id", SECRET, &["core.common.read"]).start();
    let url = server.url("/oauth2/token");
    let env = Env::new();
    let bad = setup(&env, &bao, "not-a-token", &url, &[]);
    bad.expect(3);
    assert!(
        bad.stderr.contains("the Vault token was refused"),
        "{}",
        bad.stderr
    );
    let read_only = bao.token_with("ro", "oauth-setup/team", &["read"]);
    let narrow = setup(&env, &bao, &read_only, &url, &[]);
    narrow.expect(3);
    assert!(
        narrow
            .stderr
            .contains("does not allow create or update on the path"),
        "{}",
        narrow.stderr
    );
    assert_eq!(bao.secret_at("oauth-setup/team"), None, "nothing written");
    assert!(
        !env.read_profiles().contains("[profiles.team]"),
        "nothing saved"
    );
    let body = r#"{"type":"kv","options":{"version":"1"}}"#;
    assert_eq!(bao.call("POST", "sys/mounts/kv1", Some(body)).0, 204);
    let v1 = setup(&env, &bao, ROOT, &url, &["--vault-mount", "kv1"]);
    v1.expect(3);
    assert!(
        v1.stderr.contains("not KV version 2") && v1.stderr.contains("check-and-set"),
        "{}",
        v1.stderr
    );
    setup(&env, &bao, ROOT, &url, &[]).expect(0);
    assert_eq!(bao.call("PUT", "sys/seal", None).0, 204);
    let sealed = with_token(&env, ROOT, &["token", "team", "--no-cache"]);
    sealed.expect(3);
    assert!(sealed.stderr.contains("sealed"), "{}", sealed.stderr);
    let none = Run::from_output(
        env.cmd()
            .env("HOME", env.dir.path())
            .args(["token", "team", "--no-cache"])
            .output()
            .unwrap(),
    );
    none.expect(3);
    assert!(none.stderr.contains("no Vault token"), "{}", none.stderr);
}

#[test]
fn two_rotations_at_once_one_wins_and_the_other_changes_nothing() {
    let bao = Bao::start();
    // A slow token server keeps both rotations in their test at the same time.
    let oauth = OAuthConfig::new("id", SECRET, &["core.common.read"]);
    oauth.set_secrets(&[SECRET, "new-a", "new-b"]);
    let server = Server::start(move |req| {
        Reply::Delay(Duration::from_millis(700), Box::new(oauth.handle(req)))
    });
    let url = server.url("/oauth2/token");
    let env = Env::new();
    setup(&env, &bao, ROOT, &url, &[]).expect(0);
    let runs: Vec<Run> = std::thread::scope(|s| {
        let rotate = |new: &'static str| {
            let env = &env;
            s.spawn(move || {
                Run::from_output(
                    env.cmd()
                        .env("BAO_TOKEN", ROOT)
                        .args(["rotate", "team", "--client-secret-stdin"])
                        .write_stdin(new)
                        .output()
                        .unwrap(),
                )
            })
        };
        let (a, b) = (rotate("new-a"), rotate("new-b"));
        vec![a.join().unwrap(), b.join().unwrap()]
    });
    let codes: Vec<i32> = runs.iter().map(|r| r.code).collect();
    assert!(
        codes.contains(&0) && codes.contains(&3),
        "one wins, one is refused: {codes:?}"
    );
    let loser = runs.iter().find(|r| r.code == 3).unwrap();
    assert!(
        loser
            .stderr
            .contains("someone else rotated team's secret first (now version 2, by ")
            && loser.stderr.contains("; nothing was overwritten"),
        "{}",
        loser.stderr
    );
    let winner = if runs[0].code == 0 { "new-a" } else { "new-b" };
    assert_eq!(bao.secret_at("oauth-setup/team"), Some((winner.into(), 2)));
}

#[test]
fn rotations_are_recorded_listed_and_rolled_back() {
    let bao = Bao::start();
    let oauth = OAuthConfig::new("id", SECRET, &["core.common.read"]);
    oauth.set_secrets(&[SECRET, "second"]);
    let server = oauth.start();
    let url = server.url("/oauth2/token");
    let env = Env::new();
    setup(&env, &bao, ROOT, &url, &[]).expect(0);
    let rotate = Run::from_output(
        env.cmd()
            .env("BAO_TOKEN", ROOT)
            .env("USER", "jane")
            .args(["rotate", "team", "--client-secret-stdin"])
            .write_stdin("second")
            .output()
            .unwrap(),
    );
    rotate.expect(0);
    let show = with_token(&env, ROOT, &["show", "team"]);
    show.expect(0);
    assert!(
        show.stdout.contains("vault versions: 1 (")
            && show.stdout.contains("2 (")
            && show.stdout.contains(", current)"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains("last rotation:  by jane from "),
        "{}",
        show.stdout
    );
    let rollback = with_token(&env, ROOT, &["rotate", "team", "--rollback"]);
    rollback.expect(0);
    assert!(
        rollback.stdout.contains("rolling back to version 1"),
        "{}",
        rollback.stdout
    );
    assert_eq!(
        bao.secret_at("oauth-setup/team"),
        Some((SECRET.into(), 3)),
        "version 1's secret, as version 3"
    );
    // A rollback is tested first: with the old secret no longer accepted, nothing changes.
    server.config.set_secrets(&[SECRET]);
    with_token(&env, ROOT, &["rotate", "team", "--client-secret-stdin"]).expect(2);
    let none_left = with_token(&env, ROOT, &["rotate", "team", "--rollback"]);
    assert_eq!(
        none_left.code,
        4,
        "version 2 is refused now: {}",
        none_left.all()
    );
    assert_eq!(bao.secret_at("oauth-setup/team").unwrap().1, 3);
}

#[test]
fn a_machine_whose_secret_was_rotated_meanwhile_reads_vault_again() {
    let bao = std::sync::Arc::new(Bao::start());
    let oauth = OAuthConfig::new("id", SECRET, &["core.common.read"]);
    // The server's handler outlives the test (its thread is never joined): it holds the Bao
    // weakly, so the test's end stops the Bao server.
    let (bao2, oauth2) = (std::sync::Arc::downgrade(&bao), oauth.clone());
    let armed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trigger = armed.clone();
    // Once armed, the next token request arrives just after another machine rotated the secret.
    let server = Server::start(move |req| {
        if trigger.swap(false, std::sync::atomic::Ordering::SeqCst) {
            let body =
                serde_json::json!({ "data": { "client_secret": "rotated-elsewhere" } }).to_string();
            let bao = bao2
                .upgrade()
                .expect("the Bao server runs while the test does");
            assert_eq!(
                bao.call("POST", "secret/data/oauth-setup/team", Some(&body))
                    .0,
                200
            );
            oauth2.set_secrets(&["rotated-elsewhere"]);
        }
        oauth2.handle(req)
    });
    let url = server.url("/oauth2/token");
    let a = Env::new();
    setup(&a, &bao, ROOT, &url, &["--client-auth", "post"]).expect(0);
    armed.store(true, std::sync::atomic::Ordering::SeqCst);
    // A teammate's machine: the same profile, no secret of its own.
    let b = Env::new();
    std::fs::create_dir_all(b.config()).unwrap();
    std::fs::copy(a.profiles(), b.profiles()).unwrap();
    let run = with_token(&b, ROOT, &["token", "team", "--no-cache"]);
    run.expect(0);
    assert!(!run.stdout.trim().is_empty());
    assert_eq!(
        bao.secret_at("oauth-setup/team").unwrap().0,
        "rotated-elsewhere"
    );
    let _ = oauth;
}

#[test]
fn a_deleted_secret_and_an_unknown_namespace_are_named() {
    let bao = Bao::start();
    let server = OAuthConfig::new("id", SECRET, &["core.common.read"]).start();
    let url = server.url("/oauth2/token");
    let env = Env::new();
    let ns = setup(
        &env,
        &bao,
        ROOT,
        &url,
        &["--vault-namespace", "no-such-team"],
    );
    ns.expect(3);
    assert!(
        ns.stderr.contains("namespace is not known"),
        "{}",
        ns.stderr
    );
    setup(&env, &bao, ROOT, &url, &[]).expect(0);
    assert_eq!(
        bao.call("DELETE", "secret/data/oauth-setup/team", None).0,
        204
    );
    let deleted = with_token(&env, ROOT, &["token", "team", "--no-cache"]);
    deleted.expect(3);
    assert!(
        deleted
            .stderr
            .contains("the secret there was deleted (at 20"),
        "{}",
        deleted.stderr
    );
    assert!(deleted.stderr.contains("undelete"), "{}", deleted.stderr);
}

#[test]
fn a_vault_over_tls_is_trusted_through_vault_cacert() {
    let bao = Bao::start_tls();
    let server = OAuthConfig::new("id", SECRET, &["core.common.read"]).start();
    let url = server.url("/oauth2/token");
    let env = Env::new();
    let untrusted = setup(&env, &bao, ROOT, &url, &[]);
    untrusted.expect(3);
    assert!(
        untrusted.stderr.contains("cannot reach Vault: TLS"),
        "{}",
        untrusted.stderr
    );
    assert!(
        untrusted.stderr.contains("VAULT_CACERT"),
        "the fix names it: {}",
        untrusted.stderr
    );
    let ca = bao.ca_file();
    let with_ca = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = env.cmd();
        cmd.env("BAO_TOKEN", ROOT)
            .env("VAULT_CACERT", &ca)
            .args(args);
        if let Some(s) = stdin {
            cmd.write_stdin(s);
        }
        Run::from_output(cmd.output().unwrap())
    };
    with_ca(&vault_setup_args(&url, &bao.addr), Some(SECRET)).expect(0);
    with_ca(&["token", "team", "--no-cache"], None).expect(0);
}

/// The app saves to Vault after its preflight, and finds the address as `setup` does: a blank
/// `BAO_ADDR` is passed over for `VAULT_ADDR` by both front ends, which record the same
/// location (apart from the path, named after each profile).
#[test]
fn the_app_saves_to_vault_after_its_preflight() {
    use crate::support::pty::Pty;
    let bao = Bao::start();
    let server = OAuthConfig::new("id", SECRET, &["core.common.read"]).start();
    let env = Env::new();
    let instance = server.url("");
    let args = [
        "setup",
        "--provider",
        "coupa",
        "--instance",
        &instance,
        "--client-name",
        "N",
        "--login",
        "n",
        "--contact-first-name",
        "A",
        "--contact-last-name",
        "B",
        "--contact-email",
        "a@b.co",
        "--scopes",
        "core.common.read",
        "--client-id",
        "id",
    ];
    let vars = [
        ("BAO_TOKEN", ROOT),
        ("BAO_ADDR", "  "),
        ("VAULT_ADDR", bao.addr.as_str()),
    ];
    let mut t = Pty::spawn(&env, &args, &vars);
    t.wait_for("press Enter again");
    t.send("\r");
    for _ in 0..12 {
        if t.text().contains("Client secret ▸") {
            break;
        }
        t.send("\r");
        std::thread::sleep(Duration::from_millis(150));
    }
    t.paste(SECRET);
    t.send("\r");
    t.wait_for("Review");
    t.send("\r");
    t.wait_for("✓ passed");
    t.send("\r");
    t.wait_for("secret store:");
    t.send("\t\t");
    // From the keyring, or from the file store preselected where no keyring runs.
    for _ in 0..4 {
        if t.text().contains("(•) Vault") {
            break;
        }
        t.send(" ");
        std::thread::sleep(Duration::from_millis(100));
    }
    t.wait_for("(•) Vault");
    t.wait_for(&bao.addr);
    t.wait_for("path: secret/oauth-setup/");
    t.send("\r");
    t.wait_for("✓ saved profile");
    t.send("\r");
    assert_eq!(t.wait_exit(), 0, "{}", t.text());
    let profiles = env.read_profiles();
    assert!(profiles.contains("store = \"vault\""), "{profiles}");
    let name = profiles
        .lines()
        .find_map(|l| {
            l.strip_prefix("[profiles.")
                .and_then(|l| l.strip_suffix(']'))
        })
        .unwrap()
        .to_string();
    assert_eq!(
        bao.secret_at(&format!("oauth-setup/{name}")).map(|s| s.0),
        Some(SECRET.to_string())
    );
    with_token(&env, ROOT, &["token", &name, "--no-cache"]).expect(0);
    let mut cli = env.cmd();
    for (k, v) in vars {
        cli.env(k, v);
    }
    let url = server.url("/oauth2/token");
    let args = vault_setup_args(&url, &bao.addr);
    let without_addr = &args[..args.len() - 2];
    Run::from_output(cli.args(without_addr).write_stdin(SECRET).output().unwrap()).expect(0);
    let file: toml::Table = env.read_profiles().parse().unwrap();
    let location = |profile: &str| {
        let mut v = file["profiles"][profile]["secret"]
            .as_table()
            .unwrap()
            .clone();
        v.remove("path");
        v
    };
    assert_eq!(location(&name), location("team"));
    assert_eq!(location("team")["addr"].as_str(), Some(bao.addr.as_str()));
}

/// The rotate use case is the same from both front ends: each loses a race to the other alike
/// (nothing overwritten, the winner named), and Vault keeps the winner's secret.
#[test]
fn both_front_ends_lose_a_rotation_race_alike() {
    use crate::support::pty::Pty;
    let bao = Bao::start();
    let oauth = OAuthConfig::new("id", SECRET, &["core.common.read"]);
    oauth.set_secrets(&[SECRET, "fast-cli", "slow-app", "slow-cli", "fast-app"]);
    let secret_of = |req: &crate::support::server::Request| {
        req.basic()
            .map(|(_, s)| s)
            .or(req.form_value("client_secret"))
    };
    let slow = move |req: &crate::support::server::Request| {
        secret_of(req).is_some_and(|s| s.starts_with("slow"))
    };
    let server = Server::start(move |req| {
        let reply = oauth.handle(req);
        if slow(req) {
            Reply::Delay(Duration::from_millis(2500), Box::new(reply))
        } else {
            reply
        }
    });
    let env = Env::new();
    setup(&env, &bao, ROOT, &server.url("/oauth2/token"), &[]).expect(0);
    let rotate_cli = |new: &str| {
        Run::from_output(
            env.cmd()
                .env("BAO_TOKEN", ROOT)
                .env("USER", "cli-user")
                .args(["rotate", "team", "--client-secret-stdin"])
                .write_stdin(new)
                .output()
                .unwrap(),
        )
    };
    let app_vars = [("BAO_TOKEN", ROOT), ("USER", "app-user")];
    let tested = |what: &str| {
        let requests = server.requests();
        requests
            .iter()
            .any(|r| secret_of(r).as_deref() == Some(what))
    };

    // The app is in its (slow) test when the command line rotates: the app loses.
    let mut t = Pty::spawn(&env, &["rotate", "team"], &app_vars);
    t.wait_for("rotate the secret of team");
    t.paste("slow-app");
    t.send("\r");
    t.wait_for("testing the new secret");
    rotate_cli("fast-cli").expect(0);
    t.wait_for("nothing was overwritten");
    let screen = t.text().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        screen.contains("someone else rotated the secret first (now version 2, by cli-user from "),
        "{screen}"
    );
    assert_eq!(
        bao.secret_at("oauth-setup/team"),
        Some(("fast-cli".into(), 2))
    );
    t.send("\x1b");
    t.wait_exit();

    // The command line is in its (slow) test when the app rotates: the command line loses.
    std::thread::scope(|s| {
        let cli = s.spawn(|| rotate_cli("slow-cli"));
        while !tested("slow-cli") {
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut t = Pty::spawn(&env, &["rotate", "team"], &app_vars);
        t.wait_for("rotate the secret of team");
        t.paste("fast-app");
        t.send("\r");
        t.wait_for("replaced the old one");
        t.send("\r");
        assert_eq!(t.wait_exit(), 0);
        let lost = cli.join().unwrap();
        lost.expect(3);
        assert!(
            lost.stderr.contains(
                "someone else rotated team's secret first (now version 3, by app-user from "
            ) && lost.stderr.contains("; nothing was overwritten"),
            "{}",
            lost.stderr
        );
    });
    assert_eq!(
        bao.secret_at("oauth-setup/team"),
        Some(("fast-app".into(), 3))
    );
}
