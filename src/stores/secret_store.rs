//! Where secrets live: the OS keyring (default) or, by explicit choice, a private file. A profile
//! names its store; nothing ever moves a secret to another store behind the user's back.

pub mod command;
mod file;
mod keyring;
mod location;

pub use location::{LocalStore, SETTINGS_TABLES, SecretLocation, tables_apart};

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::protocol::token::Surface;
use crate::rules::fields::ENV_CLIENT_SECRET;
use crate::rules::secret::Secret;
use crate::stores::config_dir::{ConfigDir, ConfigDirError};

pub const KEYRING_SERVICE: &str = "oauth-setup";
pub const ENV_KEYRING_TIMEOUT: &str = "OAUTH_SETUP_KEYRING_TIMEOUT";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretStoreKind {
    Keyring,
    File,
    /// HashiCorp Vault or OpenBao (KV version 2); the location is in the profile.
    Vault,
    /// A password manager, through the read (and write) commands in the profile.
    Command,
}

impl SecretStoreKind {
    /// The local store that holds a secret of this kind itself (the keyring, the file).
    pub fn as_local(self) -> Option<LocalStore> {
        match self {
            Self::Keyring => Some(LocalStore::Keyring),
            Self::File => Some(LocalStore::File),
            Self::Vault | Self::Command => None,
        }
    }

    /// Where the tokens of a profile whose secret is here stay: this store, or the OS keyring
    /// when the secret is in Vault or a password manager (tokens stay per machine).
    pub fn local(self) -> LocalStore {
        self.as_local().unwrap_or(LocalStore::Keyring)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Keyring => "keyring",
            Self::File => "file",
            Self::Vault => "vault",
            Self::Command => "command",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no secret is stored for this profile in the {store}")]
    Missing { store: String },
    #[error("the OS keyring is unusable: {reason}")]
    KeyringUnavailable { reason: String },
    #[error(
        "the OS keyring did not answer within {secs} s; it is probably locked and waiting for an unlock prompt that cannot be shown here"
    )]
    KeyringTimeout { secs: u64 },
    #[error("the OS keyring is locked or refused access: {reason}")]
    KeyringLocked { reason: String },
    #[error("the OS keyring failed: {reason}")]
    Keyring { reason: String },
    #[error("secrets file {path}: {detail}")]
    File { path: String, detail: String },
    /// The disk (or quota) is full: the file was left as it was.
    #[error("secrets file {path}: the disk is full, so nothing was changed")]
    DiskFull { path: String },
    #[error("Vault: {0}")]
    Vault(crate::stores::vault::VaultError),
    #[error("the secret command `{command}` {detail}{}", .said.as_deref().map(|s| format!("; it said: {s}")).unwrap_or_default())]
    Command {
        command: String,
        detail: String,
        /// What it wrote to stderr, when it ran without a terminal (in the app), made safe.
        said: Option<String>,
    },
    /// The config folder's lock, which a write to the shared file store takes, was not had.
    #[error(transparent)]
    Lock(crate::stores::config_dir::ConfigDirError),
    /// The store refuses a value this long (Windows Credential Manager: 2,560 bytes).
    #[error("the OS keyring refuses a value this long (its limit is {limit} bytes)")]
    TooLong { limit: u32 },
}

impl StoreError {
    /// Whether the OS keyring itself is the problem (so another store would work).
    pub fn is_keyring(&self) -> bool {
        matches!(
            self,
            Self::KeyringUnavailable { .. }
                | Self::KeyringTimeout { .. }
                | Self::KeyringLocked { .. }
                | Self::Keyring { .. }
        )
    }

    /// What happened, in plain words (no library or D-Bus text), for a screen that offers the
    /// other store.
    pub fn plain(&self) -> String {
        match self {
            Self::KeyringUnavailable { .. } => {
                "no keyring service (Secret Service) runs in this session".into()
            }
            Self::KeyringTimeout { .. } => {
                "the keyring did not answer; it is probably locked".into()
            }
            Self::KeyringLocked { .. } => "the keyring is locked or refused access".into(),
            Self::Keyring { .. } => "the keyring failed".into(),
            other => other.to_string(),
        }
    }

    /// What the user can do about `profile`'s secret, naming the alternatives to an unusable
    /// keyring, in the words of the front end on `surface` (flags, or keys and screens).
    pub fn fix(&self, config_dir: &ConfigDir, profile: &str, surface: Surface) -> String {
        let secrets = config_dir.secrets_path();
        let alternatives = match surface {
            Surface::CommandLine => format!(
                "or choose the file store with --secret-store file (unencrypted, 0600, in {}), \
                 or pass the secret for one run in {ENV_CLIENT_SECRET}",
                secrets.display()
            ),
            Surface::App => format!(
                "or keep the secret in the file store instead (the save step's \"secret store\"; \
                 unencrypted, 0600, in {})",
                secrets.display()
            ),
        };
        match self {
            Self::Missing { .. } if surface == Surface::App => {
                format!("store it again: r on {profile} at home")
            }
            Self::Missing { .. } => {
                format!("store it again with: oauth-setup rotate {profile} --client-secret-stdin")
            }
            Self::Command { .. } if surface == Surface::App => "run the command yourself in a shell to see why (in the app it has no terminal, so it cannot ask for a passphrase), or set the profile up again (n at home) with another command".into(),
            Self::KeyringUnavailable { .. } => format!(
                "run inside a desktop session or start a Secret Service (e.g. gnome-keyring-daemon \
                 under dbus-run-session), {alternatives}"
            ),
            Self::KeyringTimeout { .. } | Self::KeyringLocked { .. } => format!(
                "unlock the keyring (e.g. echo PASSWORD | gnome-keyring-daemon --unlock), \
                 {alternatives}"
            ),
            Self::Keyring { .. } => format!("check the keyring service, {alternatives}"),
            Self::TooLong { .. } => format!("keep this profile's values elsewhere: {alternatives}"),
            Self::Vault(e) => e.fix(profile, surface),
            Self::Command { .. } => "run the command yourself to see why (its messages are shown above), or change it with oauth-setup setup".into(),
            Self::File { .. } => format!(
                "fix {} by hand (it must be a regular file you own, not a symlink); keep it, it \
                 holds the secret of every profile in the file store",
                config_dir.secrets_path().display()
            ),
            Self::DiskFull { .. } => disk_full_fix(config_dir.root()),
            Self::Lock(ConfigDirError::Busy { .. }) => {
                "another oauth-setup is writing the config folder: try again when it is done".into()
            }
            Self::Lock(ConfigDirError::Foreign { path, .. }) => format!(
                "the lock {path} is another user's: use a config folder of your own, or remove the lock if you trust this folder"
            ),
            Self::Lock(_) => "make the config folder and its files yours, 0700 and 0600".into(),
        }
    }
}

/// The advice for a full disk, the same for the profiles and the secrets file.
pub fn disk_full_fix(folder: &std::path::Path) -> String {
    format!(
        "free space on the disk that holds {} and run the command again; do not delete \
         secrets.toml or profiles.toml to make room, they hold your profiles and their secrets",
        folder.display()
    )
}

pub use crate::rules::timeouts::{BadTimeout, seconds_from_env};

/// The secret stores of one config folder.
#[derive(Debug, Clone)]
pub struct SecretStores {
    secrets_path: PathBuf,
    keyring_timeout: Duration,
}

impl SecretStores {
    pub fn new(config_dir: &ConfigDir, keyring_timeout: Duration) -> Self {
        Self {
            secrets_path: config_dir.secrets_path(),
            keyring_timeout,
        }
    }

    /// The keyring timeout from `OAUTH_SETUP_KEYRING_TIMEOUT` (seconds, 1 to 600), else 10 s.
    pub fn timeout_from_env() -> Result<Duration, BadTimeout> {
        seconds_from_env(ENV_KEYRING_TIMEOUT, 10)
    }

    pub fn describe(&self, store: LocalStore, secret_ref: &str) -> String {
        match store {
            LocalStore::Keyring => {
                format!("OS keyring (service {KEYRING_SERVICE}, account {secret_ref})")
            }
            LocalStore::File => format!("file {} (unencrypted)", self.secrets_path.display()),
        }
    }

    pub fn get(&self, store: LocalStore, secret_ref: &str) -> Result<Secret, StoreError> {
        match store {
            LocalStore::Keyring => keyring::get(secret_ref, self.keyring_timeout),
            LocalStore::File => file::get(&self.secrets_path, secret_ref),
        }
    }

    /// Store the secret. The caller must hold the config folder's write lock for the file store.
    pub fn set(
        &self,
        store: LocalStore,
        secret_ref: &str,
        secret: &Secret,
    ) -> Result<(), StoreError> {
        match store {
            LocalStore::Keyring => keyring::set(secret_ref, secret, self.keyring_timeout),
            LocalStore::File => file::set(&self.secrets_path, secret_ref, secret),
        }
    }

    /// The names of every entry in this folder's file store (no values).
    pub fn file_refs(&self) -> Result<Vec<String>, StoreError> {
        file::refs(&self.secrets_path)
    }

    /// Remove the secret; `Ok(false)` when there was none.
    pub fn delete(&self, store: LocalStore, secret_ref: &str) -> Result<bool, StoreError> {
        match store {
            LocalStore::Keyring => keyring::delete(secret_ref, self.keyring_timeout),
            LocalStore::File => file::delete(&self.secrets_path, secret_ref),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stores::vault::VaultError;

    fn every_error() -> Vec<StoreError> {
        let s = String::new;
        let mut all = vec![
            StoreError::Missing { store: s() },
            StoreError::KeyringUnavailable { reason: s() },
            StoreError::KeyringTimeout { secs: 1 },
            StoreError::KeyringLocked { reason: s() },
            StoreError::Keyring { reason: s() },
            StoreError::File {
                path: s(),
                detail: s(),
            },
            StoreError::DiskFull { path: s() },
            StoreError::Command {
                command: s(),
                detail: s(),
                said: Some(s()),
            },
            StoreError::TooLong { limit: 1 },
        ];
        let vault = [
            VaultError::NoToken,
            VaultError::Sealed,
            VaultError::BadToken,
            VaultError::Denied { missing: vec![] },
            VaultError::NotWritten,
            VaultError::Deleted { at: s() },
            VaultError::NamespaceUnknown,
            VaultError::NotKv2 { found: s() },
            VaultError::CasMismatch,
            VaultError::NoField,
            VaultError::Client(s()),
            VaultError::Standby { location: s() },
            VaultError::Other {
                status: 500,
                errors: s(),
            },
            VaultError::TokenFileExposed {
                path: s(),
                mode: 0o644,
            },
        ];
        all.extend(vault.into_iter().map(StoreError::Vault));
        all
    }

    /// The app names keys and screens: none of its fixes is a command line of this program or
    /// one of its flags, while the command line's name them.
    #[test]
    fn each_front_end_gets_its_own_fix() {
        let dir = ConfigDir::new("/c");
        let mut flags = 0;
        for e in every_error() {
            let app = e.fix(&dir, "acme", Surface::App);
            let ours = [
                "oauth-setup ",
                "--secret",
                "--client",
                "--vault",
                "--ca-file",
            ];
            assert!(!ours.iter().any(|w| app.contains(w)), "{e:?}: {app}");
            let cli = e.fix(&dir, "acme", Surface::CommandLine);
            assert!(!cli.contains("PROFILE"), "{e:?}: {cli}");
            flags += usize::from(ours.iter().any(|w| cli.contains(w)));
        }
        assert!(flags >= 8, "the command line's fixes name its commands");
    }
}
