//! Whole pipelines from outside bytes to what would be stored or shown, for the cargo-fuzz
//! targets in `fuzz/` and the bounded property tests of the suite. Each asserts its invariants
//! itself, so a panic is a finding. Not an API: hidden from the docs.

#![allow(
    clippy::expect_used,
    reason = "a failed invariant must panic: that is what the fuzzer looks for"
)]

use std::time::{Duration, UNIX_EPOCH};

use crate::flows::import::{Request, prepare};
use crate::protocol::token::{RawResponse, bearer_value, check_token, interpret, is_token_type};
use crate::rules::sanitize::{for_terminal, has_unsafe, one_line};
use crate::session::cache;
use crate::session::refresh_entry::RefreshEntry;
use crate::stores::account::Accounts;
use crate::stores::config_dir::ConfigDir;
use crate::stores::profile::shared::SharedFile;

/// A token response through to the cache entry and the refresh entry a sign-in keeps, at a
/// request time `sent_at_secs` after the epoch (any u64: the overflow class lives here).
pub fn token_response_through_cache(resp: &RawResponse, sent_at_secs: u64) {
    let Ok(granted) = interpret(resp) else {
        return;
    };
    assert!(check_token(granted.access_token.expose()).is_ok());
    assert!(is_token_type(&granted.token_type));
    if let Some(refresh) = &granted.refresh_token {
        assert!(check_token(refresh.expose()).is_ok());
    }
    let Some(sent_at) = UNIX_EPOCH.checked_add(Duration::from_secs(sent_at_secs)) else {
        return;
    };
    let scopes = vec!["core.common.read".to_string()];
    if let Some((cached, stored)) = cache::entry(&granted, sent_at, &scopes) {
        if let Some(back) = cache::usable(&stored, &scopes, sent_at, Duration::ZERO) {
            assert_eq!(back.access_token.expose(), granted.access_token.expose());
        }
        let _ = cache::expires_at(&stored);
        let _ = cached.remaining(sent_at);
        if let Ok(header) = bearer_value(&cached.token_type, cached.access_token.expose()) {
            assert!(!header.contains(['\r', '\n']));
        }
    }
    if let Some(refresh) = granted.refresh_token {
        let entry = RefreshEntry::signed_in(refresh, sent_at, granted.refresh_expires_in);
        let text = entry.encode();
        let back = RefreshEntry::decode(&text).expect("and reads back");
        let _ = back.age(sent_at);
        let _ = back.expiry(Some(u32::MAX));
        let _ = back.nearly_expired(Some(u32::MAX), sent_at);
    }
}

/// A profile file's text through the checks an import makes before anything is contacted: no
/// panic, and every line of the plan shown to the importer is safe for a terminal.
pub fn import_text(text: &str) {
    let Ok(shared) = toml::from_str::<SharedFile>(text) else {
        return;
    };
    let accounts = Accounts::new(
        ConfigDir::new("/nonexistent/oauth-setup-fuzz"),
        Duration::from_secs(1),
    );
    match prepare(&accounts, &shared, &Request::default(), &|_| None) {
        Ok(prepared) => {
            for line in crate::report::import_plan_lines(&prepared) {
                assert!(!has_unsafe(&line), "{line:?}");
            }
        }
        Err(e) => assert!(!has_unsafe(&e.to_string()), "{e}"),
    }
}

/// The sanitiser's promise: nothing it returns holds a control or bidi character (a newline
/// only where `for_terminal` keeps lines).
pub fn sanitizer(s: &str) {
    assert!(!has_unsafe(&one_line(s, 80)));
    assert!(!for_terminal(s, &[]).split('\n').any(has_unsafe));
}
