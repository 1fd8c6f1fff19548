//! `show` and the app's profile view: what one profile holds, gathered once (never a secret).

use std::time::SystemTime;

use crate::session::status::{SessionStatus, session_status};
use crate::stores::account::Accounts;
use crate::stores::profile::{Profile, ProfilesFile};
use crate::stores::secret_store::StoreError;
use crate::stores::vault::History;

/// Whether the secret is in its store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    Present,
    Missing,
    /// The store could not say: why.
    Unknown(String),
}

impl Presence {
    pub fn word(&self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Missing => "missing",
            Self::Unknown(_) => "unknown",
        }
    }
}

/// One profile as `show` prints it.
#[derive(Debug, Clone)]
pub struct ProfileInfo {
    pub name: String,
    pub profile: Profile,
    pub is_default: bool,
    /// `None` for a public client, which has no secret.
    pub secret: Option<Presence>,
    /// Where the secret is kept, in words.
    pub location: String,
    pub session: SessionStatus,
    /// For Vault: the secret's versions and last recorded rotation.
    pub history: Option<History>,
    pub at: SystemTime,
}

/// Read what `name` holds: its secret's presence, its session and its Vault history. `None`
/// when there is no such profile. Reads the stores (a keyring may prompt; Vault is asked).
pub fn gather(accounts: &Accounts, file: &ProfilesFile, name: &str) -> Option<ProfileInfo> {
    let p = file.get(name)?;
    let secret = p.has_secret().then(|| match accounts.client_secret(p) {
        Ok(_) => Presence::Present,
        Err(StoreError::Missing { .. }) => Presence::Missing,
        Err(e) => Presence::Unknown(e.to_string()),
    });
    let at = SystemTime::now();
    Some(ProfileInfo {
        name: name.to_string(),
        profile: p.clone(),
        is_default: file.default_profile.as_deref() == Some(name),
        secret,
        location: accounts.describe(p),
        session: session_status(accounts, p, at),
        history: accounts.vault_history(p).ok().flatten(),
        at,
    })
}
