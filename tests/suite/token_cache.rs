//! `token` hands out a cached token while it stays valid long enough: no request, no lock; one
//! process refreshes for many; rotate clears it; a garbled entry is never trusted.

use crate::support::cli::Env;
use crate::support::oauth::{OAuthConfig, TokenServer};

const TOKEN: &str = "tok-ordinary-0123456789";

fn token_requests(server: &TokenServer) -> usize {
    server.posts()
}

#[test]
fn a_cached_token_is_handed_out_without_asking_the_server() {
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let env = Env::with_profile(&server);
    let before = token_requests(&server);
    let first = env.run(&["token", "acme", "--format", "json"]);
    first.expect(0);
    let doc: serde_json::Value = serde_json::from_str(&first.stdout).unwrap();
    assert_eq!(doc["cached"], false);
    assert_eq!(doc["access_token"], TOKEN);
    let second = env.run(&["token", "acme", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&second.stdout).unwrap();
    assert_eq!(doc["cached"], true, "{}", second.stdout);
    assert!(doc["expires_in"].as_u64().unwrap() > 86_000);
    assert_eq!(
        token_requests(&server),
        before + 1,
        "one request for two tokens"
    );

    env.run(&["token", "acme", "--no-cache"]).expect(0);
    assert_eq!(token_requests(&server), before + 2, "--no-cache asks");
    let long = env.run(&["token", "acme", "--min-valid", "25h"]);
    long.expect(0);
    assert_eq!(long.stdout.trim(), TOKEN);
    assert_eq!(
        token_requests(&server),
        before + 3,
        "the cached one expires too soon"
    );
    assert!(
        long.stderr.contains("stays valid only") && long.stderr.contains("--min-valid 1day 1h"),
        "{}",
        long.stderr
    );
}

#[test]
fn many_callers_on_an_empty_cache_make_one_request() {
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let env = Env::with_profile(&server);
    let before = token_requests(&server);
    let outputs = env.run_concurrently(50, &["token", "acme"]);
    assert!(outputs.iter().all(|o| o == TOKEN));
    assert_eq!(
        token_requests(&server),
        before + 1,
        "exactly one token request"
    );
}

#[test]
fn rotation_clears_the_cache_and_garbage_is_replaced() {
    let oauth = OAuthConfig::new("id", "sec", &["core.common.read"]);
    let server = oauth.start();
    let env = Env::with_profile(&server);
    env.run(&["token", "acme"]).expect(0);
    let secrets = env.config().join("secrets.toml");
    assert!(
        std::fs::read_to_string(&secrets)
            .unwrap()
            .contains(".token-cache")
    );
    oauth.set_secrets(&["sec", "new-sec"]);
    env.run_stdin(&["rotate", "acme", "--client-secret-stdin"], "new-sec")
        .expect(0);
    assert!(
        !std::fs::read_to_string(&secrets)
            .unwrap()
            .contains(".token-cache"),
        "rotate clears the cache"
    );
    // A garbled entry is ignored and replaced.
    let text = std::fs::read_to_string(&secrets).unwrap();
    let key = text
        .lines()
        .find(|l| l.ends_with("= \"new-sec\""))
        .and_then(|l| l.split(" = ").next())
        .unwrap()
        .trim_matches('"')
        .to_string();
    std::fs::write(
        &secrets,
        format!("{text}\"{key}.token-cache\" = \"{{not json\"\n"),
    )
    .unwrap();
    let before = token_requests(&server);
    let run = env.run(&["token", "acme"]);
    run.expect(0);
    assert_eq!(run.stdout.trim(), TOKEN);
    assert_eq!(token_requests(&server), before + 1);
    assert!(
        !std::fs::read_to_string(&secrets)
            .unwrap()
            .contains("not json")
    );
    env.run(&["delete", "acme", "--yes"]).expect(0);
    assert!(
        !std::fs::read_to_string(&secrets)
            .unwrap_or_default()
            .contains(TOKEN)
    );
}
