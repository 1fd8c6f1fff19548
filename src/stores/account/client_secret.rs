//! Where a profile's client secret is read and written: the local stores (OS keyring, file),
//! Vault / OpenBao, or a password manager's commands. Refresh tokens and cached access tokens always stay in a local store (per
//! machine), never in Vault.

use super::Accounts;
use crate::rules::secret::ClientSecret;
use crate::stores::profile::Profile;
use crate::stores::secret_store::{SecretLocation, StoreError, command};
use crate::stores::vault::{History, Vault, VaultError, VaultLocation};

impl Accounts {
    /// Run one Vault operation from this (blocking) code.
    fn with_vault<T: Send + 'static, F>(
        &self,
        at: &VaultLocation,
        op: impl FnOnce(Vault, VaultLocation) -> F + Send + 'static,
    ) -> Result<T, StoreError>
    where
        F: std::future::Future<Output = Result<T, VaultError>> + Send + 'static,
    {
        let vault = Vault::from_env(&self.http).map_err(StoreError::Vault)?;
        let at = at.clone();
        crate::stores::vault::blocking(self.http.timeout, op(vault, at)).map_err(StoreError::Vault)
    }

    /// The stored client secret (for a presence check: `show`).
    pub fn client_secret(&self, profile: &Profile) -> Result<ClientSecret, StoreError> {
        self.secret_get(profile)
    }

    /// The stored client secret, from async code: Vault is read on the caller's runtime (no
    /// thread of its own: it is one local round trip on every uncached `token`); the keyring
    /// and a password manager may wait on an unlock prompt, so they run on a blocking thread;
    /// the file store is read in place.
    pub(super) async fn secret_get_async(
        &self,
        profile: &Profile,
    ) -> Result<ClientSecret, StoreError> {
        match &profile.secret {
            SecretLocation::Vault(at) => {
                let vault = Vault::from_env(&self.http).map_err(StoreError::Vault)?;
                return vault
                    .read(at)
                    .await
                    .map(|r| r.secret.into())
                    .map_err(StoreError::Vault);
            }
            SecretLocation::File => return self.secret_get(profile),
            SecretLocation::Keyring | SecretLocation::Command(_) => {}
        }
        let (accounts, owned) = (self.clone(), profile.clone());
        match tokio::task::spawn_blocking(move || accounts.secret_get(&owned)).await {
            Ok(read) => read,
            // A panic in a store is a bug: let it end the program as anywhere else.
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }

    pub(super) fn secret_get(&self, profile: &Profile) -> Result<ClientSecret, StoreError> {
        let stored = match &profile.secret {
            SecretLocation::Keyring | SecretLocation::File => {
                self.secrets.get(profile.local_store(), &profile.secret_ref)
            }
            SecretLocation::Vault(at) => {
                self.with_vault(
                    at,
                    |v, at| async move { v.read(&at).await.map(|r| r.secret) },
                )
            }
            SecretLocation::Command(cmd) => command::get(cmd, command::Run::on(self.commands)),
        };
        stored.map(ClientSecret::from)
    }

    /// Write the secret. In Vault: after the preflight, as a new secret (`cas` 0), or over the
    /// version `expected` exactly (a rotation), so two writers never overwrite each other.
    pub(super) fn secret_set(
        &self,
        profile: &Profile,
        secret: &ClientSecret,
        expected: Option<u64>,
    ) -> Result<(), StoreError> {
        let at = match &profile.secret {
            SecretLocation::Keyring | SecretLocation::File => {
                let store = profile.local_store();
                return self
                    .secrets
                    .set(store, &profile.secret_ref, secret.as_secret());
            }
            SecretLocation::Command(cmd) => {
                return command_set(cmd, secret, command::Run::on(self.commands));
            }
            SecretLocation::Vault(at) => at,
        };
        let secret = secret.as_secret().clone();
        self.with_vault(at, move |v, at| async move {
            v.preflight(&at).await?;
            let cas = match expected {
                Some(n) => n,
                None => match v.read(&at).await {
                    // The same secret is there already (a teammate's setup): nothing to write.
                    Ok(cur) if cur.secret == secret => return Ok(()),
                    Ok(cur) => cur.version,
                    Err(VaultError::NotWritten) => 0,
                    Err(e) => return Err(e),
                },
            };
            v.write(&at, &secret, Some(cas)).await.map(|_| ())
        })
    }

    /// Whether a Vault location can take the secret: KV version 2 and the rights.
    pub fn vault_preflight(&self, at: &VaultLocation) -> Result<(), StoreError> {
        self.with_vault(at, |v, at| async move { v.preflight(&at).await })
    }

    /// The version of the secret in Vault now (`None` for the local stores).
    pub fn vault_version(&self, profile: &Profile) -> Result<Option<u64>, StoreError> {
        match profile.secret.vault() {
            Some(at) => self.with_vault(at, |v, at| async move {
                match v.read(&at).await {
                    Ok(r) => Ok(Some(r.version)),
                    // Nothing there yet: the first secret is written as a new one.
                    Err(VaultError::NotWritten) => Ok(Some(0)),
                    Err(e) => Err(e),
                }
            }),
            None => Ok(None),
        }
    }

    /// The versions of a profile's secret in Vault and its last recorded rotation (`None` for
    /// the local stores).
    pub fn vault_history(&self, profile: &Profile) -> Result<Option<History>, StoreError> {
        match profile.secret.vault() {
            Some(at) => self.with_vault(at, |v, at| async move { v.history(&at).await.map(Some) }),
            None => Ok(None),
        }
    }

    /// An earlier version of a profile's secret in Vault (for a rollback).
    pub fn vault_secret_at(
        &self,
        at: &VaultLocation,
        version: u64,
    ) -> Result<ClientSecret, StoreError> {
        self.with_vault(at, move |v, at| async move {
            v.read_version(&at, version).await.map(|r| r.secret.into())
        })
    }

    /// Note in Vault who rotated `name`'s secret, from where and when. Best effort: the secret
    /// is written already, and writing metadata is a right of its own.
    pub(super) fn record_rotation(&self, profile: &Profile, name: &str) {
        if let Some(at) = profile.secret.vault() {
            let name = name.to_string();
            let recorded = self.with_vault(at, move |v, at| async move {
                v.record_rotation(&at, &name).await
            });
            if let Err(e) = recorded {
                crate::base::log::debug(format_args!("rotation not recorded in Vault: {e}"));
            }
        }
    }

    /// Remove the secret from a local store. A secret in Vault or a password manager is not
    /// ours alone and stays: `Ok(false)`.
    pub(super) fn secret_delete(&self, profile: &Profile) -> Result<bool, StoreError> {
        match profile.secret.local_entry() {
            Some(store) => self.secrets.delete(store, &profile.secret_ref),
            None => Ok(false),
        }
    }

    /// Where a profile's secret is kept, in words.
    pub fn describe(&self, profile: &Profile) -> String {
        match &profile.secret {
            SecretLocation::Command(cmd) => format!("password manager (`{}`)", cmd.read),
            SecretLocation::Vault(at) => at.describe(),
            SecretLocation::Keyring | SecretLocation::File => self
                .secrets
                .describe(profile.local_store(), &profile.secret_ref),
        }
    }
}

/// A password manager takes the secret through its write command. Without one the user keeps
/// the manager up to date: it must hold the secret by now, or the profile would point at an
/// old one.
fn command_set(
    cmd: &command::CommandStore,
    secret: &ClientSecret,
    how: command::Run,
) -> Result<(), StoreError> {
    if command::set(cmd, secret.as_secret(), how)? {
        return Ok(());
    }
    if command::get(cmd, how)? == *secret.as_secret() {
        return Ok(());
    }
    Err(StoreError::Command {
        command: cmd.read.clone(),
        detail: "still gives another secret, and the profile has no write command: store the new secret in your password manager first".into(),
        said: None,
    })
}
