//! The access-token cache: one entry per profile in the profile's own secret store, for the
//! scopes it was requested with. Pure: what to store, and whether a stored entry is usable.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use zeroize::Zeroize;

use crate::protocol::token::Granted;
use crate::rules::secret::{AccessToken, Secret};

const VERSION: u8 = 1;

/// A token fit to hand out.
#[derive(Debug)]
pub struct Cached {
    pub access_token: AccessToken,
    pub token_type: String,
    /// `None` when the server did not say (such a token is never cached).
    pub expires_at: Option<SystemTime>,
    pub scope: Option<Vec<String>>,
}

impl Cached {
    /// How long it stays valid from `now`, when known.
    pub fn remaining(&self, now: SystemTime) -> Option<Duration> {
        self.expires_at
            .map(|at| at.duration_since(now).unwrap_or(Duration::ZERO))
    }
}

#[derive(Serialize, Deserialize)]
struct Entry {
    v: u8,
    access_token: String,
    token_type: String,
    /// Unix seconds.
    expires_at: u64,
    scopes: String,
    scope: Option<Vec<String>>,
}

impl Drop for Entry {
    fn drop(&mut self) {
        // An entry refused (other scopes, expired) still held the token.
        self.access_token.zeroize();
    }
}

/// The requested scopes as one key, so an entry is used only for the same request.
pub fn scope_key(scopes: &[String]) -> String {
    let mut s: Vec<&str> = scopes.iter().map(String::as_str).collect();
    s.sort_unstable();
    s.dedup();
    s.join(" ")
}

/// The entry to store for a token requested at `sent_at` (its lifetime counts from when the
/// request left, not from when the answer came); `None` when the server gave no lifetime.
pub fn entry(
    granted: &Granted,
    sent_at: SystemTime,
    scopes: &[String],
) -> Option<(Cached, Secret)> {
    let lifetime = Duration::from_secs(granted.expires_in?);
    let expires_at = sent_at.checked_add(lifetime)?;
    let unix = expires_at.duration_since(UNIX_EPOCH).ok()?.as_secs();
    let mut stored = Entry {
        v: VERSION,
        access_token: granted.access_token.expose().to_string(),
        token_type: granted.token_type.clone(),
        expires_at: unix,
        scopes: scope_key(scopes),
        scope: granted.scope.clone(),
    };
    let text = Secret::new(serde_json::to_string(&stored).ok()?);
    let cached = Cached {
        access_token: AccessToken::new(std::mem::take(&mut stored.access_token)),
        token_type: std::mem::take(&mut stored.token_type),
        expires_at: Some(expires_at),
        scope: stored.scope.take(),
    };
    Some((cached, text))
}

/// Stored in place of a token the store refused as too long, so the refusal is said once and
/// later calls neither retry nor repeat it. Rotate, delete and logout remove it with the cache.
pub fn too_long_marker() -> Secret {
    Secret::new(r#"{"v":1,"not_cached":"too_long"}"#)
}

pub fn is_too_long_marker(stored: &Secret) -> bool {
    serde_json::from_str::<serde_json::Value>(stored.expose())
        .is_ok_and(|v| v["not_cached"] == "too_long")
}

/// When a stored entry expires, if it is ours (whatever its scopes).
pub fn expires_at(stored: &Secret) -> Option<SystemTime> {
    let entry: Entry = serde_json::from_str(stored.expose()).ok()?;
    (entry.v == VERSION).then(|| crate::rules::timestamp::from_unix(entry.expires_at))
}

/// A stored entry, if it is ours, for these scopes, and valid for at least `min_valid` from
/// `now`. Anything garbled or foreign is not trusted.
pub fn usable(
    stored: &Secret,
    scopes: &[String],
    now: SystemTime,
    min_valid: Duration,
) -> Option<Cached> {
    let mut entry: Entry = serde_json::from_str(stored.expose()).ok()?;
    if entry.v != VERSION || entry.scopes != scope_key(scopes) || entry.access_token.is_empty() {
        return None;
    }
    let cached = Cached {
        access_token: AccessToken::new(std::mem::take(&mut entry.access_token)),
        token_type: std::mem::take(&mut entry.token_type),
        expires_at: Some(crate::rules::timestamp::from_unix(entry.expires_at)),
        scope: entry.scope.take(),
    };
    (cached.remaining(now)? >= min_valid).then_some(cached)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn granted(expires_in: Option<u64>) -> Granted {
        Granted {
            access_token: crate::rules::secret::AccessToken::new("tok-1"),
            token_type: "bearer".into(),
            expires_in,
            scope: None,
            refresh_token: None,
            refresh_expires_in: None,
        }
    }

    #[test]
    fn an_entry_is_used_for_its_scopes_while_it_stays_valid_long_enough() {
        let sent = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let scopes = vec!["b".to_string(), "a".to_string()];
        let (cached, text) = entry(&granted(Some(3600)), sent, &scopes).unwrap();
        assert_eq!(cached.remaining(sent), Some(Duration::from_secs(3600)));
        let later = sent + Duration::from_secs(3000);
        let minute = Duration::from_secs(60);
        let again = usable(&text, &["a".into(), "b".into()], later, minute).unwrap();
        assert_eq!(again.access_token.expose(), "tok-1");
        assert!(usable(&text, &scopes, later, Duration::from_secs(601)).is_none());
        assert!(
            usable(&text, &["a".into()], later, minute).is_none(),
            "other scopes"
        );
        assert!(
            entry(&granted(None), sent, &scopes).is_none(),
            "no lifetime, no cache"
        );
        for junk in [
            "",
            "{}",
            "not json",
            r#"{"v":9,"access_token":"x","token_type":"b","expires_at":9999999999,"scopes":"a b","scope":null}"#,
        ] {
            assert!(
                usable(&Secret::new(junk), &scopes, later, minute).is_none(),
                "{junk}"
            );
        }
    }

    #[test]
    fn the_too_long_marker_is_no_token() {
        let m = too_long_marker();
        assert!(is_too_long_marker(&m));
        assert!(usable(&m, &[], UNIX_EPOCH, Duration::ZERO).is_none());
        assert!(expires_at(&m).is_none());
        let (_, entry) = entry(&granted(Some(60)), UNIX_EPOCH, &[]).unwrap();
        assert!(!is_too_long_marker(&entry));
    }

    #[test]
    fn the_entry_never_prints_the_token() {
        let (cached, text) = entry(&granted(Some(60)), UNIX_EPOCH, &[]).unwrap();
        assert!(!format!("{cached:?} {text:?}").contains("tok-1"));
    }
}
