//! What a profile holds beside its secret, for `list`, `show` and the app's home screen: when
//! the cached access token expires, and the refresh token's age. Read from the profile's store;
//! never a token.

use std::time::SystemTime;

use crate::rules::timestamp::ago;
use crate::session::cache;
use crate::stores::account::Accounts;
use crate::stores::profile::Profile;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionStatus {
    /// When the cached access token expires.
    pub access_expires_at: Option<SystemTime>,
    pub refresh: Option<RefreshStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshStatus {
    pub obtained_at: SystemTime,
    pub signed_in_at: SystemTime,
    pub expires_at: Option<SystemTime>,
    /// Past 80 % of its lifetime.
    pub nearly_expired: bool,
}

/// Read the status of `profile` (any trouble reading counts as nothing stored).
pub fn session_status(accounts: &Accounts, profile: &Profile, now: SystemTime) -> SessionStatus {
    let access_expires_at = accounts
        .cached_token(profile)
        .and_then(|t| cache::expires_at(&t));
    let lifetime = profile
        .user_grant
        .as_ref()
        .and_then(|g| g.refresh_token_lifetime_days);
    let at = crate::rules::timestamp::from_unix;
    let refresh = profile
        .grant_type
        .is_user_grant()
        .then(|| accounts.refresh_entry(profile).ok().flatten())
        .flatten()
        .map(|e| RefreshStatus {
            obtained_at: at(e.obtained_at),
            signed_in_at: at(e.signed_in_at),
            expires_at: e.expiry(lifetime).map(at),
            nearly_expired: e.nearly_expired(lifetime, now),
        });
    SessionStatus {
        access_expires_at,
        refresh,
    }
}

impl SessionStatus {
    /// How long the cached access token stays valid: "23 h", "59 min", "expired", or "-" (none
    /// cached).
    pub fn access_words(&self, now: SystemTime) -> String {
        match self.access_expires_at {
            None => "-".into(),
            Some(at) => match at.duration_since(now) {
                Ok(left) if left.as_secs() >= 3600 => format!("{} h", left.as_secs() / 3600),
                Ok(left) if left.as_secs() >= 60 => format!("{} min", left.as_secs() / 60),
                Ok(_) => "expiring".into(),
                Err(_) => "expired".into(),
            },
        }
    }

    /// "2 days old", "80 days old: log in again soon", "none: log in", or "-" for grants
    /// without one.
    pub fn refresh_words(&self, profile: &Profile, now: SystemTime) -> String {
        if !profile.grant_type.is_user_grant() {
            return "-".into();
        }
        match &self.refresh {
            None => "none: log in".into(),
            Some(r) => {
                let age = ago(now.duration_since(r.obtained_at).unwrap_or_default());
                let age = age.trim_end_matches(" ago").replace("just now", "new");
                if r.nearly_expired {
                    format!("{age} old: log in again soon")
                } else if age == "new" {
                    age
                } else {
                    format!("{age} old")
                }
            }
        }
    }
}
