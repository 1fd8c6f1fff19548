//! A provider preset that exists only under tests/providers: copied into the config folder, it
//! drives `setup` and the wizard end to end with no Rust change.

use crate::support::cli::Env;
use crate::support::oauth::OAuthConfig;
use crate::support::pty::Pty;

const ENTER: &str = "\r";
const TAB: &str = "\t";
const F2: &str = "\x1bOQ";
const SECRET: &str = "PRESET-SECRET-51d2";

fn with_preset() -> Env {
    let env = Env::new();
    let dir = env.config().join("providers");
    std::fs::create_dir_all(&dir).unwrap();
    let preset = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/providers/acme-idp.toml");
    std::fs::copy(preset, dir.join("acme-idp.toml")).unwrap();
    env
}

/// `setup --non-interactive` with the test preset against `url`, the secret on stdin.
fn setup(env: &Env, url: &str, scopes: Option<&str>) -> crate::support::cli::Run {
    let mut args = vec![
        "setup",
        "--non-interactive",
        "--provider",
        "acme-idp",
        "--profile",
        "acme",
        "--instance",
        url,
        "--client-id",
        "m2m-1",
        "--client-secret-stdin",
        "--secret-store",
        "file",
    ];
    if let Some(scopes) = scopes {
        args.extend(["--scopes", scopes]);
    }
    env.run_stdin(&args, SECRET)
}

fn acme_server() -> OAuthConfig {
    let mut oauth = OAuthConfig::new("m2m-1", SECRET, &["api.read", "audit.read"]);
    oauth.path = "/connect/token".into();
    oauth
}

#[test]
fn setup_and_verify_with_a_preset_from_the_config_folder() {
    let oauth = acme_server();
    let server = oauth.start();
    let env = with_preset();
    let run = setup(&env, &server.url(""), Some("api.read audit.read"));
    run.expect(0);
    let profiles = env.read_profiles();
    assert!(profiles.contains("provider = \"acme-idp\""), "{profiles}");
    assert!(
        profiles.contains(&format!("token_url = \"{}\"", server.url("/connect/token"))),
        "the preset's token path: {profiles}"
    );
    assert!(
        profiles.contains("client_auth = \"client_secret_basic\""),
        "the preset's default client authentication: {profiles}"
    );
    env.run(&["verify", "acme"]).expect(0);
    let list = env.run(&["list"]);
    assert!(list.stdout.contains("acme-idp"), "{}", list.stdout);

    // The preset's grammar, catalogue and minimum scope are what the rules use.
    let empty = setup(&env, &server.url(""), None);
    empty.expect(2);
    assert!(empty.stderr.contains("e.g. api.read"), "{}", empty.stderr);
}

#[test]
fn the_presets_own_fix_is_given() {
    let server = crate::support::server::Server::start(|_| {
        crate::support::server::Reply::json(
            400,
            &serde_json::json!({"error": "unsupported_grant_type"}),
        )
    });
    let env = with_preset();
    let run = setup(&env, &server.url(""), Some("api.read"));
    run.expect(4);
    assert!(
        run.stderr.contains("tick 'Machine to machine'"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_broken_preset_is_named_and_nothing_runs() {
    let env = with_preset();
    std::fs::write(
        env.config().join("providers/broken.toml"),
        "id = \"broken\"\ncolour = 1\n",
    )
    .unwrap();
    let run = env.run(&["list"]);
    run.expect(2);
    assert!(
        run.stderr.contains("broken.toml") && run.stderr.contains("fix the file"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_wizard_follows_the_preset() {
    let oauth = acme_server();
    let server = oauth.start();
    let env = with_preset();
    let mut t = Pty::spawn(&env, &[], &[]);
    t.wait_for("1/14 Provider");
    t.wait_for("Acme IdP");
    // Coupa, ServiceNow, then Acme IdP (order 50), before the standard server.
    t.send("\x1b[B\x1b[B");
    t.send(ENTER);
    t.wait_for("2/13 Instance URL");
    t.send(&server.url(""));
    t.send(ENTER);
    t.wait_for("press Enter again to accept");
    t.send(ENTER);
    t.wait_for("3/13 Grant type");
    t.send(ENTER);
    t.wait_for("4/13 Client name");
    t.send("Nightly sync");
    t.send(ENTER);
    t.wait_for("5/13 Contact name");
    t.send("Jane");
    t.send(TAB);
    t.send("Doe");
    t.send(ENTER);
    t.wait_for("6/13 Contact email");
    t.send(ENTER);
    t.wait_for("7/13 Scopes");
    t.send(F2);
    t.wait_for("1 selected");
    t.send(ENTER);
    t.wait_for("8/13 Create the client");
    t.wait_for("Grant: Client credentials; name it Nightly sync; contact Jane Doe.");
    t.wait_for("Allowed scopes: api.read");
    t.send(ENTER);
    t.wait_for("9/13 Client id");
    t.send("m2m-1");
    t.send(ENTER);
    t.wait_for("10/13 Client secret");
    t.paste(SECRET);
    t.send(ENTER);
    t.wait_for("11/13 Review");
    t.send(ENTER);
    t.wait_for("✓ passed: the credentials work");
    t.send(ENTER);
    t.wait_for("13/13 Save");
    t.choose_file_store();
    t.send(ENTER);
    t.wait_for("✓ saved profile local");
    t.send(ENTER);
    assert_eq!(t.wait_exit(), 0);
    let profiles = env.read_profiles();
    for want in [
        "provider = \"acme-idp\"",
        "client_name = \"Nightly sync\"",
        "contact_first_name = \"Jane\"",
        "scopes = [\"api.read\"]",
    ] {
        assert!(profiles.contains(want), "{want}: {profiles}");
    }
    assert!(
        !profiles.contains("login"),
        "the preset's form has no login"
    );
    assert!(
        !profiles.contains("contact_email"),
        "left empty: {profiles}"
    );
    env.run(&["verify", "local"]).expect(0);
}
