//! Changing a saved account: edit (its fields or its store), rename and copy, and the default.
//! One primitive, [`Accounts::rewrite`], serves them all: the new profile's entries are written
//! first, then profiles.toml in one write, then the old entries go. A crash at any point leaves
//! the old profile with its entries or the new one with its own; the journal names the rest, so
//! the next write (or `doctor`) sweeps them.

use super::{AccountError, Accounts, cache_ref, refresh_ref};
use crate::base::fault::crash_point;
use crate::rules::secret::ClientSecret;
use crate::session::response::Session;
use crate::stores::profile::{Profile, ProfileStore};
use crate::stores::secret_store::StoreError;

/// What the new profile's session (refresh token, cached access token) starts from.
#[derive(Debug, Clone, Copy)]
pub enum SessionCarry<'a> {
    /// Nothing: the server would see another client, or the copy signs in on its own.
    None,
    /// The old profile's refresh token and cached token (nothing the server sees changed).
    All,
    /// What a sign-in of the new profile just left.
    New(&'a Session),
}

/// One change of a saved profile.
#[derive(Debug)]
pub struct Rewrite<'a> {
    /// The profile as it was read; the change is refused if it changed meanwhile.
    pub from_name: &'a str,
    pub from: &'a Profile,
    /// The profile afterwards, under a fresh `secret_ref` ([`new_secret_ref`]).
    ///
    /// [`new_secret_ref`]: crate::stores::profile::new_secret_ref
    pub to_name: &'a str,
    pub to: Profile,
    /// `copy`: the old profile stays as it was.
    pub keep_from: bool,
    /// The secret to keep at the new location; `None` reads the old one where it must move.
    pub secret: Option<&'a ClientSecret>,
    pub session: SessionCarry<'a>,
    pub make_default: bool,
}

/// What a rewrite did with the old secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    /// Where the secret is now, in words.
    pub secret_location: String,
    /// The old secret stayed where it was although the profile no longer uses it: Vault or a
    /// password manager, which are not ours alone to clear (as `delete`), described.
    pub old_secret_left: Option<String>,
}

impl Accounts {
    /// Make `name` the default profile; `false` when it was the default already.
    pub fn set_default(&self, name: &str) -> Result<bool, AccountError> {
        self.profiles().update(|file| {
            if file.get(name).is_none() {
                return Err(AccountError::Missing(name.to_string()));
            }
            let was = file.default_profile.replace(name.to_string());
            Ok(was.as_deref() != Some(name))
        })?
    }

    /// Apply one change under the locks of both names (taken in order, so two renames of the
    /// same pair cannot wait on each other).
    pub fn rewrite(&self, change: Rewrite<'_>) -> Result<Rewritten, AccountError> {
        let mut names = [change.from_name, change.to_name];
        names.sort_unstable();
        let _first = self.dir.profile_lock(names[0])?;
        let _second = if names[0] == names[1] {
            None
        } else {
            Some(self.dir.profile_lock(names[1])?)
        };
        let secret = self.secret_to_move(&change)?;
        let profiles = self.profiles();
        let outcome = profiles.update(|file| {
            self.sweep_journal(file, false);
            let unchanged = file
                .get(change.from_name)
                .is_some_and(|p| p.secret_ref == change.from.secret_ref);
            if !unchanged {
                return Err(AccountError::Missing(change.from_name.to_string()));
            }
            if change.to_name != change.from_name && file.get(change.to_name).is_some() {
                return Err(AccountError::Exists(change.to_name.to_string()));
            }
            // The old profile's entries are noted only when they are to go.
            let retired = (!change.keep_from).then_some(change.from);
            self.journal_note(
                &std::iter::once(&change.to)
                    .chain(retired)
                    .collect::<Vec<_>>(),
            )?;
            if let Some(secret) = &secret {
                self.secret_set(&change.to, secret, None)?;
            }
            crash_point("rewrite", "secret-stored");
            self.carry_session(&change)?;
            crash_point("rewrite", "session-stored");
            if !change.keep_from {
                file.profiles.remove(change.from_name);
                if file.default_profile.as_deref() == Some(change.from_name) {
                    file.default_profile = Some(change.to_name.to_string());
                }
            }
            if change.make_default || file.default_profile.is_none() {
                file.default_profile = Some(change.to_name.to_string());
            }
            file.profiles
                .insert(change.to_name.to_string(), change.to.clone());
            Ok(())
        });
        match outcome {
            Ok(Ok(())) => Ok(self.after_rewrite(&profiles, &change)),
            Ok(Err(e)) => {
                self.forget_unsaved(&profiles, &change.to);
                Err(e)
            }
            Err(e) => {
                self.forget_unsaved(&profiles, &change.to);
                Err(e.into())
            }
        }
    }

    /// The secret the new location must be given: `None` when it already holds it (the same
    /// Vault path or password manager) or the client is public.
    fn secret_to_move(&self, change: &Rewrite<'_>) -> Result<Option<ClientSecret>, AccountError> {
        if !change.to.has_secret() {
            return Ok(None);
        }
        if let Some(given) = change.secret {
            return Ok(Some(given.clone()));
        }
        let shared =
            change.to.secret.local_entry().is_none() && change.to.secret == change.from.secret;
        if shared {
            return Ok(None);
        }
        Ok(Some(self.secret_get(change.from)?))
    }

    fn carry_session(&self, change: &Rewrite<'_>) -> Result<(), StoreError> {
        let (from, to) = (change.from, &change.to);
        let copy = |entry: fn(&str) -> String| -> Result<(), StoreError> {
            match self
                .secrets
                .get(from.local_store(), &entry(&from.secret_ref))
            {
                Ok(value) => self
                    .secrets
                    .set(to.local_store(), &entry(&to.secret_ref), &value),
                // None there, or a keyring this session cannot use (a password manager's or
                // Vault's tokens live in it): nothing to carry, and no reason to refuse a change
                // of a store that is not the keyring.
                Err(StoreError::Missing { .. }) => Ok(()),
                Err(e) if e.is_keyring() => Ok(()),
                Err(e) => Err(e),
            }
        };
        match change.session {
            SessionCarry::None => Ok(()),
            // The cached token is a convenience: one that cannot be carried is asked for again.
            SessionCarry::All => copy(refresh_ref).map(|()| {
                let _ = copy(cache_ref);
            }),
            SessionCarry::New(session) => match self.keep_locked(to, session, "rewrite").refresh {
                Some(e) => Err(e),
                None => Ok(()),
            },
        }
    }

    /// After profiles.toml was written: the old local entries go (unless the old profile
    /// stays), and the journal is struck for what is done.
    fn after_rewrite(&self, profiles: &ProfileStore, change: &Rewrite<'_>) -> Rewritten {
        let old_secret_left = (!change.keep_from
            && change.from.has_secret()
            && change.from.secret.local_entry().is_none()
            && change.from.secret != change.to.secret)
            .then(|| self.describe(change.from));
        let retired = (!change.keep_from).then_some(change.from);
        self.saved_over(profiles, retired, &change.to);
        Rewritten {
            secret_location: self.describe(&change.to),
            old_secret_left,
        }
    }
}

/// A profile under a new name: the same fields and history, its entries under a fresh key.
pub fn renamed(from: &Profile, to_name: &str) -> Profile {
    Profile {
        secret_ref: crate::stores::profile::new_secret_ref(to_name),
        ..from.clone()
    }
}

/// Whether anything the token server sees differs between two profiles (a store move does not).
pub fn server_sees_change(a: &Profile, b: &Profile) -> bool {
    (
        &a.token_url,
        &a.client_id,
        &a.scopes,
        a.client_auth,
        a.grant_type,
        &a.user_grant,
    ) != (
        &b.token_url,
        &b.client_id,
        &b.scopes,
        b.client_auth,
        b.grant_type,
        &b.user_grant,
    )
}
