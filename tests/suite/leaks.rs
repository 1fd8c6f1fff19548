//! A canary secret and token through every command: they must appear nowhere but the chosen
//! store and `token`'s stdout.

use oauth_setup::protocol::authorize::PkceVerifier;
use oauth_setup::protocol::token::{ClientAuth, ClientSide, GrantForm};
use oauth_setup::rules::secret::{ClientSecret, Secret};

use crate::support::cli::{Env, all_files, contains};
use crate::support::oauth::OAuthConfig;

const SECRET: &str = "CANARY-SECRET-7f3e9b2a";
const SECRET2: &str = "CANARY-SECRET2-0c4d11aa";
const TOKEN: &str = "CANARY-TOKEN-51c0d8e4";

#[test]
fn canaries_stay_in_their_store() {
    let mut oauth = OAuthConfig::new("id-1", SECRET, &["core.common.read"]);
    oauth.token = TOKEN.into();
    let server = oauth.start();
    let env = Env::new();
    let url = server.url("");
    let mut runs = vec![
        env.setup("acme", &url, "id-1", SECRET, "core.common.read", &["-v"]),
        env.run(&["-v", "verify", "acme"]),
        env.run(&["-v", "verify", "--all", "--json"]),
        env.run(&["list"]),
        env.run(&["list", "--json"]),
        env.run(&["show", "acme"]),
        env.run(&["show", "acme", "--json"]),
        env.run_stdin(&["-v", "rotate", "acme", "--client-secret-stdin"], "wrong"),
        // The hand-over commands: the token goes into the command's environment, a request's
        // header or nowhere, never into a log or an output of theirs.
        env.run(&["-v", "exec", "acme", "--", "true"]),
        env.run(&["-v", "exec", "acme", "--keep-fresh", "--", "true"]),
        env.run(&["-v", "api", "acme", "currencies"]),
        env.run(&["-v", "inspect", "acme"]),
        env.run(&["-v", "inspect", "acme", "--json"]),
        env.run(&["-v", "token", "acme", "--check"]),
    ];
    oauth.set_secrets(&[SECRET2]);
    runs.push(env.run_stdin(&["-v", "rotate", "acme", "--client-secret-stdin"], SECRET2));
    let token = env.run(&["-v", "token", "acme"]);
    token.expect(0);
    assert_eq!(token.stdout.trim(), TOKEN);
    assert!(
        !token.stderr.contains(TOKEN) && !token.stderr.contains(SECRET2),
        "{}",
        token.stderr
    );
    let verbose = &runs[1].stderr;
    assert!(
        verbose.contains("debug: POST") && verbose.contains("client_secret=%5Bredacted%5D"),
        "-v must log: {verbose}"
    );
    assert!(
        verbose.contains("\"access_token\":\"[redacted]\""),
        "{verbose}"
    );
    for (i, run) in runs.iter().enumerate() {
        for canary in [SECRET, SECRET2, TOKEN] {
            assert!(
                !run.all().contains(canary),
                "run {i} printed {canary}:\n{}",
                run.all()
            );
        }
    }
    // Files: the secret, and the cached token, only in the file store they were put in; the
    // old secret gone after rotation.
    for (path, bytes) in all_files(env.dir.path()) {
        let is_store = path.ends_with("secrets.toml");
        assert!(
            !contains(&bytes, TOKEN) || is_store,
            "{} holds the token",
            path.display()
        );
        assert!(
            !contains(&bytes, SECRET),
            "{} still holds the rotated-out secret",
            path.display()
        );
        assert_eq!(contains(&bytes, SECRET2), is_store, "{}", path.display());
    }
    env.run(&["delete", "acme", "--yes"]).expect(0);
    for (path, bytes) in all_files(env.dir.path()) {
        assert!(
            !contains(&bytes, SECRET2) && !contains(&bytes, TOKEN),
            "{} holds the secret or the token after delete",
            path.display()
        );
    }
}

#[test]
fn debug_output_of_requests_is_redacted() {
    let client = ClientSide {
        token_url: "https://acme.coupahost.com/oauth2/token"
            .to_string()
            .try_into()
            .unwrap(),
        client_id: "id".into(),
        secret: Some(ClientSecret::new(SECRET)),
        scopes: vec![],
        auth: ClientAuth::Basic,
    };
    let code = client.with_grant(GrantForm::AuthorizationCode {
        code: Secret::new("c0de-canary"),
        redirect_uri: "http://127.0.0.1:8765/callback".into(),
        verifier: PkceVerifier::new("v3rifier-canary"),
    });
    let dbg = format!("{code:?}");
    assert!(
        !dbg.contains("c0de-canary") && !dbg.contains("v3rifier-canary"),
        "{dbg}"
    );
    let req = client.client_credentials();
    let dbg = format!(
        "{req:?} {:?}",
        oauth_setup::protocol::token::basic_authorization(&req)
    );
    assert!(!dbg.contains(SECRET) && dbg.contains("[redacted]"), "{dbg}");
}

/// Refresh tokens, cached access tokens, authorization codes and PKCE verifiers: never in
/// stdout (except `token`'s), stderr, `-v` logs or profiles.toml.
#[test]
fn sign_in_values_stay_out_of_every_output() {
    use crate::authcode::{Browser, coupa_server, setup, stored_refresh_token, with_browser};
    let oidc = coupa_server("always");
    let env = Env::new();
    let b = Browser::new(&env, "consent");
    let mut runs = vec![setup(&env, &oidc, &b, &["-v"])];
    runs[0].expect(0);
    let first_rt = stored_refresh_token(&env);
    let mut tokens = vec![];
    for args in [
        &["-v", "token", "acme"][..],
        &["-v", "token", "acme", "--no-cache"],
    ] {
        let t = env.run(args);
        t.expect(0);
        tokens.push(t.stdout.trim().to_string());
        runs.push(crate::support::cli::Run {
            stdout: String::new(),
            ..t
        });
    }
    let second_rt = stored_refresh_token(&env);
    runs.push(crate::support::cli::Run::from_output(
        with_browser(env.cmd(), &b)
            .args(["-v", "login", "acme"])
            .output()
            .unwrap(),
    ));
    for args in [
        &["-v", "verify", "acme"][..],
        &["show", "acme", "--json"],
        &["list"],
        &["-v", "logout", "acme"],
    ] {
        runs.push(env.run(args));
    }
    let mut canaries = oidc.secret_values();
    canaries.extend([first_rt, second_rt]);
    canaries.extend(tokens);
    assert!(
        canaries.len() >= 6,
        "codes, verifiers, refresh and access tokens: {canaries:?}"
    );
    assert!(
        runs[0].stderr.contains("code_verifier=%5Bredacted%5D")
            && runs[0].stderr.contains("\"refresh_token\":\"[redacted]\""),
        "-v logs the exchange, redacted: {}",
        runs[0].stderr
    );
    let profiles = std::fs::read_to_string(env.profiles()).unwrap();
    for canary in canaries.iter().filter(|c| c.len() >= 16) {
        for (i, run) in runs.iter().enumerate() {
            assert!(
                !run.all().contains(canary.as_str()),
                "run {i} printed {canary}:\n{}",
                run.all()
            );
        }
        assert!(
            !profiles.contains(canary.as_str()),
            "profiles.toml holds {canary}"
        );
    }
}

/// The Vault token and what a password manager's command prints: never in any output (but
/// `token`'s access token), `-v` logs, profiles.toml or an exported profile.
#[test]
fn the_vault_token_and_the_managers_output_stay_out_of_every_output() {
    use crate::support::bao::{Bao, ROOT};
    use crate::support::cli::Run;
    const VAULT_SECRET: &str = "CANARY-VAULT-SECRET-3c1f";
    const PM_SECRET: &str = "CANARY-PM-SECRET-77a0";
    let bao = Bao::start();
    let mut oauth = OAuthConfig::new("id", VAULT_SECRET, &["core.common.read"]);
    oauth.token = TOKEN.into();
    oauth.set_secrets(&[VAULT_SECRET, PM_SECRET]);
    let server = oauth.start();
    let url = server.url("/oauth2/token");
    let env = Env::new();
    let entry = env.dir.path().join("entry");
    std::fs::write(&entry, format!("{PM_SECRET}\nnote: {PM_SECRET}\n")).unwrap();
    let read = format!("cat {}", entry.display());
    let base = [
        "--non-interactive",
        "--provider",
        "generic",
        "--instance",
        &url,
        "--client-id",
        "id",
        "--scopes",
        "core.common.read",
    ];
    let with = |args: Vec<&str>, stdin: Option<&str>| {
        let mut cmd = env.cmd();
        cmd.env("BAO_TOKEN", ROOT).args(args);
        if let Some(s) = stdin {
            cmd.write_stdin(s);
        }
        Run::from_output(cmd.output().unwrap())
    };
    let export = env.dir.path().join("v.toml");
    let mut runs = vec![
        with(
            [
                &["-v", "setup", "--profile", "v"][..],
                &base,
                &[
                    "--client-secret-stdin",
                    "--secret-store",
                    "vault",
                    "--vault-addr",
                    &bao.addr,
                ],
            ]
            .concat(),
            Some(VAULT_SECRET),
        ),
        with(
            [
                &["-v", "setup", "--profile", "pm"][..],
                &base,
                &["--secret-store", "command", "--secret-command", &read],
            ]
            .concat(),
            None,
        ),
    ];
    for name in ["v", "pm"] {
        runs.push(with(vec!["-v", "verify", name], None));
        runs.push(with(vec!["show", name, "--json"], None));
        runs.push(with(
            vec![
                "-v",
                "rotate",
                name,
                "--non-interactive",
                "--client-secret-stdin",
            ],
            Some(if name == "v" { VAULT_SECRET } else { PM_SECRET }),
        ));
    }
    runs.push(with(
        vec!["export", "v", "--output", export.to_str().unwrap()],
        None,
    ));
    let token = with(vec!["-v", "token", "v", "--no-cache"], None);
    token.expect(0);
    assert_eq!(token.stdout.trim(), TOKEN);
    runs.push(Run {
        stdout: String::new(),
        ..token
    });
    assert!(
        runs[0].stderr.contains("/v1/secret/data/oauth-setup/v"),
        "-v logs the Vault calls: {}",
        runs[0].stderr
    );
    let files = [
        env.read_profiles(),
        std::fs::read_to_string(&export).unwrap(),
        std::fs::read_to_string(env.config().join("secrets.toml")).unwrap_or_default(),
    ];
    for canary in [ROOT, VAULT_SECRET, PM_SECRET, TOKEN] {
        for (i, run) in runs.iter().enumerate() {
            assert!(
                !run.all().contains(canary),
                "run {i} printed {canary}:\n{}",
                run.all()
            );
        }
        for f in &files {
            assert!(
                !f.contains(canary) || canary == TOKEN,
                "a file holds {canary}"
            );
        }
    }
}
