//! Saving, rotating and deleting an account: a profile and its secret, changed together in the
//! order that never leaves a profile pointing at a missing secret.

use crate::fault::crash_point;
use crate::profile::{Profile, ProfileError, ProfileStore, Verification};
use crate::secret::Secret;
use crate::secret_store::{SecretStores, StoreError};
use crate::timestamp;
use crate::token::ClientAuth;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("profile \"{0}\" already exists")]
    Exists(String),
    #[error("there is no profile \"{0}\" (was it deleted meanwhile?)")]
    Missing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("profiles file: {0}")]
    Profile(#[from] ProfileError),
}

/// Store the secret, then add the profile, under the config lock.
pub fn create(
    profiles: &ProfileStore,
    secrets: &SecretStores,
    name: &str,
    profile: &Profile,
    secret: &Secret,
    make_default: bool,
) -> Result<(), AccountError> {
    let outcome = profiles.update(|file| {
        if file.profiles.contains_key(name) {
            return Err(AccountError::Exists(name.to_string()));
        }
        // The secret goes first: a crash in between leaves an unused secret, never a profile
        // that points at nothing.
        secrets.set(profile.secret_store, &profile.secret_ref, secret)?;
        crash_point("create", "secret-stored");
        if make_default || file.default_profile.is_none() {
            file.default_profile = Some(name.to_string());
        }
        file.profiles.insert(name.to_string(), profile.clone());
        Ok(())
    });
    match outcome {
        Ok(result) => result,
        Err(e) => {
            // The profile was not written, so the secret just stored would be orphaned.
            if let Ok(_lock) = profiles.lock() {
                let _ = secrets.delete(profile.secret_store, &profile.secret_ref);
            }
            Err(e.into())
        }
    }
}

/// Replace a profile's secret (already proven to work) and record the rotation. Returns where the
/// secret now is.
pub fn replace_secret(
    profiles: &ProfileStore,
    secrets: &SecretStores,
    name: &str,
    client_id: &str,
    auth: ClientAuth,
    secret: &Secret,
) -> Result<String, AccountError> {
    profiles.update(|file| {
        let p = file
            .profiles
            .get_mut(name)
            .ok_or_else(|| AccountError::Missing(name.to_string()))?;
        secrets.set(p.secret_store, &p.secret_ref, secret)?;
        crash_point("rotate", "secret-stored");
        let now = timestamp::now();
        p.client_id = client_id.to_string();
        p.client_auth = auth;
        p.secret_rotated_at = Some(now.clone());
        p.last_verification = Some(Verification {
            at: now,
            ok: true,
            result: "ok".into(),
        });
        Ok(secrets.describe(p.secret_store, &p.secret_ref))
    })?
}

/// What `delete` did with the secret once the profile was gone.
pub struct Deleted {
    pub secret_location: String,
    pub secret_removed: Result<bool, StoreError>,
}

/// Remove the profile first, then its secret.
pub fn delete(
    profiles: &ProfileStore,
    secrets: &SecretStores,
    name: &str,
) -> Result<Deleted, AccountError> {
    let removed = profiles.update(|file| {
        let p = file
            .profiles
            .remove(name)
            .ok_or_else(|| AccountError::Missing(name.to_string()))?;
        if file.default_profile.as_deref() == Some(name) {
            file.default_profile = None;
        }
        Ok::<_, AccountError>(p)
    })??;
    crash_point("delete", "profile-removed");
    // The file store is shared by every profile: change it only under the lock.
    let _lock = profiles.lock()?;
    Ok(Deleted {
        secret_location: secrets.describe(removed.secret_store, &removed.secret_ref),
        secret_removed: secrets.delete(removed.secret_store, &removed.secret_ref),
    })
}
