//! The stored refresh token of a user-grant profile: its own entry in the profile's secret store
//! (never profiles.toml), with a generation number that tells a process whether another one
//! rotated it meanwhile, and its age. Pure: encoding, decoding and the age warning.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use zeroize::Zeroize;

use crate::rules::secret::{RefreshToken, Secret};

const VERSION: u8 = 1;

#[derive(Debug, Clone)]
pub struct RefreshEntry {
    pub token: RefreshToken,
    /// 1 at sign-in, +1 each time the server rotates the token.
    pub generation: u64,
    /// When this refresh token was issued (Unix seconds).
    pub obtained_at: u64,
    /// When the user last signed in (Unix seconds); rotation keeps it.
    pub signed_in_at: u64,
    /// When the server said it expires, if it did.
    pub expires_at: Option<u64>,
}

#[derive(Deserialize)]
struct Stored {
    v: u8,
    refresh_token: String,
    generation: u64,
    obtained_at: u64,
    signed_in_at: u64,
    expires_at: Option<u64>,
}

impl Drop for Stored {
    fn drop(&mut self) {
        self.refresh_token.zeroize();
    }
}

pub fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl RefreshEntry {
    /// The first refresh token of a sign-in at `now`.
    pub fn signed_in(token: RefreshToken, now: SystemTime, expires_in: Option<u64>) -> Self {
        let at = unix(now);
        Self {
            token,
            generation: 1,
            obtained_at: at,
            signed_in_at: at,
            expires_at: expires_in.map(|s| at.saturating_add(s)),
        }
    }

    /// The entry after a refresh that returned `token` (a rotation).
    pub fn rotated(&self, token: RefreshToken, now: SystemTime, expires_in: Option<u64>) -> Self {
        let at = unix(now);
        Self {
            token,
            generation: self.generation + 1,
            obtained_at: at,
            signed_in_at: self.signed_in_at,
            expires_at: expires_in.map(|s| at.saturating_add(s)),
        }
    }

    pub fn encode(&self) -> Secret {
        // Built as a JSON value, whose text cannot fail (a struct's serialisation could, in
        // principle), so there is no error to invent.
        let mut value = serde_json::json!({
            "v": VERSION,
            "refresh_token": self.token.expose(),
            "generation": self.generation,
            "obtained_at": self.obtained_at,
            "signed_in_at": self.signed_in_at,
            "expires_at": self.expires_at,
        });
        let text = Secret::new(value.to_string());
        if let Some(serde_json::Value::String(copy)) = value.get_mut("refresh_token") {
            copy.zeroize();
        }
        text
    }

    /// `None` for anything garbled or foreign: such an entry is never sent to the server.
    pub fn decode(text: &Secret) -> Option<Self> {
        let mut s: Stored = serde_json::from_str(text.expose()).ok()?;
        if s.v != VERSION || s.refresh_token.is_empty() {
            return None;
        }
        Some(Self {
            token: RefreshToken::new(std::mem::take(&mut s.refresh_token)),
            generation: s.generation,
            obtained_at: s.obtained_at,
            signed_in_at: s.signed_in_at,
            expires_at: s.expires_at,
        })
    }

    /// How old the refresh token is at `now`.
    pub fn age(&self, now: SystemTime) -> Duration {
        Duration::from_secs(unix(now).saturating_sub(self.obtained_at))
    }

    /// When it expires: as the server said, else `lifetime_days` after it was issued.
    pub fn expiry(&self, lifetime_days: Option<u32>) -> Option<u64> {
        self.expires_at.or_else(|| {
            lifetime_days.map(|d| self.obtained_at.saturating_add(u64::from(d) * 86_400))
        })
    }

    /// Past 80 % of its lifetime: time to sign in again before it runs out.
    pub fn nearly_expired(&self, lifetime_days: Option<u32>, now: SystemTime) -> bool {
        let Some(end) = self.expiry(lifetime_days) else {
            return false;
        };
        let life = end.saturating_sub(self.obtained_at);
        unix(now).saturating_sub(self.obtained_at) * 5 >= life * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_rotation_and_age() {
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let first = RefreshEntry::signed_in(RefreshToken::new("rt-1"), t0, None);
        let text = first.encode();
        assert!(!format!("{first:?} {text:?}").contains("rt-1"));
        let back = RefreshEntry::decode(&text).unwrap();
        assert_eq!((back.token.expose(), back.generation), ("rt-1", 1));
        let later = t0 + Duration::from_secs(3600);
        let second = back.rotated(RefreshToken::new("rt-2"), later, Some(7200));
        assert_eq!(second.generation, 2);
        assert_eq!(second.signed_in_at, first.signed_in_at);
        assert_eq!(second.age(later + Duration::from_secs(60)).as_secs(), 60);
        assert_eq!(
            second.expiry(Some(90)),
            Some(unix(later) + 7200),
            "the server's word wins"
        );
        for junk in [
            "",
            "{}",
            "[]",
            r#"{"v":2,"refresh_token":"x","generation":1,"obtained_at":1,"signed_in_at":1,"expires_at":null}"#,
        ] {
            assert!(RefreshEntry::decode(&Secret::new(junk)).is_none(), "{junk}");
        }
    }

    #[test]
    fn the_warning_starts_at_80_percent_of_the_lifetime() {
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let e = RefreshEntry::signed_in(RefreshToken::new("rt"), t0, None);
        let day = Duration::from_secs(86_400);
        assert!(!e.nearly_expired(Some(90), t0 + day * 71));
        assert!(e.nearly_expired(Some(90), t0 + day * 72));
        assert!(!e.nearly_expired(None, t0 + day * 1000), "unknown lifetime");
    }
}
