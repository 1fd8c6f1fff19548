//! Where a profile's secret is kept: one of the four stores, with what that store needs. The
//! local stores keep it under the profile's `secret_ref`; Vault and a password manager carry
//! their own location. Every other module matches on this type, never on loose fields.

use serde::{Deserialize, Serialize};

use super::SecretStoreKind;
use super::command::CommandStore;
use crate::stores::vault::VaultLocation;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "store", rename_all = "lowercase")]
pub enum SecretLocation {
    /// The OS keyring, under the profile's `secret_ref`.
    Keyring,
    /// The private secrets file, under the profile's `secret_ref`.
    File,
    /// HashiCorp Vault or OpenBao (KV version 2).
    Vault(VaultLocation),
    /// A password manager, through its read (and write) commands.
    Command(CommandStore),
}

/// The tables that hold a store's settings in a flat profile (a shared file, a version 1
/// profiles file): `[vault]` for Vault and `[command]` for a password manager.
pub const SETTINGS_TABLES: [&str; 2] = ["vault", "command"];

/// The settings tables whose presence disagrees with the store named `kind`: each store has
/// its own table, and no other store has one. The one rule for both readers of flat profiles.
pub fn tables_apart(kind: &str, present: impl Fn(&str) -> bool) -> Vec<&'static str> {
    SETTINGS_TABLES
        .into_iter()
        .filter(|t| (kind == *t) != present(t))
        .collect()
}

/// A store on this machine: it keeps the secret of a keyring or file profile, and every
/// profile's tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalStore {
    Keyring,
    File,
}

impl SecretLocation {
    pub fn kind(&self) -> SecretStoreKind {
        match self {
            Self::Keyring => SecretStoreKind::Keyring,
            Self::File => SecretStoreKind::File,
            Self::Vault(_) => SecretStoreKind::Vault,
            Self::Command(_) => SecretStoreKind::Command,
        }
    }

    /// The local store holding the secret itself, for the keyring and the file.
    pub fn local_entry(&self) -> Option<LocalStore> {
        self.kind().as_local()
    }

    /// Where the profile's tokens stay (see [`SecretStoreKind::local`]).
    pub fn local(&self) -> LocalStore {
        self.kind().local()
    }

    pub fn vault(&self) -> Option<&VaultLocation> {
        match self {
            Self::Vault(at) => Some(at),
            _ => None,
        }
    }

    pub fn command(&self) -> Option<&CommandStore> {
        match self {
            Self::Command(c) => Some(c),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Holder {
        secret: SecretLocation,
    }

    fn round_trip(text: &str) -> SecretLocation {
        let held: Holder = toml::from_str(text).unwrap();
        let again: Holder = toml::from_str(&toml::to_string(&held).unwrap()).unwrap();
        assert_eq!(held, again);
        held.secret
    }

    #[test]
    fn each_store_reads_back_what_it_wrote() {
        assert_eq!(
            round_trip("[secret]\nstore = \"keyring\"\n"),
            SecretLocation::Keyring
        );
        let vault = round_trip(
            "[secret]\nstore = \"vault\"\naddr = \"https://v\"\nmount = \"secret\"\npath = \"p\"\n",
        );
        assert_eq!(vault.kind(), SecretStoreKind::Vault);
        assert_eq!(vault.local(), LocalStore::Keyring);
        let cmd = round_trip("[secret]\nstore = \"command\"\nread = \"pass show x\"\n");
        assert_eq!(cmd.command().map(|c| c.read.as_str()), Some("pass show x"));
        assert_eq!(
            round_trip("[secret]\nstore = \"file\"\n").local(),
            LocalStore::File
        );
    }

    #[test]
    fn a_location_missing_its_parts_or_with_strangers_is_refused() {
        for bad in [
            "[secret]\nstore = \"vault\"\n",
            "[secret]\nstore = \"command\"\n",
            "[secret]\nstore = \"vault\"\naddr = \"a\"\nmount = \"m\"\npath = \"p\"\ncolour = 1\n",
            "[secret]\nstore = \"command\"\nread = \"r\"\nrun = \"x\"\n",
            "[secret]\nstore = \"floppy\"\n",
        ] {
            assert!(toml::from_str::<Holder>(bad).is_err(), "{bad}");
        }
    }
}
