//! What a token response leaves to keep, decided without I/O: the access token as handed out,
//! its cache entry, and the refresh token as an entry (a first one after a sign-in, the next
//! generation after a refresh). [`crate::stores::account::Accounts::keep`] saves it.

use std::time::SystemTime;

use super::cache::{self, Cached};
use super::refresh_entry::RefreshEntry;
use crate::protocol::token::Granted;
use crate::rules::secret::Secret;

/// The tokens to keep for a profile.
#[derive(Debug, Default, Clone)]
pub struct Session {
    pub refresh: Option<RefreshEntry>,
    /// A token-cache entry for the access token that came with it.
    pub cache: Option<Secret>,
}

/// Where a refresh token in the response stands.
#[derive(Debug, Clone, Copy)]
pub enum RefreshFrom<'a> {
    /// A sign-in: the first of its line.
    SignIn,
    /// A refresh with this entry: the server rotated it (RFC 6749 §6).
    Rotating(&'a RefreshEntry),
    /// Client credentials: a refresh token there is not used (RFC 6749 §4.4.3).
    Ignored,
}

impl Session {
    /// Nothing to keep: no store is touched (and no lock taken) for it.
    pub fn is_empty(&self) -> bool {
        self.refresh.is_none() && self.cache.is_none()
    }
}

/// Split a response, requested at `sent_at` for `scopes`, into the token handed out and the
/// session to keep; the access token is kept for the cache only when `caching` is on. The
/// refresh token leaves `granted`, so nothing else can use it by mistake.
pub fn split(
    granted: &mut Granted,
    sent_at: SystemTime,
    scopes: &[String],
    from: RefreshFrom<'_>,
    caching: bool,
) -> (Cached, Session) {
    let now = SystemTime::now();
    let rt = granted.refresh_token.take();
    let refresh = match (rt, from) {
        (Some(rt), RefreshFrom::SignIn) => {
            Some(RefreshEntry::signed_in(rt, now, granted.refresh_expires_in))
        }
        (Some(rt), RefreshFrom::Rotating(used)) => {
            Some(used.rotated(rt, now, granted.refresh_expires_in))
        }
        (_, RefreshFrom::Ignored) | (None, _) => None,
    };
    let (token, entry) = match cache::entry(granted, sent_at, scopes) {
        Some((token, entry)) => (token, Some(entry)),
        // No lifetime given: handed out as it is, never cached.
        None => (
            Cached {
                access_token: granted.access_token.clone(),
                token_type: granted.token_type.clone(),
                expires_at: None,
                scope: granted.scope.clone(),
            },
            None,
        ),
    };
    let session = Session {
        refresh,
        cache: entry.filter(|_| caching),
    };
    (token, session)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn granted(refresh: Option<&str>, expires_in: Option<u64>) -> Granted {
        Granted {
            access_token: crate::rules::secret::AccessToken::new("at-1"),
            token_type: "Bearer".into(),
            expires_in,
            scope: None,
            refresh_token: refresh.map(crate::rules::secret::RefreshToken::new),
            refresh_expires_in: Some(600),
        }
    }

    #[test]
    fn each_grant_keeps_what_its_response_brought() {
        let t0 = SystemTime::now();
        let scopes = ["read".to_string()];
        let mut g = granted(Some("rt-1"), Some(300));
        let (token, s) = split(&mut g, t0, &scopes, RefreshFrom::SignIn, true);
        assert!(
            g.refresh_token.is_none(),
            "the refresh token left the response"
        );
        let first = s.refresh.expect("a sign-in's refresh token is kept");
        assert_eq!((first.generation, first.token.expose()), (1, "rt-1"));
        assert!(s.cache.is_some());
        assert_eq!(token.expires_at, Some(t0 + Duration::from_secs(300)));

        let mut g = granted(Some("rt-2"), Some(300));
        let (_, s) = split(&mut g, t0, &scopes, RefreshFrom::Rotating(&first), true);
        let next = s.refresh.expect("a rotated refresh token is kept");
        assert_eq!((next.generation, next.token.expose()), (2, "rt-2"));
        assert_eq!(next.signed_in_at, first.signed_in_at);

        let mut g = granted(None, Some(300));
        let (_, s) = split(&mut g, t0, &scopes, RefreshFrom::Rotating(&first), false);
        assert!(s.refresh.is_none(), "no new token: the old one stays");
        assert!(s.is_empty(), "caching off: nothing to keep");

        let mut g = granted(Some("rt-cc"), None);
        let (token, s) = split(&mut g, t0, &scopes, RefreshFrom::Ignored, true);
        assert!(s.refresh.is_none() && s.cache.is_none());
        assert_eq!(
            (token.access_token.expose(), token.expires_at),
            ("at-1", None)
        );
    }
}
