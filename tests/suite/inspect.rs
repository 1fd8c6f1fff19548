//! `inspect` against oidc-provider: its JWT access tokens decoded (marked not verified), their
//! audience and scopes; its opaque tokens described by its introspection endpoint (RFC 7662);
//! the scopes granted against those asked; and never the token itself.

use serde_json::json;

use crate::support::cli::{Env, Run};
use crate::support::oauth::OAuthConfig;
use crate::support::oidc::Oidc;

const SECRET: &str = "inspect-secret-0123456789";

fn server(jwt: bool) -> Oidc {
    let mut config = json!({"clients": [{
        "client_id": "acme-cc", "client_secret": SECRET, "redirect_uris": [],
        "response_types": [], "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": "client_secret_post", "scope": "api.read api.write",
    }]});
    if jwt {
        config["jwt_resource"] = json!("urn:example:api");
    }
    Oidc::start(&config)
}

fn setup(env: &Env, oidc: &Oidc) {
    env.setup_generic(
        "acme",
        &format!("{}/token", oidc.issuer),
        "acme-cc",
        "api.read",
        SECRET,
    );
}

fn never_the_token(env: &Env, run: &Run) {
    let token = env.run(&["token", "acme"]);
    token.expect(0);
    let value = token.stdout.trim();
    assert!(value.len() > 10);
    assert!(
        !run.all().contains(value),
        "inspect printed the token: {}",
        run.all()
    );
    // Nor the JWT's signature, which is the part that would let a reader pass it off.
    if let Some(sig) = value.rsplit('.').next().filter(|_| value.contains('.')) {
        assert!(!run.all().contains(sig), "{}", run.all());
    }
}

#[test]
fn a_jwt_is_decoded_and_marked_not_verified() {
    let oidc = server(true);
    let env = Env::new();
    setup(&env, &oidc);
    let run = env.run(&["inspect", "acme", "--json"]);
    run.expect(0);
    let doc = crate::schemas::check("inspect", &run.stdout);
    assert_eq!(doc["jwt"]["verified"], false);
    assert!(doc["jwt"]["header"]["alg"].is_string(), "{doc}");
    assert_eq!(doc["jwt"]["claims"]["client_id"], "acme-cc");
    assert_eq!(doc["audience"], json!(["urn:example:api"]));
    assert_eq!(doc["scopes"]["asked"], json!(["api.read"]));
    assert_eq!(doc["scopes"]["missing"], json!([]));
    assert_eq!(doc["introspection"]["status"], "not_needed");
    assert!(doc["expires_in"].as_u64().unwrap() > 3000);
    let text = env.run(&["inspect", "acme"]);
    text.expect(0);
    assert!(
        text.stdout.contains("a JWT") && text.stdout.contains("not verified by oauth-setup"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("audience    urn:example:api"),
        "{}",
        text.stdout
    );
    never_the_token(&env, &run);
    never_the_token(&env, &text);
    // exec hands a command the same token, from the cache.
    let token = env.run(&["token", "acme"]);
    let exec = env.run(&[
        "exec",
        "acme",
        "--",
        "sh",
        "-c",
        "printf %s \"$BEARER_TOKEN\"",
    ]);
    exec.expect(0);
    assert_eq!(exec.stdout, token.stdout.trim());
}

#[test]
fn an_opaque_token_is_introspected() {
    let oidc = server(false);
    let env = Env::new();
    setup(&env, &oidc);
    let run = env.run(&["inspect", "acme", "--json"]);
    run.expect(0);
    let doc = crate::schemas::check("inspect", &run.stdout);
    assert_eq!(doc["jwt"], serde_json::Value::Null);
    assert_eq!(doc["introspection"]["status"], "answered", "{doc}");
    assert_eq!(doc["introspection"]["answer"]["active"], true);
    assert_eq!(doc["introspection"]["answer"]["client_id"], "acme-cc");
    let text = env.run(&["inspect", "acme"]);
    assert!(
        text.stdout.contains("introspection: active"),
        "{}",
        text.stdout
    );
    never_the_token(&env, &run);
    never_the_token(&env, &text);
}

#[test]
fn the_scopes_granted_against_those_asked() {
    let mut oauth = OAuthConfig::new(
        "id",
        "sec",
        &["core.common.read", "core.invoice.read", "email"],
    );
    oauth.grant_only = Some("core.common.read email".into());
    let server = oauth.start();
    let env = Env::new();
    env.setup(
        "acme",
        &server.url(""),
        "id",
        "sec",
        "core.common.read core.invoice.read",
        &[],
    )
    .expect(0);
    let run = env.run(&["inspect", "acme", "--json"]);
    run.expect(0);
    let doc = crate::schemas::check("inspect", &run.stdout);
    assert_eq!(doc["scopes"]["missing"], json!(["core.invoice.read"]));
    assert_eq!(doc["scopes"]["extra"], json!(["email"]));
    // No metadata at the token endpoint's origin: nothing is sent anywhere else.
    assert_eq!(doc["introspection"]["status"], "not_offered");
    let text = env.run(&["inspect", "acme"]);
    assert!(
        text.stdout
            .contains("- core.invoice.read  (asked, not granted)"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("+ email  (granted, not asked)"),
        "{}",
        text.stdout
    );
    assert!(!text.all().contains("tok-ordinary"), "{}", text.all());
}
