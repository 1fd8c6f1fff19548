//! Refreshing a signed-in profile's token from many processes at once, and SIGKILL at every
//! point of a refresh: one refresh for many callers, and never a profile left with no refresh
//! token.

use crate::authcode::{Browser, coupa_server, setup, stored_refresh_token};
use crate::support::cli::Env;

/// Forget the cached access token (file store), as if it had expired.
fn empty_cache(env: &Env) {
    let path = env.config().join("secrets.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut table: toml::Table = toml::from_str(&text).unwrap();
    table.retain(|k, _| !k.ends_with(".token-cache"));
    std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
}

fn signed_in(rotate: &str) -> (crate::support::oidc::Oidc, Env) {
    let oidc = coupa_server(rotate);
    let env = Env::new();
    setup(&env, &oidc, &Browser::new(&env, "consent"), &[]).expect(0);
    (oidc, env)
}

#[test]
fn fifty_callers_with_an_empty_cache_make_one_refresh() {
    let (oidc, env) = signed_in("always");
    empty_cache(&env);
    let outputs = env.run_concurrently(50, &["token", "acme"]);
    assert_eq!(
        oidc.token_requests("refresh_token"),
        1,
        "one refresh for 50 callers"
    );
    assert!(
        outputs.iter().all(|o| *o == outputs[0] && o.len() > 20),
        "{outputs:?}"
    );
    // The rotated refresh token was saved before the access token was handed out.
    env.run(&["token", "acme", "--no-cache"]).expect(0);
}

#[test]
fn a_kill_during_a_refresh_never_leaves_the_profile_without_a_refresh_token() {
    // A server that keeps the refresh token: a kill at any point leaves a working account.
    let (oidc, env) = signed_in("never");
    for point in ["refresh:answered", "refresh:refresh-stored"] {
        let killed = env
            .cmd()
            .env("OAUTH_SETUP_CRASH_AT", point)
            .args(["token", "acme", "--no-cache"])
            .output()
            .unwrap();
        assert_eq!(killed.status.code(), None, "{point}: killed by SIGKILL");
        env.run(&["token", "acme", "--no-cache"]).expect(0);
    }
    assert_eq!(oidc.token_requests("refresh_token"), 4);

    // A rotating server: killed after the new token was saved, the account works on; killed
    // between the answer and the save, the old token stays stored (never none) and the next
    // call says plainly that a sign-in is needed.
    let (_oidc, env) = signed_in("always");
    let before = stored_refresh_token(&env);
    let killed = env
        .cmd()
        .env("OAUTH_SETUP_CRASH_AT", "refresh:refresh-stored")
        .args(["token", "acme", "--no-cache"])
        .output()
        .unwrap();
    assert_eq!(killed.status.code(), None);
    assert_ne!(
        stored_refresh_token(&env),
        before,
        "the new one was saved first"
    );
    env.run(&["token", "acme", "--no-cache"]).expect(0);
    let before = stored_refresh_token(&env);
    let killed = env
        .cmd()
        .env("OAUTH_SETUP_CRASH_AT", "refresh:answered")
        .args(["token", "acme", "--no-cache"])
        .output()
        .unwrap();
    assert_eq!(killed.status.code(), None);
    assert_eq!(
        stored_refresh_token(&env),
        before,
        "the old one is still stored"
    );
    let next = env.run(&["token", "acme", "--no-cache"]);
    next.expect(4);
    assert!(
        next.stderr
            .contains("the refresh token expired or was revoked"),
        "{}",
        next.stderr
    );
    assert!(
        next.stderr.contains("run oauth-setup login acme"),
        "{}",
        next.stderr
    );
}

/// A signed-in profile (file store) whose refresh token is `rt`, against `token_url`.
fn write_signed_in(env: &Env, token_url: &str, rt: &str) {
    crate::support::cli::write_profile(env, "acme", token_url, "sec");
    let profiles = std::fs::read_to_string(env.profiles())
        .unwrap()
        .replace("client_credentials", "authorization_code");
    let grant = "\n[profiles.acme.user_grant]\nauthorize_url = \"http://127.0.0.1:9/authorize\"\n";
    std::fs::write(env.profiles(), profiles + grant).unwrap();
    set_refresh(env, rt, 1);
}

fn set_refresh(env: &Env, rt: &str, generation: u64) {
    let path = env.config().join("secrets.toml");
    let mut table: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let entry = serde_json::json!({
        "v": 1, "refresh_token": rt, "generation": generation,
        "obtained_at": 1_790_000_000u64, "signed_in_at": 1_790_000_000u64, "expires_at": null,
    });
    table.insert(
        "acme-000000000000.refresh-token".into(),
        entry.to_string().into(),
    );
    std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
}

#[test]
fn a_refresh_token_rotated_by_someone_else_is_read_again_once() {
    use crate::support::server::{Reply, Server};
    use std::sync::{Arc, Mutex};
    let env = Arc::new(Env::new());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (env2, seen2) = (env.clone(), seen.clone());
    // The server knows only "rt-new"; on the first request it also plays the other process
    // that rotated the token meanwhile.
    let server = Server::start(move |req| {
        let rt = req.form_value("refresh_token").unwrap_or_default();
        seen2.lock().unwrap().push(rt.clone());
        if rt == "rt-new" {
            return Reply::json(
                200,
                &serde_json::json!({
                    "access_token": "at-1", "token_type": "Bearer", "expires_in": 3600,
                }),
            );
        }
        if rt == "rt-old" {
            set_refresh(&env2, "rt-new", 2);
        }
        Reply::json(400, &serde_json::json!({ "error": "invalid_grant" }))
    });
    write_signed_in(&env, &server.url("/oauth2/token"), "rt-old");
    let run = env.run(&["token", "acme", "--no-cache"]);
    run.expect(0);
    assert_eq!(run.stdout.trim(), "at-1");
    assert_eq!(
        *seen.lock().unwrap(),
        ["rt-old", "rt-new"],
        "read again, once"
    );
    // Refused again with nothing new stored: the login hint, and no third try.
    set_refresh(&env, "rt-revoked", 3);
    seen.lock().unwrap().clear();
    let refused = env.run(&["token", "acme", "--no-cache"]);
    refused.expect(4);
    assert!(
        refused.stderr.contains("run oauth-setup login acme"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        *seen.lock().unwrap(),
        ["rt-revoked"],
        "nothing new to read: no second try"
    );
}
