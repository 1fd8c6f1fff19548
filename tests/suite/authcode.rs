//! Authorization code with PKCE against a real authorization server (oidc-provider) and a test
//! browser that signs in over HTTP: setup, token from the refresh token (rotated and saved),
//! logout with revocation, login again, public clients, refused answers, ports.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;

use crate::support::cli::{Env, Run};
use crate::support::oidc::{Oidc, browser, client};

pub const SECRET: &str = "s3cret-app-7Q";
pub const ANY_PORT: &str = "http://127.0.0.1:0/callback";

/// A Coupa-shaped server (Coupa's paths) with one confidential native client.
pub fn coupa_server(rotate: &str) -> Oidc {
    Oidc::start(&json!({
        "coupa_routes": true,
        "rotate": rotate,
        "clients": [client("app", Some(SECRET), &["http://127.0.0.1/callback"], true)],
    }))
}

pub struct Browser {
    pub log: PathBuf,
    pub mode: &'static str,
}

impl Browser {
    pub fn new(env: &Env, mode: &'static str) -> Self {
        Self {
            log: env.dir.path().join("browser.log"),
            mode,
        }
    }

    pub fn lines(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }

    pub fn callback(&self) -> Option<String> {
        self.lines()
            .iter()
            .find_map(|l| l.strip_prefix("callback ").map(String::from))
    }
}

/// `cmd` with the test browser on `$BROWSER`.
pub fn with_browser(mut cmd: assert_cmd::Command, b: &Browser) -> assert_cmd::Command {
    cmd.env("BROWSER", browser())
        .env("FAKE_BROWSER_LOG", &b.log)
        .env("FAKE_BROWSER_MODE", b.mode);
    cmd
}

/// `login PROFILE` with the test browser.
pub fn login(env: &Env, b: &Browser, profile: &str) -> Run {
    Run::from_output(
        with_browser(env.cmd(), b)
            .args(["login", profile])
            .output()
            .unwrap(),
    )
}

/// `setup --non-interactive` of profile `acme`: the coupa preset at `issuer`, authorization
/// code, client `app`, file store.
pub fn setup_args(issuer: &str) -> Vec<&str> {
    vec![
        "setup",
        "--non-interactive",
        "--provider",
        "coupa",
        "--profile",
        "acme",
        "--instance",
        issuer,
        "--grant-type",
        "authorization-code",
        "--client-id",
        "app",
        "--scopes",
        "openid offline_access",
        "--secret-store",
        "file",
    ]
}

/// `setup` of profile `acme` with the coupa preset, authorization code, secret on stdin.
pub fn setup(env: &Env, oidc: &Oidc, b: &Browser, extra: &[&str]) -> Run {
    setup_with(env, oidc, b, extra, &[])
}

/// `setup` as above, with these environment variables.
pub fn setup_with(
    env: &Env,
    oidc: &Oidc,
    b: &Browser,
    extra: &[&str],
    vars: &[(&str, &str)],
) -> Run {
    let mut args = setup_args(&oidc.issuer);
    if !extra.contains(&"--redirect-uri") {
        args.extend(["--redirect-uri", ANY_PORT]);
    }
    args.extend(extra);
    let mut cmd = with_browser(env.cmd(), b);
    cmd.envs(vars.iter().copied());
    if !extra.contains(&"--public-client") {
        args.push("--client-secret-stdin");
        cmd.write_stdin(SECRET);
    }
    Run::from_output(cmd.args(&args).output().unwrap())
}

fn token(env: &Env, args: &[&str]) -> Run {
    let mut all = vec!["token"];
    all.extend(args);
    env.run(&all)
}

#[test]
fn browser_sign_in_then_tokens_from_the_rotated_refresh_token() {
    let oidc = coupa_server("always");
    let env = Env::new();
    let b = Browser::new(&env, "consent");
    let run = setup(&env, &oidc, &b, &[]);
    run.expect(0);
    assert!(
        run.stdout
            .contains("signed in: an access token valid for 1 h and a refresh token"),
        "{}",
        run.all()
    );
    let log = b.lines();
    let opened = log.iter().find(|l| l.starts_with("opened ")).unwrap();
    assert!(
        opened.contains("/oauth2/authorizations/new?response_type=code"),
        "{opened}"
    );
    assert!(opened.contains("code_challenge_method=S256") && opened.contains("prompt=consent"));
    assert!(
        log.contains(&"status 200 no-referrer no-store".to_string()),
        "{log:?}"
    );
    let profiles = env.read_profiles();
    assert!(
        profiles.contains(&format!(
            "authorize_url = \"{}/oauth2/authorizations/new\"",
            oidc.issuer
        )),
        "{profiles}"
    );
    assert!(profiles.contains("grant_type = \"authorization_code\""));
    assert!(
        profiles.contains("refresh_token_lifetime_days = 90"),
        "from the preset"
    );
    let list = env.run(&["list"]);
    assert!(
        list.stdout.contains("GRANT") && list.stdout.contains("REFRESH TOKEN"),
        "{}",
        list.stdout
    );
    assert!(
        list.stdout.contains("auth code")
            && list.stdout.contains("59 min")
            && list.stdout.contains("new"),
        "{}",
        list.stdout
    );
    let shown = env.run(&["show", "acme"]);
    assert!(
        shown
            .stdout
            .contains("redirect URIs:  http://127.0.0.1:0/callback"),
        "{}",
        shown.stdout
    );
    assert!(
        shown.stdout.contains("refresh token:  new"),
        "{}",
        shown.stdout
    );
    // The first token comes from the sign-in, cached: no request.
    let cached = token(&env, &["--format", "json"]);
    cached.expect(0);
    assert!(
        cached.stdout.contains("\"cached\":true"),
        "{}",
        cached.stdout
    );
    assert_eq!(oidc.token_requests("refresh_token"), 0);
    // Each refresh rotates the refresh token; the next one works only if the new one was saved.
    let mut seen = vec![cached.stdout.clone()];
    for n in 1..=3 {
        let fresh = token(&env, &["--no-cache"]);
        fresh.expect(0);
        assert!(!seen.contains(&fresh.stdout));
        seen.push(fresh.stdout.clone());
        assert_eq!(oidc.token_requests("refresh_token"), n);
    }
    // verify refreshes (never a browser), with a layer of its own for the refresh token.
    let v = env.run(&["verify", "acme"]);
    v.expect(0);
    assert!(
        v.stdout
            .contains("ok    refresh token  stored, issued just now"),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout.contains("refreshed: Bearer token, valid for 1 h"),
        "{}",
        v.stdout
    );
    assert_eq!(oidc.token_requests("refresh_token"), 4);
    // Coupa documents no revocation endpoint: the tokens are forgotten here, and the user is told.
    let out = env.run(&["logout", "acme"]);
    out.expect(0);
    assert!(
        out.stdout
            .contains("the server names no revocation endpoint"),
        "{}",
        out.all()
    );
    let after = token(&env, &["--no-cache"]);
    after.expect(4);
    let list = env.run(&["list", "--json"]);
    assert!(
        list.stdout.contains("\"refresh_token_obtained_at\": null"),
        "{}",
        list.stdout
    );
    assert!(env.run(&["list"]).stdout.contains("none: log in"));
    assert!(
        after.stderr.contains("run oauth-setup login acme"),
        "{}",
        after.stderr
    );
    // Signing in again brings it back, profile unchanged.
    let before = env.read_profiles();
    let again = login(&env, &b, "acme");
    again.expect(0);
    assert!(
        again.stdout.contains("and a refresh token"),
        "{}",
        again.all()
    );
    token(&env, &["--no-cache"]).expect(0);
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("at = "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&before), strip(&env.read_profiles()));
}

#[test]
fn a_public_client_signs_in_with_pkce_alone() {
    let oidc = Oidc::start(&json!({
        "clients": [client("cli", None, &["http://127.0.0.1/callback"], true)],
    }));
    let env = Env::new();
    let b = Browser::new(&env, "consent");
    let run = Run::from_output(
        with_browser(env.cmd(), &b)
            .args([
                "setup",
                "--non-interactive",
                "--provider",
                "generic",
                "--profile",
                "pub",
                "--issuer",
                &oidc.issuer,
                "--grant-type",
                "authorization-code",
                "--client-id",
                "cli",
                "--public-client",
                "--scopes",
                "openid offline_access api.read",
                "--redirect-uri",
                ANY_PORT,
                "--secret-store",
                "file",
            ])
            .output()
            .unwrap(),
    );
    run.expect(0);
    assert!(run.stdout.contains("and a refresh token"), "{}", run.all());
    assert!(
        !run.stdout.contains("secret:"),
        "a public client has no secret: {}",
        run.stdout
    );
    let profiles = env.read_profiles();
    assert!(profiles.contains("client_auth = \"none\""), "{profiles}");
    assert!(profiles.contains(&format!("issuer = \"{}\"", oidc.issuer)));
    token(&env, &["--no-cache"]).expect(0);
    // oidc-provider rotates a public client's refresh token on every use.
    token(&env, &["--no-cache"]).expect(0);
    assert_eq!(oidc.token_requests("refresh_token"), 2);
    let rt = stored_refresh_token(&env);
    let out = env.run(&["logout", "pub"]);
    out.expect(0);
    assert!(
        out.stdout.contains(&format!(
            "revoked the refresh token at {}/token/revocation",
            oidc.issuer
        )),
        "{}",
        out.all()
    );
    // The server no longer honours it (RFC 7009), and nothing of it is left here.
    let body = format!("grant_type=refresh_token&client_id=cli&refresh_token={rt}");
    let (status, answer) = post_form(&format!("{}/token", oidc.issuer), &body);
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("invalid_grant"), "{answer}");
    assert!(secret_values_of(&env.config().join("secrets.toml")).is_empty());
    token(&env, &[]).expect(4);
    let v = env.run(&["verify", "pub"]);
    v.expect(4);
    assert!(
        v.stdout
            .contains("ok    endpoints      as http://127.0.0.1:"),
        "re-discovered: {}",
        v.stdout
    );
    assert!(
        v.stdout.contains("FAIL  refresh token  none stored"),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout.contains("fix: run oauth-setup login pub"),
        "{}",
        v.stdout
    );
}

/// The refresh token in a file-store profile's secrets file.
pub fn stored_refresh_token(env: &Env) -> String {
    let text = std::fs::read_to_string(env.config().join("secrets.toml")).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    let (_, entry) = table
        .iter()
        .find(|(k, _)| k.ends_with(".refresh-token"))
        .unwrap();
    let entry: serde_json::Value = serde_json::from_str(entry.as_str().unwrap()).unwrap();
    entry["refresh_token"].as_str().unwrap().to_string()
}

pub fn post_form(url: &str, body: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    let req = format!(
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    std::io::Write::write_all(&mut s, req.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    (
        out.split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0),
        out,
    )
}

#[test]
fn a_user_who_denies_access_gets_exit_4_and_nothing_is_saved() {
    let oidc = coupa_server("always");
    let env = Env::new();
    let b = Browser::new(&env, "deny");
    let run = setup(&env, &oidc, &b, &[]);
    run.expect(4);
    assert!(
        run.stderr
            .contains("you (or the server's policy) refused access"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was saved"), "{}", run.stderr);
    assert!(!env.profiles().exists());
    assert_eq!(oidc.token_requests("authorization_code"), 0);
}

/// Start `setup` with an idle browser; returns the child, the redirect URI it listens on, and
/// its stderr (kept open: the program writes more).
fn waiting_setup(
    env: &Env,
    oidc: &Oidc,
    b: &Browser,
    extra: &[&str],
) -> (std::process::Child, String, std::process::ChildStderr) {
    let mut cmd = env.std_cmd();
    cmd.env("BROWSER", browser())
        .env("FAKE_BROWSER_LOG", &b.log)
        .env("FAKE_BROWSER_MODE", b.mode)
        .args(setup_args(&oidc.issuer))
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    // A public client unless the caller gives the secret (then it is written to stdin).
    let confidential = extra.contains(&"--client-secret-stdin");
    if confidential {
        cmd.stdin(std::process::Stdio::piped());
    } else {
        cmd.arg("--public-client")
            .stdin(std::process::Stdio::null());
    }
    let mut child = cmd.spawn().unwrap();
    if confidential {
        let mut stdin = child.stdin.take().unwrap();
        std::io::Write::write_all(&mut stdin, SECRET.as_bytes()).unwrap();
    }
    let mut stderr = child.stderr.take().unwrap();
    let mut seen = String::new();
    let mut byte = [0u8; 1];
    while !seen.contains(" (5 min;") {
        assert_eq!(stderr.read(&mut byte).unwrap(), 1, "ended early: {seen}");
        seen.push(byte[0] as char);
    }
    let uri = seen
        .split("waiting for the answer on ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .unwrap()
        .to_string();
    (child, uri, stderr)
}

fn get(url: &str) -> std::io::Result<(u16, String)> {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host)?;
    std::io::Write::write_all(
        &mut s,
        format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
    )?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    let code = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((code, out))
}

/// A raw GET naming `host` in its Host header.
fn get_as(url: &str, host: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    std::io::Write::write_all(
        &mut s,
        format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let code = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, out)
}

#[test]
fn requests_that_are_not_the_callback_get_400_and_the_sign_in_goes_on() {
    let oidc = coupa_server("always");
    let env = Env::new();
    let b = Browser::new(&env, "capture");
    let (mut child, uri, mut err) = waiting_setup(
        &env,
        &oidc,
        &b,
        &["--redirect-uri", ANY_PORT, "--client-secret-stdin"],
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let callback = loop {
        if let Some(c) = b.callback() {
            break c;
        }
        assert!(std::time::Instant::now() < deadline, "{:?}", b.lines());
        std::thread::sleep(Duration::from_millis(50));
    };
    let (host, query) = (
        uri.strip_prefix("http://")
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_string(),
        callback.split_once('?').unwrap().1.to_string(),
    );
    let origin = format!("http://{host}");
    // A web page can reach the port: guesses, other paths, and a rebound name are ignored.
    for (url, as_host) in [
        (format!("{uri}?code=stolen&state=not-ours"), host.as_str()),
        (format!("{uri}?code=stolen"), host.as_str()),
        (format!("{origin}/other?{query}"), host.as_str()),
        (callback.clone(), "evil.example:80"),
    ] {
        let (status, page) = get_as(&url, as_host);
        assert_eq!(status, 400, "{url} as {as_host}: {page}");
        assert!(
            page.to_ascii_lowercase()
                .contains("referrer-policy: no-referrer"),
            "{page}"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sign-in ended at {url}"
        );
    }
    assert_eq!(
        oidc.token_requests("authorization_code"),
        0,
        "nothing was exchanged"
    );
    // The real answer still ends it.
    let (status, page) = get_as(&callback, &host);
    assert_eq!(status, 200, "{page}");
    let mut stderr = String::new();
    err.read_to_string(&mut stderr).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(oidc.token_requests("authorization_code"), 1);
    assert!(env.profiles().exists());
    // The listener served one answer and closed: a replay finds nothing listening.
    assert!(get(&callback).is_err());
}

#[test]
fn a_taken_port_falls_back_to_the_next_and_all_taken_is_named() {
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
    let free = TcpListener::bind("127.0.0.1:0").unwrap();
    let (a, b_port) = (
        held.local_addr().unwrap().port(),
        free.local_addr().unwrap().port(),
    );
    drop(free);
    let first = format!("http://127.0.0.1:{a}/callback");
    let second = format!("http://127.0.0.1:{b_port}/callback");
    // A web client: exact redirect URIs, as Coupa matches them.
    let oidc = Oidc::start(&json!({
        "coupa_routes": true,
        "clients": [client("app", Some(SECRET), &[&first, &second], false)],
    }));
    let env = Env::new();
    let b = Browser::new(&env, "consent");
    let run = setup(
        &env,
        &oidc,
        &b,
        &["--redirect-uri", &first, "--redirect-uri", &second],
    );
    run.expect(0);
    assert!(
        run.stderr
            .contains(&format!("waiting for the answer on {second}")),
        "{}",
        run.stderr
    );
    let blocker = TcpListener::bind(("127.0.0.1", b_port)).unwrap();
    let env2 = Env::new();
    let refused = setup(
        &env2,
        &oidc,
        &b,
        &["--redirect-uri", &first, "--redirect-uri", &second],
    );
    refused.expect(5);
    assert!(
        refused
            .stderr
            .contains(&format!("{first} (the port is in use by another program)")),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains(&second));
    assert!(
        refused.stderr.contains("--redirect-uri"),
        "the next step: {}",
        refused.stderr
    );
    drop((held, blocker));
}

#[test]
fn setup_refuses_bad_redirect_uris_and_options_that_do_not_fit() {
    let env = Env::new();
    let run = env.run(&[
        "setup",
        "--non-interactive",
        "--provider",
        "coupa",
        "--instance",
        "acme",
        "--grant-type",
        "authorization-code",
        "--client-id",
        "app",
        "--public-client",
        "--redirect-uri",
        "http://localhost:8765/callback",
        "--redirect-uri",
        "http://10.1.1.1/cb",
    ]);
    run.expect(2);
    assert!(run.stderr.contains("redirect URI (--redirect-uri): http://localhost:8765/callback: use 127.0.0.1 instead of localhost"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("redirect URI (--redirect-uri): http://10.1.1.1/cb: use http://127.0.0.1"),
        "{}",
        run.stderr
    );
    let cc = env.run_stdin(
        &[
            "setup",
            "--non-interactive",
            "--provider",
            "coupa",
            "--instance",
            "acme",
            "--client-id",
            "app",
            "--client-secret-stdin",
            "--redirect-uri",
            ANY_PORT,
        ],
        "x",
    );
    cc.expect(2);
    assert!(
        cc.stderr
            .contains("--redirect-uri are for authorization-code"),
        "{}",
        cc.stderr
    );
    // A device-code client has a secret: --public-client is refused there too, and saves nothing.
    let device = env.run_stdin(
        &[
            "setup",
            "--non-interactive",
            "--provider",
            "coupa",
            "--instance",
            "acme",
            "--grant-type",
            "device-code",
            "--client-id",
            "app",
            "--client-secret-stdin",
            "--public-client",
        ],
        "x",
    );
    device.expect(2);
    assert!(
        device
            .stderr
            .contains("--public-client is for authorization-code only"),
        "{}",
        device.stderr
    );
    assert!(!env.profiles().exists() || !env.read_profiles().contains("[profiles."));
}

pub fn secret_values_of(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let table: toml::Table = toml::from_str(&text).unwrap_or_default();
    table
        .values()
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

#[test]
fn a_new_secret_for_a_signed_in_profile_is_tested_with_a_refresh() {
    let oidc = coupa_server("always");
    let env = Env::new();
    setup(&env, &oidc, &Browser::new(&env, "consent"), &[]).expect(0);
    let wrong = env.run_stdin(
        &["rotate", "acme", "--client-secret-stdin"],
        "not-the-secret",
    );
    wrong.expect(4);
    assert!(
        wrong.stderr.contains("invalid_client")
            && wrong.stderr.contains("the stored secret was not changed"),
        "{}",
        wrong.stderr
    );
    assert_eq!(
        oidc.token_requests("refresh_token"),
        1,
        "tested with a refresh"
    );
    // The refused attempt spent nothing: the stored refresh token still works.
    let right = env.run_stdin(&["rotate", "acme", "--client-secret-stdin"], SECRET);
    right.expect(0);
    assert!(
        right.stdout.contains("the new secret works"),
        "{}",
        right.all()
    );
    assert_eq!(oidc.token_requests("refresh_token"), 2);
    // The refresh token it rotated was saved.
    env.run(&["token", "acme", "--no-cache"]).expect(0);
    assert_eq!(
        oidc.token_requests("client_credentials"),
        0,
        "never a client-credentials test"
    );
}

#[test]
fn a_kill_once_the_refresh_token_is_stored_saves_no_profile_and_setup_works_again() {
    let oidc = coupa_server("always");
    let env = Env::new();
    let b = Browser::new(&env, "consent");
    let killed = setup_with(
        &env,
        &oidc,
        &b,
        &[],
        &[("OAUTH_SETUP_CRASH_AT", "sign-in:refresh-stored")],
    );
    assert_eq!(killed.code, -1, "killed by SIGKILL: {}", killed.all());
    assert!(
        !env.read_profiles().contains("[profiles.acme]"),
        "no profile without its tokens"
    );
    setup(&env, &oidc, &b, &[]).expect(0);
    env.run(&["token", "acme", "--no-cache"]).expect(0);
}

/// Issue 15's dead end: an imported confidential sign-in profile with a file store has no
/// secret; import says to log in, and `login` takes the secret and keeps it once it worked.
#[test]
fn an_imported_sign_in_profile_logs_in_with_its_secret_and_keeps_it() {
    let oidc = coupa_server("yes");
    let first = Env::new();
    let b = Browser::new(&first, "consent");
    setup(&first, &oidc, &b, &[]).expect(0);
    let file = first.dir.path().join("acme.profile.toml");
    first
        .run(&["export", "acme", "--output", file.to_str().unwrap()])
        .expect(0);
    let second = Env::new();
    let origin = oidc.issuer.split('/').take(3).collect::<Vec<_>>().join("/");
    let import = second.run(&[
        "import",
        file.to_str().unwrap(),
        "--allow-endpoint",
        &origin,
    ]);
    import.expect(0);
    assert!(
        import
            .all()
            .contains("oauth-setup login acme --client-secret-stdin"),
        "import names the step that works: {}",
        import.all()
    );
    assert!(secret_values_of(&second.config().join("secrets.toml")).is_empty());
    // A wrong secret: refused by the server, nothing kept.
    let b2 = Browser::new(&second, "consent");
    let wrong = Run::from_output(
        with_browser(second.cmd(), &b2)
            .args(["login", "acme", "--client-secret-stdin"])
            .write_stdin("not-the-secret")
            .output()
            .unwrap(),
    );
    assert_eq!(wrong.code, 4, "{}", wrong.all());
    assert!(secret_values_of(&second.config().join("secrets.toml")).is_empty());
    let right = Run::from_output(
        with_browser(second.cmd(), &b2)
            .args(["login", "acme", "--client-secret-stdin"])
            .write_stdin(SECRET)
            .output()
            .unwrap(),
    );
    right.expect(0);
    assert!(!right.all().contains(SECRET));
    assert!(
        secret_values_of(&second.config().join("secrets.toml")).contains(&SECRET.to_string()),
        "the secret is kept once the sign-in worked"
    );
    // From now on, tokens come from the refresh token and the kept secret, no browser.
    second.run(&["token", "acme", "--no-cache"]).expect(0);
    second.run(&["verify", "acme"]).expect(0);
}

/// An edit of a signed-in profile that changes what the server sees is its sign-in again: the
/// new refresh token is kept; one that changes nothing it sees keeps the old tokens.
#[test]
fn an_edit_of_a_signed_in_profile_signs_in_again_and_keeps_the_new_session() {
    let oidc = coupa_server("always");
    let env = Env::new();
    let b = Browser::new(&env, "consent");
    setup(&env, &oidc, &b, &[]).expect(0);
    let signed_in = || {
        b.lines()
            .iter()
            .filter(|l| l.starts_with("callback "))
            .count()
    };
    let before = signed_in();
    let unseen = Run::from_output(
        with_browser(env.cmd(), &b)
            .args([
                "edit",
                "acme",
                "--non-interactive",
                "--client-name",
                "Reports",
            ])
            .output()
            .unwrap(),
    );
    unseen.expect(0);
    assert_eq!(signed_in(), before, "nothing the server sees: no sign-in");
    env.run(&["token", "acme", "--no-cache"]).expect(0);

    let seen = Run::from_output(
        with_browser(env.cmd(), &b)
            .args([
                "edit",
                "acme",
                "--non-interactive",
                "--scopes",
                "openid offline_access api.read",
            ])
            .output()
            .unwrap(),
    );
    seen.expect(0);
    assert!(seen.stdout.contains("signed in"), "{}", seen.all());
    assert_eq!(signed_in(), before + 1, "the edit signed in again");
    let refreshed = oidc.token_requests("refresh_token");
    env.run(&["token", "acme", "--no-cache"]).expect(0);
    assert_eq!(
        oidc.token_requests("refresh_token"),
        refreshed + 1,
        "the new session's refresh token works"
    );
    let profiles = env.read_profiles();
    assert!(profiles.contains("\"api.read\""), "{profiles}");
}

/// A change of grant is a change the server sees: client credentials to authorization code
/// signs the user in, and the profile then works from its refresh token.
#[test]
fn an_edit_to_another_grant_signs_in_and_then_refreshes() {
    let oidc = coupa_server("always");
    let env = Env::new();
    let b = Browser::new(&env, "consent");
    env.run_stdin(
        &[
            "setup",
            "--non-interactive",
            "--provider",
            "coupa",
            "--profile",
            "acme",
            "--instance",
            &oidc.issuer,
            "--client-id",
            "app",
            "--scopes",
            "api.read",
            "--secret-store",
            "file",
            "--client-secret-stdin",
        ],
        SECRET,
    )
    .expect(0);
    let moved = Run::from_output(
        with_browser(env.cmd(), &b)
            .args([
                "edit",
                "acme",
                "--non-interactive",
                "--grant-type",
                "authorization-code",
                "--scopes",
                "openid offline_access",
                "--redirect-uri",
                ANY_PORT,
            ])
            .output()
            .unwrap(),
    );
    moved.expect(0);
    assert!(
        moved
            .stdout
            .contains("changing profile acme: grant type, scopes, redirect URIs"),
        "{}",
        moved.all()
    );
    assert!(
        env.read_profiles()
            .contains("grant_type = \"authorization_code\"")
    );
    let refreshed = oidc.token_requests("refresh_token");
    env.run(&["token", "acme", "--no-cache"]).expect(0);
    assert_eq!(oidc.token_requests("refresh_token"), refreshed + 1);
}
