//! edit, rename, copy and default against real parts: oidc-provider for the live test of an
//! edit, the file store, the real Secret Service and a real OpenBao for the moves and copies.

use serde_json::json;

use crate::keyring::{keyring_session, lookup};
use crate::support::bao::{Bao, ROOT, vault_setup_args};
use crate::support::cli::{Env, Run};
use crate::support::oauth::OAuthConfig;
use crate::support::oidc::Oidc;

const SECRET: &str = "edit-secret-0123456789";

/// A client of the client-credentials grant that may ask for api.read and api.write only.
fn cc_server() -> Oidc {
    Oidc::start(&json!({"clients": [{
        "client_id": "acme-cc", "client_secret": SECRET, "redirect_uris": [],
        "response_types": [], "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": "client_secret_post", "scope": "api.read api.write",
    }]}))
}

fn setup_generic(env: &Env, token_url: &str, scopes: &str) -> Run {
    env.run_stdin(
        &[
            "setup",
            "--non-interactive",
            "--provider",
            "generic",
            "--profile",
            "acme",
            "--instance",
            token_url,
            "--client-id",
            "acme-cc",
            "--scopes",
            scopes,
            "--client-secret-stdin",
            "--secret-store",
            "file",
        ],
        SECRET,
    )
}

/// profiles.toml and secrets.toml, byte for byte.
fn stores(env: &Env) -> (String, String) {
    (
        env.read_profiles(),
        std::fs::read_to_string(env.config().join("secrets.toml")).unwrap_or_default(),
    )
}

fn profile_field(env: &Env, name: &str, key: &str) -> toml::Value {
    let file: toml::Table = env.read_profiles().parse().unwrap();
    file["profiles"][name][key].clone()
}

fn list_json(env: &Env) -> serde_json::Value {
    let run = env.run(&["list", "--json"]);
    run.expect(0);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn an_edit_is_tested_live_and_a_scope_the_client_lacks_changes_nothing() {
    let oidc = cc_server();
    let url = format!("{}/token", oidc.issuer);
    let env = Env::new();
    setup_generic(&env, &url, "api.read").expect(0);
    let tested = oidc.token_requests("client_credentials");

    let added = env.run(&[
        "edit",
        "acme",
        "--non-interactive",
        "--scopes",
        "api.read api.write",
    ]);
    added.expect(0);
    assert!(
        added.stdout.contains("changing profile acme: scopes"),
        "{}",
        added.all()
    );
    assert_eq!(
        oidc.token_requests("client_credentials"),
        tested + 1,
        "tested live"
    );
    assert_eq!(
        profile_field(&env, "acme", "scopes"),
        toml::Value::try_from(["api.read", "api.write"]).unwrap()
    );

    // Refused by the server: exit 4, the scope named, nothing changed.
    let before = stores(&env);
    let refused = env.run(&[
        "edit",
        "acme",
        "--non-interactive",
        "--scopes",
        "api.read offline_access",
    ]);
    refused.expect(4);
    assert!(
        refused.stderr.contains("offline_access") && refused.stderr.contains("nothing was saved"),
        "{}",
        refused.all()
    );
    assert_eq!(stores(&env), before, "a refused edit changes nothing");

    // A wrong client id: refused the same way.
    env.run(&["edit", "acme", "--non-interactive", "--client-id", "nobody"])
        .expect(4);
    assert_eq!(stores(&env), before);

    // Saved anyway when asked, and recorded as unverified.
    env.run(&[
        "edit",
        "acme",
        "--non-interactive",
        "--client-id",
        "nobody",
        "--save-unverified",
    ])
    .expect(0);
    assert_eq!(
        profile_field(&env, "acme", "client_id").as_str(),
        Some("nobody")
    );
    let record = profile_field(&env, "acme", "last_verification");
    assert_eq!(record["ok"].as_bool(), Some(false), "{record}");
}

#[test]
fn an_edit_the_server_does_not_see_asks_nothing_and_keeps_the_tokens() {
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let env = Env::with_profile(&server);
    env.run(&["token", "acme"]).expect(0);
    let asked = server.posts();
    let same = env.run(&["edit", "acme", "--non-interactive"]);
    same.expect(0);
    assert!(same.stdout.contains("nothing to change"), "{}", same.all());
    let named = env.run(&[
        "edit",
        "acme",
        "--non-interactive",
        "--client-name",
        "Invoices export",
        "--contact-email",
        "ops@example.com",
    ]);
    named.expect(0);
    assert!(named.stdout.contains("client details"), "{}", named.all());
    assert_eq!(
        server.posts(),
        asked,
        "nothing the server sees changed: no request"
    );
    let token = env.run(&["token", "acme", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&token.stdout).unwrap();
    assert_eq!(
        doc["cached"], true,
        "the cached token stays: {}",
        token.stdout
    );
    // An unknown profile and --profile are refused with their fixes.
    let unknown = env.run(&["edit", "nope", "--non-interactive"]);
    unknown.expect(2);
    assert!(
        unknown.stderr.contains("known profiles: acme"),
        "{}",
        unknown.stderr
    );
    let renaming = env.run(&["edit", "acme", "--non-interactive", "--profile", "b"]);
    renaming.expect(2);
    assert!(
        renaming.stderr.contains("oauth-setup rename acme"),
        "{}",
        renaming.stderr
    );
}

#[test]
fn rename_keeps_secret_tokens_and_history_and_leaves_nothing_under_the_old_name() {
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let env = Env::with_profile(&server);
    env.run(&["verify", "acme"]).expect(0);
    env.run(&["token", "acme"]).expect(0);
    let asked = server.posts();
    let record = profile_field(&env, "acme", "last_verification");

    let renamed = env.run(&["rename", "acme", "acme-prod"]);
    renamed.expect(0);
    assert!(
        renamed.stdout.contains("renamed profile acme to acme-prod"),
        "{}",
        renamed.all()
    );
    let token = env.run(&["token", "acme-prod", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&token.stdout).unwrap();
    assert_eq!(
        doc["cached"], true,
        "the cache came along: {}",
        token.stdout
    );
    assert_eq!(server.posts(), asked);
    assert_eq!(
        profile_field(&env, "acme-prod", "last_verification"),
        record
    );
    let (profiles, secrets) = stores(&env);
    assert!(!profiles.contains("[profiles.acme]"), "{profiles}");
    for line in secrets.lines().filter(|l| l.contains('=')) {
        assert!(
            line.starts_with("\"acme-prod-") || line.starts_with("acme-prod-"),
            "{line}"
        );
    }
    // The default followed the name.
    assert_eq!(list_json(&env)["default_profile"], "acme-prod");
    env.run(&["show", "acme"]).expect(2);

    // Refusals change nothing.
    let before = stores(&env);
    env.add_profile("other", &server);
    let before_clash = stores(&env);
    let clash = env.run(&["rename", "acme-prod", "other"]);
    clash.expect(2);
    assert!(
        clash.stderr.contains("\"other\" already exists"),
        "{}",
        clash.stderr
    );
    env.run(&["rename", "acme-prod", "bad name"]).expect(2);
    env.run(&["rename", "nope", "x"]).expect(2);
    assert_eq!(stores(&env), before_clash);
    assert_ne!(before, before_clash);
}

#[test]
fn copy_has_its_own_secret_entry_and_no_session_and_default_is_listed() {
    let oauth = OAuthConfig::new("id", "sec", &["core.common.read"]);
    let server = oauth.start();
    let env = Env::with_profile(&server);
    env.run(&["token", "acme"]).expect(0);
    let copied = env.run(&["copy", "acme", "acme-ci"]);
    copied.expect(0);
    let token = env.run(&["token", "acme-ci", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&token.stdout).unwrap();
    assert_eq!(
        doc["cached"], false,
        "the copy has no session of its own yet"
    );
    // Rotating the copy leaves the original's secret alone.
    oauth.set_secrets(&["sec", "sec-ci"]);
    env.run_stdin(&["rotate", "acme-ci", "--client-secret-stdin"], "sec-ci")
        .expect(0);
    let secrets: toml::Table = stores(&env).1.parse().unwrap();
    let value = |name: &str| {
        let r = profile_field(&env, name, "secret_ref");
        secrets[r.as_str().unwrap()].as_str().unwrap().to_string()
    };
    assert_eq!(
        (value("acme"), value("acme-ci")),
        ("sec".into(), "sec-ci".into())
    );
    // The original can go; the copy still works.
    env.run(&["delete", "acme", "--yes"]).expect(0);
    env.run(&["token", "acme-ci", "--no-cache"]).expect(0);

    // With no default left, a new profile becomes it, as in setup.
    assert_eq!(list_json(&env)["default_profile"], serde_json::Value::Null);
    env.run(&["copy", "acme-ci", "acme-2"]).expect(0);
    assert_eq!(list_json(&env)["default_profile"], "acme-2");
    env.run(&["default", "acme-ci"]).expect(0);
    let json = list_json(&env);
    assert_eq!(json["default_profile"], "acme-ci");
    let flagged: Vec<&str> = json["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["default"] == true)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(flagged, ["acme-ci"]);
    // A command that names no profile now uses it.
    let token = env.run(&["token", "--format", "json"]);
    token.expect(0);
    env.run(&["delete", "acme-2", "--yes"]).expect(0);
    assert_eq!(list_json(&env)["default_profile"], "acme-ci");
    let missing = env.run(&["default", "nope"]);
    missing.expect(2);
    assert!(
        missing.stderr.contains("known profiles"),
        "{}",
        missing.stderr
    );
}

#[test]
fn an_edit_moves_the_secret_between_the_file_and_the_keyring_old_entry_last() {
    if !keyring_session() {
        return;
    }
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let env = Env::with_profile(&server);
    let old_ref = profile_field(&env, "acme", "secret_ref");
    let moved = env.run(&[
        "edit",
        "acme",
        "--non-interactive",
        "--secret-store",
        "keyring",
    ]);
    moved.expect(0);
    assert!(moved.stdout.contains("secret store"), "{}", moved.all());
    let new_ref = profile_field(&env, "acme", "secret_ref");
    assert_eq!(lookup(new_ref.as_str().unwrap()).as_deref(), Some("sec"));
    let secrets = stores(&env).1;
    assert!(!secrets.contains(old_ref.as_str().unwrap()), "{secrets}");
    env.run(&["token", "acme", "--no-cache"]).expect(0);
    // And back: the keyring entry goes once the file holds it.
    env.run(&[
        "edit",
        "acme",
        "--non-interactive",
        "--secret-store",
        "file",
    ])
    .expect(0);
    assert_eq!(
        lookup(new_ref.as_str().unwrap()),
        None,
        "keyring entry removed"
    );
    env.run(&["token", "acme", "--no-cache"]).expect(0);
}

#[test]
fn copies_in_vault_get_their_own_path_or_share_it_by_choice() {
    let bao = Bao::start();
    let server = OAuthConfig::new("id", "vault-sec", &["core.common.read"]).start();
    let env = Env::new();
    let url = server.url("/oauth2/token");
    let with_token = |args: &[&str], stdin: &str| {
        Run::from_output(
            env.cmd()
                .env("BAO_TOKEN", ROOT)
                .args(args)
                .write_stdin(stdin.to_string())
                .output()
                .unwrap(),
        )
    };
    with_token(&vault_setup_args(&url, &bao.addr), "vault-sec").expect(0);
    with_token(&["copy", "team", "team-ci"], "").expect(0);
    assert_eq!(
        bao.secret_at("oauth-setup/team-ci").map(|s| s.0).as_deref(),
        Some("vault-sec")
    );
    with_token(&["copy", "team", "team-b", "--share-secret"], "").expect(0);
    assert_eq!(
        profile_field(&env, "team-b", "secret")["path"].as_str(),
        Some("oauth-setup/team")
    );
    with_token(
        &["copy", "team", "team-c", "--vault-path", "ops/team-c"],
        "",
    )
    .expect(0);
    assert!(bao.secret_at("ops/team-c").is_some());
    // A rename keeps the team's path: it is a location of its own, not the profile's name.
    with_token(&["rename", "team", "team-prod"], "").expect(0);
    assert_eq!(
        profile_field(&env, "team-prod", "secret")["path"].as_str(),
        Some("oauth-setup/team")
    );
    with_token(&["token", "team-prod", "--no-cache"], "").expect(0);
    // A move out of Vault leaves the Vault secret in place, and says so.
    let out = with_token(
        &[
            "edit",
            "team-ci",
            "--non-interactive",
            "--secret-store",
            "file",
        ],
        "",
    );
    out.expect(0);
    assert!(out.stdout.contains("the old secret stays"), "{}", out.all());
    assert!(bao.secret_at("oauth-setup/team-ci").is_some());
}

#[test]
fn a_password_managers_entry_is_shared_only_by_choice() {
    let server = OAuthConfig::new("id", "cmd-sec", &["core.common.read"]).start();
    let env = Env::new();
    let secret_file = env.dir.path().join("manager-secret");
    std::fs::write(&secret_file, "cmd-sec\n").unwrap();
    let read = format!("cat {}", secret_file.display());
    let url = server.url("");
    env.run(&[
        "setup",
        "--non-interactive",
        "--provider",
        "coupa",
        "--profile",
        "acme",
        "--instance",
        &url,
        "--client-id",
        "id",
        "--scopes",
        "core.common.read",
        "--secret-store",
        "command",
        "--secret-command",
        &read,
    ])
    .expect(0);
    let before = stores(&env);
    assert!(before.0.contains("[profiles.acme"), "{}", before.0);
    let refused = env.run(&["copy", "acme", "acme-2"]);
    refused.expect(2);
    assert!(
        refused.stderr.contains("--share-secret"),
        "{}",
        refused.stderr
    );
    assert_eq!(stores(&env), before);
    env.run(&["copy", "acme", "acme-2", "--share-secret"])
        .expect(0);
    env.run(&["token", "acme-2"]).expect(0);
    // Out of the password manager into the file, where no keyring can be used: the keyring
    // (where such a profile's tokens would be) is no reason to refuse.
    let moved = Run::from_output(
        env.cmd()
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .args([
                "edit",
                "acme",
                "--non-interactive",
                "--secret-store",
                "file",
            ])
            .output()
            .unwrap(),
    );
    moved.expect(0);
    assert!(
        stores(&env).1.contains("cmd-sec"),
        "the secret moved into the file"
    );
    assert!(
        moved.stdout.contains("the old secret stays"),
        "{}",
        moved.all()
    );
    env.run(&["token", "acme", "--no-cache"]).expect(0);
    // Deleting the profile that shares the manager's entry says the entry stays, as it does.
    let gone = env.run(&["delete", "acme-2", "--yes"]);
    gone.expect(0);
    assert!(
        gone.stdout
            .contains("its secret stays in the password manager"),
        "{}",
        gone.all()
    );
    assert!(secret_file.exists());
}

#[test]
fn the_apps_edit_adds_a_scope_after_a_live_test_and_its_view_renames() {
    use crate::support::pty::Pty;
    const ENTER: &str = "\r";
    let oidc = cc_server();
    let url = format!("{}/token", oidc.issuer);
    let env = Env::new();
    setup_generic(&env, &url, "api.read").expect(0);
    let tested = oidc.token_requests("client_credentials");

    let mut t = Pty::spawn(&env, &["edit", "acme"], &[]);
    t.wait_for("edit profile acme");
    t.wait_for("Save the changes");
    // From the last row up to the scopes.
    t.send(&"\x1b[A".repeat(3));
    t.send(ENTER);
    t.wait_for("space or comma separated");
    // A standard server has no catalogue: the scopes are a line of text, the profile's first.
    t.send(" api.write");
    t.send(ENTER);
    t.wait_for("Run the live test");
    assert!(t.text().contains("api.read api.write"), "{}", t.text());
    t.send(ENTER);
    t.wait_for("✓ passed");
    t.send(ENTER);
    t.wait_for("Save");
    t.send(ENTER);
    t.wait_for("✓ saved profile acme");
    t.send(ENTER);
    assert_eq!(t.wait_exit(), 0);
    assert_eq!(oidc.token_requests("client_credentials"), tested + 1);
    assert_eq!(
        profile_field(&env, "acme", "scopes"),
        toml::Value::try_from(["api.read", "api.write"]).unwrap()
    );

    let mut t = Pty::spawn(&env, &[], &[]);
    t.wait_for("oauth-setup · profiles");
    t.send(ENTER);
    t.wait_for("present in the file");
    t.send("n");
    t.send("acme-prod");
    t.send(ENTER);
    t.wait_for("renamed acme to acme-prod");
    t.send("\x1b");
    t.wait_for("oauth-setup · profiles");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    env.run(&["token", "acme-prod"]).expect(0);
    env.run(&["show", "acme"]).expect(2);
}
