//! Accounts: a profile and its secret, created, rotated and deleted together in the order that
//! never leaves a profile pointing at a missing secret. [`Accounts`] is the one value the
//! command line, the app and verification share.

mod client_secret;
mod orphans;
mod rewrite;

pub use orphans::{EntryKind, Orphan};
pub use rewrite::{Rewrite, Rewritten, SessionCarry, renamed, server_sees_change};

use std::time::Duration;

use crate::base::fault::crash_point;
use crate::protocol::token::Surface;
use crate::protocol::token::{ClientAuth, HttpOptions};
use crate::rules::fields::{FieldError, secret_from_env};
use crate::rules::secret::ClientSecret;
use crate::rules::timestamp;
use crate::session::response::Session;
use crate::stores::config_dir::ConfigDir;
use crate::stores::profile::{
    NewAccount, Profile, ProfileError, ProfileStore, ProfilesFile, Verdict, new_secret_ref,
};
use crate::stores::secret_store::command::Terminal;
use crate::stores::secret_store::{LocalStore, SecretLocation, SecretStores, StoreError};

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
    #[error(transparent)]
    Lock(#[from] crate::stores::config_dir::ConfigDirError),
}

impl AccountError {
    /// The keyring's trouble, when that is what failed (another store would then work).
    pub fn keyring_problem(&self) -> Option<&StoreError> {
        match self {
            Self::Store(s) if s.is_keyring() => Some(s),
            _ => None,
        }
    }

    /// What to do about it, when there is more to say than the error itself.
    pub fn fix(&self, dir: &ConfigDir, profile: &str, surface: Surface) -> Option<String> {
        match self {
            Self::Store(s) => Some(s.fix(dir, profile, surface)),
            _ => None,
        }
    }
}

/// A new account ready to be saved: the draft, where its secret goes, and how its test went.
#[derive(Debug, Clone)]
pub struct NewProfile {
    pub name: String,
    pub account: NewAccount,
    pub secret: SecretLocation,
    pub verdict: Verdict,
    pub make_default: bool,
}

/// Where a saved account went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub name: String,
    pub profiles_path: String,
    pub secret_location: String,
}

/// What `delete` did with the secret once the profile was gone.
#[derive(Debug)]
pub struct Deleted {
    pub secret_location: String,
    pub secret_removed: Result<bool, StoreError>,
    /// The secret is in Vault or a password manager, which are not ours alone: it stays there.
    pub secret_kept: bool,
}

/// Where the secret of one run came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretOrigin {
    /// `OAUTH_SETUP_CLIENT_SECRET`, for this run only.
    Environment,
    /// The profile's store, described.
    Store(String),
    /// A public client has no secret.
    Public,
}

#[derive(Debug, thiserror::Error)]
pub enum RunSecretError {
    #[error(transparent)]
    Environment(FieldError),
    #[error(transparent)]
    Store(StoreError),
}

/// The profiles and the secret stores of one config folder.
#[derive(Debug, Clone)]
pub struct Accounts {
    dir: ConfigDir,
    secrets: SecretStores,
    /// For Vault: the same timeouts and CA file as the token requests.
    http: HttpOptions,
    /// Whether a password manager's command may use the terminal (not while the app draws).
    commands: Terminal,
}

impl Accounts {
    pub fn new(dir: ConfigDir, keyring_timeout: Duration) -> Self {
        Self {
            secrets: SecretStores::new(&dir, keyring_timeout),
            dir,
            http: HttpOptions::default(),
            commands: Terminal::Shared,
        }
    }

    /// Password managers' commands run without the terminal, their stderr kept in their
    /// errors: for the app, which owns the screen.
    pub fn with_detached_commands(mut self) -> Self {
        self.commands = Terminal::Detached;
        self
    }

    /// The HTTP settings for Vault (timeouts, `--ca-file`).
    pub fn with_http(mut self, http: HttpOptions) -> Self {
        self.http = http;
        self
    }

    pub fn dir(&self) -> &ConfigDir {
        &self.dir
    }

    pub fn profiles(&self) -> ProfileStore {
        ProfileStore::new(self.dir.clone())
    }

    pub fn secrets(&self) -> &SecretStores {
        &self.secrets
    }

    pub fn load(&self) -> Result<ProfilesFile, ProfileError> {
        self.profiles().load()
    }

    /// Store the secret, then add the profile, under the config lock.
    pub fn create(&self, new: &NewProfile, secret: &ClientSecret) -> Result<Saved, AccountError> {
        self.create_with(new, Some(secret), None)
    }

    /// Store the secret (none for a public client) and what a sign-in left, then add the
    /// profile, under the config lock.
    pub fn create_with(
        &self,
        new: &NewProfile,
        secret: Option<&ClientSecret>,
        session: Option<&Session>,
    ) -> Result<Saved, AccountError> {
        self.save_new(new, secret, session, false)
    }

    /// Save a new profile that keeps no local secret (an import) in place of any profile of
    /// that name, in one write of profiles.toml: until then the old profile and its secret are
    /// as they were. The old one's local secret and session go after the write.
    pub fn create_replacing(&self, new: &NewProfile, replace: bool) -> Result<Saved, AccountError> {
        self.save_new(new, None, None, replace)
    }

    fn save_new(
        &self,
        new: &NewProfile,
        secret: Option<&ClientSecret>,
        session: Option<&Session>,
        replace: bool,
    ) -> Result<Saved, AccountError> {
        let now = timestamp::now();
        let profile = Profile::new(
            &new.account,
            new.secret.clone(),
            new_secret_ref(&new.name),
            &now,
            &new.verdict,
        );
        // A token or sign-in still working from the profile being replaced finishes first,
        // so it leaves no entry under the old name after the old entries went.
        let _profile_lock = if replace {
            Some(self.dir.profile_lock(&new.name)?)
        } else {
            None
        };
        let profiles = self.profiles();
        let name = new.name.as_str();
        let mut replaced = None;
        let outcome = profiles.update(|file| {
            if file.profiles.contains_key(name) && !replace {
                return Err(AccountError::Exists(name.to_string()));
            }
            // What a killed writer left goes at the next write; then this one notes its own.
            self.sweep_journal(file, false);
            let old = file.profiles.get(name);
            self.journal_note(&[&profile].into_iter().chain(old).collect::<Vec<_>>())?;
            // The secret goes first: a crash in between leaves an unused secret, never a profile
            // that points at nothing.
            if let Some(secret) = secret {
                self.secret_set(&profile, secret, None)?;
            }
            crash_point("create", "secret-stored");
            if let Some(session) = session
                && let Some(e) = self.keep_locked(&profile, session, "sign-in").refresh
            {
                return Err(e.into());
            }
            if new.make_default || file.default_profile.is_none() {
                file.default_profile = Some(name.to_string());
            }
            replaced = file.profiles.insert(name.to_string(), profile.clone());
            Ok(())
        });
        match outcome {
            Ok(Ok(())) => {
                self.saved_over(&profiles, replaced.as_ref(), &profile);
                Ok(Saved {
                    name: name.to_string(),
                    profiles_path: profiles.path().display().to_string(),
                    secret_location: self.describe(&profile),
                })
            }
            Ok(Err(e)) => Err(e),
            Err(e) => {
                self.forget_unsaved(&profiles, &profile);
                Err(e.into())
            }
        }
    }

    /// A profile that was not written: what was stored for it (a local secret entry and its
    /// session) goes, so it is not orphaned; a Vault path or password manager is not cleared.
    pub(super) fn forget_unsaved(&self, profiles: &ProfileStore, profile: &Profile) {
        if let Ok(_lock) = profiles.lock()
            && self.secret_delete(profile).is_ok()
            && self.clear_session(profile)
        {
            self.journal_done(profile);
        }
    }

    /// After a new profile is written: the old one's local entries go (a shared store, Vault or
    /// a password manager, keeps its secret, as delete does), and the journal is struck.
    pub(super) fn saved_over(&self, profiles: &ProfileStore, old: Option<&Profile>, new: &Profile) {
        if let Ok(_lock) = profiles.lock() {
            if let Some(old) = old
                && self.clear_session(old)
                && self.secret_delete(old).is_ok()
            {
                self.journal_done(old);
            }
            self.journal_done(new);
        }
    }

    /// Replace a profile's secret (already proven to work) and record the rotation. Returns where
    /// the secret now is.
    /// `expected`: for Vault, the version read before the new secret was tested; the write
    /// succeeds only over that version (someone else's rotation is never overwritten).
    pub fn replace_secret(
        &self,
        name: &str,
        client_id: &str,
        auth: ClientAuth,
        secret: &ClientSecret,
        expected: Option<u64>,
    ) -> Result<String, AccountError> {
        self.profiles().update(|file| {
            let p = file
                .profiles
                .get_mut(name)
                .ok_or_else(|| AccountError::Missing(name.to_string()))?;
            self.secret_set(p, secret, expected)?;
            self.record_rotation(p, name);
            crash_point("rotate", "secret-stored");
            // A token issued for the old secret may be revoked with it.
            self.clear_token(p);
            let now = timestamp::now();
            p.client_id = client_id.to_string();
            p.client_auth = auth;
            p.secret_rotated_at = Some(now.clone());
            p.record(&Verdict::Passed, now);
            Ok(self.describe(p))
        })?
    }

    /// Keep what a new sign-in of `name` left, and the secret it signed in with when none was
    /// stored (an imported profile), under the profile's lock: a refresh running meanwhile
    /// cannot overwrite the new refresh token, and a profile deleted or replaced meanwhile gets
    /// no entry under its old name.
    pub fn keep_sign_in(
        &self,
        name: &str,
        profile: &Profile,
        session: &Session,
        secret: Option<&ClientSecret>,
    ) -> Result<(), AccountError> {
        let _profile_lock = self.dir.profile_lock(name)?;
        let still = self
            .load()?
            .get(name)
            .is_some_and(|p| p.secret_ref == profile.secret_ref);
        if !still {
            return Err(AccountError::Missing(name.to_string()));
        }
        let folder_lock = self.file_store_lock(profile)?;
        if let Some(e) = self.keep_locked(profile, session, "sign-in").refresh {
            return Err(e.into());
        }
        if let Some(secret) = secret {
            self.secret_set(profile, secret, None)?;
        }
        // The record below takes the folder lock itself.
        drop(folder_lock);
        // The record is a convenience; the tokens are saved either way.
        let _ = self.profiles().update(|f| {
            if let Some(p) = f.profiles.get_mut(name) {
                p.record(&Verdict::Passed, timestamp::now());
            }
            Ok::<(), ProfileError>(())
        });
        Ok(())
    }

    /// Remove the profile first, then its secret, under the profile's own lock too: a `token`
    /// that is asking the server finishes first, and its cache entry goes with the rest.
    pub fn delete(&self, name: &str) -> Result<Deleted, AccountError> {
        let _profile_lock = self.dir.profile_lock(name)?;
        let profiles = self.profiles();
        let removed = profiles.update(|file| {
            // Against the file as it is on disk, before this profile leaves it.
            self.sweep_journal(file, false);
            let p = file
                .profiles
                .remove(name)
                .ok_or_else(|| AccountError::Missing(name.to_string()))?;
            if file.default_profile.as_deref() == Some(name) {
                file.default_profile = None;
            }
            self.journal_note(&[&p])?;
            Ok::<_, AccountError>(p)
        })??;
        crash_point("delete", "profile-removed");
        // The file store is shared by every profile: change it only under the lock.
        let _lock = profiles.lock()?;
        let session_cleared = self.clear_session(&removed);
        let deleted = Deleted {
            secret_kept: removed.has_secret() && removed.secret.local_entry().is_none(),
            secret_location: self.describe(&removed),
            secret_removed: self.secret_delete(&removed),
        };
        // Struck only when everything went: what failed stays noted for the next sweep.
        if session_cleared && deleted.secret_removed.is_ok() {
            self.journal_done(&removed);
        }
        Ok(deleted)
    }

    /// The secret for one run of `token`, `verify` or a sign-in: `OAUTH_SETUP_CLIENT_SECRET`
    /// when set, else the profile's store, read without blocking the caller's runtime.
    pub async fn secret_for_run(
        &self,
        profile: &Profile,
    ) -> Result<(Option<ClientSecret>, SecretOrigin), RunSecretError> {
        if !profile.has_secret() {
            return Ok((None, SecretOrigin::Public));
        }
        if let Some(from_env) = secret_from_env() {
            return from_env
                .map(|v| (Some(v.value), SecretOrigin::Environment))
                .map_err(RunSecretError::Environment);
        }
        self.secret_get_async(profile)
            .await
            .map(|s| (Some(s), SecretOrigin::Store(self.describe(profile))))
            .map_err(RunSecretError::Store)
    }

    /// Whether the OS keyring can be used here: reading an entry that does not exist answers
    /// "missing" from a working keyring. `Some` says why not.
    pub fn probe_keyring(&self) -> Option<StoreError> {
        match self.secrets.get(LocalStore::Keyring, "oauth-setup-probe") {
            Err(e) if e.is_keyring() => Some(e),
            _ => None,
        }
    }

    /// The file store is shared by every profile, so a write to it from the token path (which
    /// holds only the profile's lock) takes the folder lock too.
    pub(crate) fn file_store_lock(
        &self,
        profile: &Profile,
    ) -> Result<Option<crate::stores::config_dir::WriteLock>, StoreError> {
        if profile.local_store() != LocalStore::File {
            return Ok(None);
        }
        self.dir.ensure().map_err(StoreError::Lock)?;
        self.dir.lock().map(Some).map_err(StoreError::Lock)
    }
}

/// Where a profile's refresh token is kept, beside its secret.
pub(crate) fn refresh_ref(secret_ref: &str) -> String {
    format!("{secret_ref}{}", orphans::REFRESH_SUFFIX)
}

/// Where a profile's cached access token is kept, beside its secret.
pub(crate) fn cache_ref(secret_ref: &str) -> String {
    format!("{secret_ref}{}", orphans::CACHE_SUFFIX)
}
