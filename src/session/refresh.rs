//! Refreshing a user grant's access token, safe under rotation (RFC 6749 §6, RFC 9700 §4.14.2):
//! the caller holds the profile's lock; the stored refresh token is read first, and a new one
//! is saved before anything uses the access token that came with it. On `invalid_grant` the
//! stored token is read once more, since a process that did not wait for the lock (or another
//! machine sharing the store) may have rotated it.

use std::time::SystemTime;

use crate::base::exit::ExitCode;
use crate::base::fault::crash_point;
use crate::protocol::token::{Failure, GrantForm, Granted, Layer, OAuthError, TokenClient};
use crate::rules::secret::ClientSecret;
use crate::session::cache::Cached;
use crate::session::refresh_entry::RefreshEntry;
use crate::session::response::{self, RefreshFrom};
use crate::session::stored::Kept;
use crate::stores::account::Accounts;
use crate::stores::profile::Profile;
use crate::stores::secret_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("profile {0} has no refresh token (never signed in, or logged out)")]
    NotSignedIn(String),
    #[error("the refresh token expired or was revoked{}", .description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Expired {
        profile: String,
        description: Option<String>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the refresh failed")]
    Failed(Failure),
}

impl RefreshError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::NotSignedIn(_) | Self::Expired { .. } => ExitCode::Rejected,
            Self::Store(_) => ExitCode::SecretStore,
            Self::Failed(f) => f.exit_code(),
        }
    }

    /// Whether only a new sign-in mends this: there is no usable refresh token.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, Self::NotSignedIn(_) | Self::Expired { .. })
    }
}

/// A refreshed access token, and what became of the tokens it brought.
#[derive(Debug)]
pub struct Refreshed {
    /// The response, without its refresh token (kept already).
    pub granted: Granted,
    pub token: Cached,
    pub kept: Kept,
}

/// Refresh `profile` (whose name is `name`). The caller holds the profile's lock. A rotated
/// refresh token is saved before anything can use the access token; the access token is
/// cached when `caching` allows.
pub async fn refresh(
    accounts: &Accounts,
    client: &TokenClient,
    name: &str,
    profile: &Profile,
    secret: Option<ClientSecret>,
    caching: bool,
) -> Result<Refreshed, RefreshError> {
    let entry = accounts
        .refresh_entry(profile)?
        .ok_or_else(|| RefreshError::NotSignedIn(name.to_string()))?;
    let base = profile.client_side(secret);
    let attempt = |e: &RefreshEntry| {
        let req = base.with_grant(GrantForm::Refresh {
            refresh_token: e.token.clone(),
        });
        async move {
            let sent_at = SystemTime::now();
            client.request(&req).await.map(|g| (g, sent_at))
        }
    };
    let (used, outcome) = match attempt(&entry).await {
        // A dropped connection may not have reached the server: once more, same token.
        Err(f) if f.layer() == Layer::Connection => (entry.clone(), attempt(&entry).await),
        Err(f) if is_invalid_grant(&f) => match accounts.refresh_entry(profile)? {
            Some(now) if now.generation != entry.generation || now.token != entry.token => {
                let again = attempt(&now).await;
                (now, again)
            }
            _ => (entry.clone(), Err(f)),
        },
        other => (entry.clone(), other),
    };
    let (mut granted, sent_at) = outcome.map_err(|f| match f {
        Failure::OAuth {
            error: OAuthError::InvalidGrant,
            description,
            ..
        } => RefreshError::Expired {
            profile: name.to_string(),
            description,
        },
        f => RefreshError::Failed(f),
    })?;
    crash_point("refresh", "answered");
    // No new refresh token: the old one stays valid (RFC 6749 §6).
    let from = RefreshFrom::Rotating(&used);
    let (token, session) = response::split(&mut granted, sent_at, &profile.scopes, from, caching);
    let kept = accounts.keep(profile, &session, "refresh");
    Ok(Refreshed {
        granted,
        token,
        kept,
    })
}

fn is_invalid_grant(f: &Failure) -> bool {
    matches!(
        f,
        Failure::OAuth {
            error: OAuthError::InvalidGrant,
            ..
        }
    )
}
