//! Where things are kept: the config folder, profiles.toml, the secret stores (keyring, file,
//! Vault, a password manager), and `Accounts`, which keeps a profile and its secret together.

pub(crate) mod account;
pub(crate) mod atomic_file;
pub mod config_dir;
pub(crate) mod entry_index;
pub mod profile;
pub(crate) mod secret_store;
pub(crate) mod vault;
