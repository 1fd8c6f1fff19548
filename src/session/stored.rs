//! Where a profile's tokens are kept: beside its secret, in its local store (keyring or file),
//! as a refresh-token entry and an access-token cache entry. [`Accounts::keep`] is the one
//! place that saves what a token response brought, whoever asked for it (a sign-in, a refresh,
//! client credentials), in the order that matters.

use super::cache;
use super::refresh_entry::RefreshEntry;
use super::response::Session;
use crate::base::fault::crash_point;
use crate::rules::secret::Secret;
use crate::stores::account::{Accounts, cache_ref, refresh_ref};
use crate::stores::profile::Profile;
use crate::stores::secret_store::StoreError;

/// What became of an access token handed to the cache.
#[derive(Debug)]
pub enum CacheOutcome {
    Stored,
    /// Nothing to cache (no lifetime given, or caching is off), or the store refused a token
    /// this long before: not tried again.
    NotCached,
    /// The store refused it now (said once).
    TooLong {
        limit: u32,
    },
    Failed(StoreError),
}

/// What [`Accounts::keep`] did with a response's tokens.
#[derive(Debug)]
pub struct Kept {
    /// Saving the refresh token failed: the next refresh may need a sign-in.
    pub refresh: Option<StoreError>,
    pub cache: CacheOutcome,
}

impl Accounts {
    /// Keep what a token response brought, from the token path, which holds only the profile's
    /// lock: the file store, shared by every profile, takes the folder lock too.
    pub fn keep(&self, profile: &Profile, session: &Session, point: &'static str) -> Kept {
        if session.is_empty() {
            return Kept {
                refresh: None,
                cache: CacheOutcome::NotCached,
            };
        }
        match self.file_store_lock(profile) {
            Ok(_lock) => self.keep_locked(profile, session, point),
            Err(e) => Kept {
                refresh: session.refresh.is_some().then_some(e),
                cache: CacheOutcome::NotCached,
            },
        }
    }

    /// Keep what a token response brought, under the folder lock the caller holds: the refresh
    /// token first, since the server may already have revoked the one it replaced, then the
    /// access token's cache entry, which is only a convenience. `point` names the crash point
    /// between the two.
    pub fn keep_locked(&self, profile: &Profile, session: &Session, point: &'static str) -> Kept {
        let refresh = session
            .refresh
            .as_ref()
            .and_then(|entry| self.set_refresh(profile, entry).err());
        crash_point(point, "refresh-stored");
        let cache = match &session.cache {
            Some(entry) => self.cache_token(profile, entry),
            None => CacheOutcome::NotCached,
        };
        Kept { refresh, cache }
    }

    /// The cached access-token entry of a profile, if its store has one (any trouble reading
    /// it counts as none: the cache is never a reason to fail).
    pub fn cached_token(&self, profile: &Profile) -> Option<Secret> {
        self.secrets()
            .get(profile.local_store(), &cache_ref(&profile.secret_ref))
            .ok()
    }

    /// Forget the cached token (a new secret, a deleted profile).
    pub fn clear_token(&self, profile: &Profile) {
        let _ = self
            .secrets()
            .delete(profile.local_store(), &cache_ref(&profile.secret_ref));
    }

    /// The stored refresh token; `None` when there is none or it is garbled (either way the
    /// user signs in again).
    pub fn refresh_entry(&self, profile: &Profile) -> Result<Option<RefreshEntry>, StoreError> {
        match self
            .secrets()
            .get(profile.local_store(), &refresh_ref(&profile.secret_ref))
        {
            Ok(text) => Ok(RefreshEntry::decode(&text)),
            Err(StoreError::Missing { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Forget the refresh token and the cached token; whether both are gone (or were never
    /// there). The caller holds the folder lock.
    pub fn clear_session(&self, profile: &Profile) -> bool {
        let local = profile.local_store();
        // Both are tried, whatever the first answered.
        let cache = self
            .secrets()
            .delete(local, &cache_ref(&profile.secret_ref));
        let refresh = self
            .secrets()
            .delete(local, &refresh_ref(&profile.secret_ref));
        cache.is_ok() && refresh.is_ok()
    }

    /// `clear_session` from outside the folder lock (logout).
    pub fn clear_session_unlocked(&self, profile: &Profile) -> Result<(), StoreError> {
        let _lock = self.file_store_lock(profile)?;
        self.clear_session(profile);
        Ok(())
    }

    fn set_refresh(&self, profile: &Profile, entry: &RefreshEntry) -> Result<(), StoreError> {
        self.secrets().set(
            profile.local_store(),
            &refresh_ref(&profile.secret_ref),
            &entry.encode(),
        )
    }

    /// A store that refuses the token as too long gets a marker instead, so the refusal is met
    /// only once.
    fn cache_token(&self, profile: &Profile, entry: &Secret) -> CacheOutcome {
        if self
            .cached_token(profile)
            .is_some_and(|t| cache::is_too_long_marker(&t))
        {
            return CacheOutcome::NotCached;
        }
        let at = cache_ref(&profile.secret_ref);
        match self.secrets().set(profile.local_store(), &at, entry) {
            Ok(()) => CacheOutcome::Stored,
            Err(StoreError::TooLong { limit }) => {
                let marker = cache::too_long_marker();
                let _ = self.secrets().set(profile.local_store(), &at, &marker);
                CacheOutcome::TooLong { limit }
            }
            Err(e) => CacheOutcome::Failed(e),
        }
    }
}
