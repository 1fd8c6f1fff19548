//! Refreshing a signed-in profile's token from many processes at once, and SIGKILL at every
//! point of a refresh: one refresh for many callers, and never a profile left with no refresh
//! token.

use std::thread;

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
    let outputs: Vec<String> = thread::scope(|s| {
        let handles: Vec<_> = (0..50)
            .map(|_| s.spawn(|| env.run(&["token", "acme"])))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                let run = h.join().unwrap();
                run.expect(0);
                run.stdout.trim().to_string()
            })
            .collect()
    });
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
