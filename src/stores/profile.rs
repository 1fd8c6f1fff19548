//! Account profiles: every non-secret field, kept in `profiles.toml`.

mod fragments;
mod migrate;
mod new_account;
pub mod shared;
mod store;
mod user_grant;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use new_account::{ClientForm, NewAccount, Verdict};
pub(crate) use store::write_error;
pub use store::{ProfileError, ProfileStore};
pub use user_grant::{SignInEndpoint, UserGrant};

use crate::protocol::token::{ClientAuth, ClientSide, Context, GrantType};
use crate::rules::fields::Endpoint;
use crate::rules::provider::Provider;
use crate::rules::secret::ClientSecret;
use crate::stores::secret_store::{LocalStore, SecretLocation};

/// 2: the secret's location is one `[profiles.NAME.secret]` table (`store = …` and that store's
/// fields); version 1 files (`secret_store` beside `vault` or `command` tables) are migrated on
/// load.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfilesFile {
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

impl Default for ProfilesFile {
    fn default() -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            default_profile: None,
            profiles: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub provider: String,
    pub instance_url: String,
    pub token_url: Endpoint,
    pub grant_type: GrantType,
    pub client_id: String,
    pub client_auth: ClientAuth,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
    /// The key of the profile's entries in the local stores: its secret (keyring, file) and its
    /// tokens (never the secret itself).
    pub secret_ref: String,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_rotated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_verification: Option<Verification>,
    /// Endpoints and redirect URIs of a user grant (authorization code, device code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_grant: Option<UserGrant>,
    /// Where the secret is kept.
    pub secret: SecretLocation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    pub at: String,
    pub ok: bool,
    /// One line: "ok" or the failed check and its summary.
    pub result: String,
}

impl Verification {
    /// "<ok word> 3 min ago" or "<failed word> 2 days ago", as of `now`.
    pub fn describe(&self, now: std::time::SystemTime, ok: &str, failed: &str) -> String {
        let age = crate::rules::timestamp::age(&self.at, now).unwrap_or_else(|| self.at.clone());
        format!("{} {age}", if self.ok { ok } else { failed })
    }
}

impl Profile {
    /// "<ok word> 3 min ago", "<failed word> 2 days ago", or "never".
    pub fn verified_words(&self, now: std::time::SystemTime, ok: &str, failed: &str) -> String {
        self.last_verification
            .as_ref()
            .map_or("never".to_string(), |v| v.describe(now, ok, failed))
    }

    /// The client-credentials request; `secret` is `None` for a public client.
    pub fn client_side(&self, secret: Option<ClientSecret>) -> ClientSide {
        ClientSide {
            token_url: self.token_url.clone(),
            client_id: self.client_id.clone(),
            secret,
            scopes: self.scopes.clone(),
            auth: self.client_auth,
        }
    }

    pub fn diagnosis_context(&self) -> Context {
        Provider::context_for(&self.provider, &self.instance_url, &self.token_url)
    }

    /// Where this machine keeps the profile's refresh token and cached access token: its
    /// secret's store, or the OS keyring when the secret is in Vault or a password manager
    /// (tokens stay per machine).
    pub fn local_store(&self) -> LocalStore {
        self.secret.local()
    }

    /// The instance as setup takes it again: the address, or for a preset without a token path
    /// of its own (a standard server) the token URL in full. An edit starts from this.
    pub fn instance_input(&self) -> String {
        match Provider::get(&self.provider).is_some_and(|pr| pr.token_path.is_some()) {
            true => self.instance_url.clone(),
            false => self.token_url.as_str().to_string(),
        }
    }

    /// Whether the client proves itself with a secret (a public client has none).
    pub fn has_secret(&self) -> bool {
        self.client_auth.has_secret()
    }
}

impl ProfilesFile {
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// (profile name, instance, login) of every profile, for the login uniqueness rule.
    pub fn logins(&self) -> impl Iterator<Item = (&str, &str, Option<&str>)> {
        self.profiles
            .iter()
            .map(|(n, p)| (n.as_str(), p.instance_url.as_str(), p.login.as_deref()))
    }
}

/// A fresh store key for a profile's secret: unique even when two config folders hold a profile
/// of the same name, so they never overwrite each other's keyring entries.
pub fn new_secret_ref(profile: &str) -> String {
    let mut bytes = [0u8; 6];
    // Falls back to the clock and pid: uniqueness, not secrecy, is what matters here.
    if getrandom::fill(&mut bytes).is_err() {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let mix = t ^ u128::from(std::process::id()) << 64;
        bytes.copy_from_slice(&mix.to_le_bytes()[..6]);
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{profile}-{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_refs_are_distinct() {
        let a = new_secret_ref("acme");
        assert!(
            a.starts_with("acme-") && a.len() == "acme-".len() + 12,
            "{a}"
        );
        assert_ne!(a, new_secret_ref("acme"));
    }
}
