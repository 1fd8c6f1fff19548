//! The app's sign-in against the real authorization server: the wizard signs a Coupa
//! authorization-code profile in through the test browser and saves it with its refresh token;
//! "log in again" from the home screen; a device-code profile signed in with the code shown.

use serde_json::json;

use crate::authcode::{Browser, SECRET, coupa_server, login};
use crate::support::cli::{Env, LockHolder, Run, write_profile};
use crate::support::oauth::OAuthConfig;
use crate::support::oidc::{Oidc, browser, device_client};
use crate::support::pty::Pty;
use crate::support::server::{Reply, Server};

const ENTER: &str = "\r";

/// From the instance step (a loopback address: its warning takes a second Enter) to the
/// secret: every step after it was given on the command line, so each is taken on its own.
fn to_the_secret(t: &mut Pty) {
    t.wait_for("press Enter again");
    t.send(ENTER);
    for _ in 0..12 {
        if t.text().contains("Client secret ▸") {
            return;
        }
        t.send(ENTER);
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    t.wait_for("Client secret ▸");
}

/// `setup` in the app with every form field given, so it opens on the secret step.
fn wizard_args<'a>(issuer: &'a str, grant: &'a str, client: &'a str) -> Vec<&'a str> {
    vec![
        "setup",
        "--provider",
        "coupa",
        "--instance",
        issuer,
        "--grant-type",
        grant,
        "--client-name",
        "Nightly",
        "--login",
        "nightly",
        "--contact-first-name",
        "Jane",
        "--contact-last-name",
        "Doe",
        "--contact-email",
        "jane@example.com",
        "--scopes",
        "openid offline_access",
        "--client-id",
        client,
    ]
}

/// From the signed-in result: save to the file store and finish.
fn save_and_finish(t: &mut Pty) {
    t.send(ENTER);
    t.wait_for("Save");
    t.choose_file_store();
    t.send(ENTER);
    t.wait_for("✓ saved profile");
    t.send(ENTER);
    assert_eq!(t.wait_exit(), 0, "{}", t.text());
}

#[test]
fn the_wizard_signs_in_in_the_browser_and_home_logs_in_again() {
    let oidc = coupa_server("always");
    let env = Env::new();
    let b = Browser::new(&env, "consent");
    let (browser, log) = (browser(), b.log.display().to_string());
    let vars = [
        ("BROWSER", browser.as_str()),
        ("FAKE_BROWSER_LOG", log.as_str()),
    ];
    let mut t = Pty::spawn(
        &env,
        &wizard_args(&oidc.issuer, "authorization-code", "app"),
        &vars,
    );
    to_the_secret(&mut t);
    t.paste(SECRET);
    t.send(ENTER);
    t.wait_for("Review");
    t.wait_for("Sign in");
    t.send(ENTER);
    t.wait_for("✓ signed in");
    t.wait_for("and a refresh token");
    save_and_finish(&mut t);
    let profiles = env.read_profiles();
    assert!(
        profiles.contains("grant_type = \"authorization_code\""),
        "{profiles}"
    );
    assert!(
        profiles.contains("http://127.0.0.1:8765/callback"),
        "{profiles}"
    );
    env.run(&["token", "local", "--no-cache"]).expect(0);

    // Home: the grant and the token columns, and "log in again".
    let mut home = Pty::spawn(&env, &[], &vars);
    home.wait_for("auth code");
    home.wait_until("the token columns", |s| {
        s.contains("59 min") || s.contains("1 h")
    });
    home.wait_for("l log in again");
    home.send("l");
    home.wait_for("✓ signed in");
    home.send(ENTER);
    home.wait_for("signed in again to local; its new tokens were saved");
    home.send("q");
    assert_eq!(home.wait_exit(), 0);
    assert_eq!(oidc.token_requests("authorization_code"), 2);
    env.run(&["token", "local", "--no-cache"]).expect(0);
    // `login` records what the app's "log in again" recorded: one use case keeps both.
    let by_app = recorded_verification_of(&env, "local");
    login(&env, &b, "local").expect(0);
    assert_eq!(oidc.token_requests("authorization_code"), 3);
    assert_eq!(recorded_verification_of(&env, "local"), by_app);
    assert_eq!(by_app, "ok = true\nresult = \"ok\"");
}

/// A profile's last verification without its time.
fn recorded_verification_of(env: &Env, name: &str) -> String {
    let file: toml::Table = env.read_profiles().parse().unwrap();
    let mut v = file["profiles"][name]["last_verification"]
        .as_table()
        .unwrap()
        .clone();
    v.remove("at");
    toml::to_string(&v).unwrap().trim().to_string()
}

/// A profile saved unverified records the same verdict whichever front end saved it: the
/// failure, the scope the client lacks and "(saved unverified)", from `setup
/// --save-unverified` and from the wizard's `u`, `y`.
#[test]
fn saved_unverified_is_recorded_alike_by_both_front_ends() {
    let server = OAuthConfig::new("app", SECRET, &["openid"]).start();
    let env = Env::new();
    let scopes = "openid offline_access";
    env.setup(
        "cli",
        &server.url(""),
        "app",
        SECRET,
        scopes,
        &["--save-unverified"],
    )
    .expect(0);
    let mut t = Pty::spawn(
        &env,
        &wizard_args(&server.url(""), "client-credentials", "app"),
        &[],
    );
    to_the_secret(&mut t);
    t.paste(SECRET);
    t.send(ENTER);
    t.wait_for("Review");
    t.wait_for("Run the live test");
    t.send(ENTER);
    t.wait_for("u: save unverified");
    t.send("u");
    t.wait_for("Save without working credentials?");
    t.send("y");
    t.wait_for("saving unverified");
    t.choose_file_store();
    t.send(ENTER);
    t.wait_for("✓ saved profile local");
    t.send(ENTER);
    assert_eq!(t.wait_exit(), 0, "{}", t.text());
    let by_cli = recorded_verification_of(&env, "cli");
    assert!(
        by_cli.contains("ok = false")
            && by_cli.contains("the client lacks: offline_access")
            && by_cli.contains("(saved unverified)"),
        "{by_cli}"
    );
    assert_eq!(recorded_verification_of(&env, "local"), by_cli);
}

/// One use case picks the flow and checks its endpoint for both front ends: a device-code
/// profile whose device endpoint is gone is refused by `login` and by the app's "log in again"
/// with the same missing endpoint, before anything is contacted, and nothing is recorded.
#[test]
fn both_front_ends_name_the_missing_device_endpoint() {
    let env = Env::new();
    write_profile(&env, "dev", "http://127.0.0.1:9/token", SECRET);
    let text = env
        .read_profiles()
        .replace("client_credentials", "device_code")
        + "\n[profiles.dev.user_grant]\nrevocation_url = \"http://127.0.0.1:9/revoke\"\n";
    std::fs::write(env.profiles(), &text).unwrap();
    let cli = env.run(&["login", "dev"]);
    cli.expect(2);
    assert!(
        cli.stderr
            .contains("the profile names no device authorization endpoint"),
        "{}",
        cli.all()
    );
    let mut home = Pty::spawn(&env, &[], &[]);
    home.wait_for("l log in again");
    home.send("l");
    home.wait_for("names no device authorization endpoint");
    home.send("\x1b");
    home.send("q");
    home.wait_exit();
    assert_eq!(env.read_profiles(), text, "nothing was recorded");
}

/// Keeping a new sign-in is one use case for both front ends: while another process holds the
/// profile's lock, `login` and the app's "log in again" both sign in, then both refuse to keep
/// the session with the lock named (the command line exits 2), and neither records anything.
/// The server is a stand-in that grants the device code at once: the lock is the fault here.
#[test]
fn both_front_ends_keep_nothing_while_the_profile_is_locked() {
    let server = Server::start(|req| {
        if req.path.starts_with("/device") {
            return Reply::json(
                200,
                &json!({
                    "device_code": "DEVICE-CANARY-77", "user_code": "WXYZ-1234",
                    "verification_uri": "https://example.invalid/device", "expires_in": 60, "interval": 1,
                }),
            );
        }
        Reply::json(
            200,
            &json!({"access_token": "AT-CANARY-77", "token_type": "Bearer", "expires_in": 3600,
                    "refresh_token": "RT-CANARY-77"}),
        )
    });
    let env = Env::new();
    write_profile(&env, "dev", &server.url("/token"), SECRET);
    let text = env
        .read_profiles()
        .replace("client_credentials", "device_code")
        + &format!(
            "\n[profiles.dev.user_grant]\ndevice_authorization_url = \"{}\"\n",
            server.url("/device")
        );
    std::fs::write(env.profiles(), &text).unwrap();
    let secrets = std::fs::read_to_string(env.config().join("secrets.toml")).unwrap();
    let (_holder, lock) = LockHolder::profile(&env, "dev");
    let held = format!("the lock {} is still held after 1 s", lock.display());
    let cli = Run::from_output(
        env.cmd()
            .env("OAUTH_SETUP_LOCK_TIMEOUT", "1")
            .args(["login", "dev"])
            .output()
            .unwrap(),
    );
    cli.expect(2);
    assert!(cli.stderr.contains(&held), "{}", cli.all());
    let mut home = Pty::spawn(&env, &[], &[("OAUTH_SETUP_LOCK_TIMEOUT", "1")]);
    home.wait_for("l log in again");
    home.send("l");
    home.wait_for("Enter continue");
    home.send(ENTER);
    // The error wraps: compare the screen's words, not its lines.
    let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    home.wait_until("the lock named", |t| {
        words(t).contains("still held after 1 s")
    });
    assert!(
        words(&home.text()).contains("Enter save again"),
        "{}",
        home.text()
    );
    home.send("\x1b");
    home.wait_for("q quit");
    home.send("q");
    assert_eq!(home.wait_exit(), 0);
    assert_eq!(env.read_profiles(), text, "nothing recorded by either");
    let after = std::fs::read_to_string(env.config().join("secrets.toml")).unwrap();
    assert_eq!(after, secrets, "no refresh token kept by either");
}

#[test]
fn the_wizard_shows_a_device_code_and_signs_in_with_it() {
    let oidc = Oidc::start(&json!({
        "coupa_routes": true,
        "clients": [device_client("dev", SECRET)],
    }));
    let env = Env::new();
    let mut t = Pty::spawn(&env, &wizard_args(&oidc.issuer, "device-code", "dev"), &[]);
    to_the_secret(&mut t);
    t.paste(SECRET);
    t.send(ENTER);
    t.wait_for("Sign in");
    t.send(ENTER);
    t.wait_for("enter the code:");
    let screen = t.text();
    let code: String = screen
        .lines()
        .skip_while(|l| !l.contains("enter the code:"))
        .find(|l| l.contains('-') && l.trim().len() > 8)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(screen.contains("Or scan"), "{screen}");
    let url = format!("{}/device?user_code={code}", oidc.issuer);
    let status = std::process::Command::new(browser())
        .arg(&url)
        .status()
        .unwrap();
    assert!(status.success());
    t.wait_for("✓ signed in");
    save_and_finish(&mut t);
    env.run(&["token", "local", "--no-cache"]).expect(0);
}

#[test]
fn the_wizard_reads_a_standard_servers_metadata_and_signs_in() {
    let oidc = coupa_server_plain();
    let env = Env::new();
    let b = Browser::new(&env, "consent");
    let (browser, log) = (browser(), b.log.display().to_string());
    let vars = [
        ("BROWSER", browser.as_str()),
        ("FAKE_BROWSER_LOG", log.as_str()),
    ];
    let mut t = Pty::spawn(&env, &["setup"], &vars);
    t.wait_for("Provider");
    t.send("\x1b[B\x1b[B");
    t.send(ENTER);
    t.wait_for("Instance URL ▸");
    t.send(&oidc.issuer);
    t.send(ENTER);
    t.wait_for("read http://127.0.0.1");
    t.wait_for("Authorization code");
    t.wait_for("Device code");
    t.send("\x1b[B");
    t.send(ENTER);
    t.wait_for("Client name");
    t.send(ENTER);
    t.wait_for("Listed by the server");
    t.paste("openid offline_access api.read");
    t.wait_for("3 selected");
    t.send(ENTER);
    t.wait_for("Redirect URIs: http://127.0.0.1:8765/callback");
    t.send(ENTER);
    t.wait_for("Client id");
    t.send("app");
    t.send(ENTER);
    t.wait_for("Client secret ▸");
    t.paste(SECRET);
    t.send(ENTER);
    t.wait_for("Sign in");
    t.send(ENTER);
    t.wait_for("✓ signed in");
    save_and_finish(&mut t);
    let profiles = env.read_profiles();
    assert!(
        profiles.contains(&format!("issuer = \"{}\"", oidc.issuer)),
        "{profiles}"
    );
    assert!(
        profiles.contains(&format!("token_url = \"{}/token\"", oidc.issuer)),
        "{profiles}"
    );
    assert!(profiles.contains("authorize_url = \""), "{profiles}");
    env.run(&["token", "local", "--no-cache"]).expect(0);
    let v = env.run(&["verify", "local"]);
    v.expect(0);
    assert!(v.stdout.contains("ok    endpoints"), "{}", v.stdout);
}

/// oidc-provider with its own paths (as a standard server has), one confidential native client.
fn coupa_server_plain() -> Oidc {
    Oidc::start(&json!({
        "clients": [crate::support::oidc::client("app", Some(SECRET), &["http://127.0.0.1/callback"], true)],
    }))
}

/// While the browser sign-in waits, Ctrl+O shows the address alone on the plain screen, one
/// line the terminal wraps itself (so it copies whole), and any key returns to the app.
#[test]
fn the_sign_in_address_can_be_shown_alone_to_copy() {
    let oidc = coupa_server("always");
    let env = Env::new();
    // A browser that opens nothing: the sign-in waits, as when the user must copy the address.
    let mut t = Pty::spawn(
        &env,
        &wizard_args(&oidc.issuer, "authorization-code", "app"),
        &[("BROWSER", "true")],
    );
    to_the_secret(&mut t);
    t.paste(SECRET);
    t.send(ENTER);
    t.wait_for("Review");
    t.wait_for("Sign in");
    t.send(ENTER);
    t.wait_for("Ctrl+O address alone");
    t.send("\x0f");
    t.wait_until("the address alone", |s| {
        s.contains("Any key returns to oauth-setup")
    });
    assert!(!t.alternate_screen(), "on the plain screen");
    let text = t.text();
    let line = text
        .lines()
        .find(|l| l.contains("response_type=code"))
        .unwrap_or_default();
    assert!(
        line.starts_with(&oidc.issuer) && line.contains("code_challenge_method=S256"),
        "the whole address on one line: {text}"
    );
    t.send("x");
    t.wait_for("Ctrl+O address alone");
    assert!(t.alternate_screen(), "back in the app");
    t.send("\x1b");
    t.send("\x03");
    t.send("y");
    t.wait_exit();
}
