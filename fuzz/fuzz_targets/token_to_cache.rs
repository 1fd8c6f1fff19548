#![no_main]
//! A token response through to the cache entry and the refresh entry a sign-in keeps, at any
//! request time: no panic (the `expires_in` overflow lived here), every stored token checked.

use libfuzzer_sys::fuzz_target;
use oauth_setup::fuzzing::token_response_through_cache;
use oauth_setup::protocol::token::RawResponse;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let mut r = RawResponse::default();
    r.status = 200;
    r.content_type = Some("application/json".into());
    r.body = data[8..].to_vec();
    let sent_at = u64::from_le_bytes(data[..8].try_into().unwrap_or_default());
    token_response_through_cache(&r, sent_at);
});
