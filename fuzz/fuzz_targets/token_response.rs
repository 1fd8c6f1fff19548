#![no_main]
//! The token-response parser on arbitrary status, content type and body: no panic, and every
//! failure has a summary and a fix.

use libfuzzer_sys::fuzz_target;
use oauth_setup::protocol::token::{Context, RawResponse, interpret};

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let mut r = RawResponse::default();
    r.status = 100 + u16::from_le_bytes([data[0], data[1]]) % 500;
    r.content_type = Some(if data[2] % 2 == 0 { "application/json" } else { "text/html" }.into());
    r.truncated = data[2] % 7 == 0;
    r.body = data[3..].to_vec();
    if let Err(f) = interpret(&r) {
        let ctx = Context::default();
        assert!(!f.summary(&ctx).is_empty() && !f.fix(&ctx).is_empty());
    }
});
