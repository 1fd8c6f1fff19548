//! An access token for a profile, the use case behind `token`: a cached token that stays valid
//! long enough is handed out with no network call and no lock; otherwise one process asks the
//! server under the profile's lock while the others wait and then read its result. A user
//! grant's token comes from its refresh token, which only the lock holder uses. A secret in
//! Vault refused as `invalid_client` is read again once: another machine may have rotated it.

use std::time::{Duration, SystemTime};

use super::cache::{self, Cached};
use super::refresh::{RefreshError, refresh};
use super::response::{RefreshFrom, split};
use super::stored::{CacheOutcome, Kept};
use crate::protocol::token::{ClientError, Failure, Granted, HttpOptions, TokenClient};
use crate::rules::secret::ClientSecret;
use crate::stores::account::{Accounts, RunSecretError};
use crate::stores::config_dir::ConfigDirError;
use crate::stores::profile::{Profile, ProfileError};
use crate::stores::secret_store::StoreError;

/// What the caller asks for.
#[derive(Debug, Clone, Copy)]
pub struct Want {
    /// Read and write the cache (off for `--no-cache` and for a secret given for one run).
    pub caching: bool,
    /// A cached token must stay valid at least this long to be handed out.
    pub min_valid: Duration,
}

/// The token, where it came from, and what the caller should tell the user.
#[derive(Debug)]
pub struct Got {
    pub token: Cached,
    pub from_cache: bool,
    pub notes: Vec<Note>,
}

/// Something that went wrong beside a token that was still got.
#[derive(Debug)]
pub enum Note {
    /// The server replaced the refresh token, but the new one could not be saved.
    RefreshTokenNotSaved(StoreError),
    /// The store refuses a token this long (said once; the profile's tokens are not cached).
    CacheTooLong {
        limit: u32,
    },
    CacheFailed(StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum GetError {
    #[error(transparent)]
    Lock(ConfigDirError),
    #[error(transparent)]
    Profiles(ProfileError),
    /// Deleted while this process waited for the lock.
    #[error("profile {0} was deleted meanwhile")]
    Deleted(String),
    #[error(transparent)]
    Secret(RunSecretError),
    #[error(transparent)]
    Refresh(RefreshError),
    #[error(transparent)]
    Client(ClientError),
    #[error("the token request failed")]
    Request(Failure),
}

/// A cached token that stays valid at least `min_valid`, with no lock, network or runtime.
pub fn from_cache(accounts: &Accounts, profile: &Profile, min_valid: Duration) -> Option<Cached> {
    let stored = accounts.cached_token(profile)?;
    cache::usable(&stored, &profile.scopes, SystemTime::now(), min_valid)
}

/// The token for profile `name`: from the cache when `want` allows and one will do, else from
/// the server (and cached). The HTTP client is built only when the server is asked.
pub async fn get(
    accounts: &Accounts,
    http: &HttpOptions,
    name: &str,
    profile: &Profile,
    want: Want,
) -> Result<Got, GetError> {
    // One process at a time asks the server; the others find its token when they get the lock.
    // A refresh always takes it: two processes must never use one rotating refresh token.
    let lock = (want.caching || profile.grant_type.is_user_grant())
        .then(|| accounts.dir().profile_lock(name))
        .transpose()
        .map_err(GetError::Lock)?;
    if want.caching
        && let Some(token) = from_cache(accounts, profile, want.min_valid)
    {
        return Ok(Got {
            token,
            from_cache: true,
            notes: Vec::new(),
        });
    }
    // Deleted while this process waited for the lock: nothing may be cached for it now.
    if lock.is_some() && !still_there(accounts, name)? {
        return Err(GetError::Deleted(name.to_string()));
    }
    let client = TokenClient::new(http.clone()).map_err(GetError::Client)?;
    let (token, kept) = ask(accounts, &client, name, profile, want.caching).await?;
    drop(lock);
    let mut notes = Vec::new();
    if let Some(e) = kept.refresh {
        notes.push(Note::RefreshTokenNotSaved(e));
    }
    match kept.cache {
        CacheOutcome::Stored | CacheOutcome::NotCached => {}
        CacheOutcome::TooLong { limit } => notes.push(Note::CacheTooLong { limit }),
        CacheOutcome::Failed(e) => notes.push(Note::CacheFailed(e)),
    }
    Ok(Got {
        token,
        from_cache: false,
        notes,
    })
}

/// Whether profile `name` still exists: through the index when it can tell, else from the
/// whole file.
fn still_there(accounts: &Accounts, name: &str) -> Result<bool, GetError> {
    if accounts.profiles().quick(Some(name)).is_some() {
        return Ok(true);
    }
    Ok(accounts
        .load()
        .map_err(GetError::Profiles)?
        .get(name)
        .is_some())
}

/// Ask the server: a refresh for a user grant, client credentials otherwise.
async fn ask(
    accounts: &Accounts,
    client: &TokenClient,
    name: &str,
    profile: &Profile,
    caching: bool,
) -> Result<(Cached, Kept), GetError> {
    let secret = read_secret(accounts, profile).await?;
    if profile.grant_type.is_user_grant() {
        let done = refresh(accounts, client, name, profile, secret, caching)
            .await
            .map_err(GetError::Refresh)?;
        return Ok((done.token, done.kept));
    }
    let (mut granted, sent_at) = client_credentials(accounts, client, profile, secret).await?;
    let scopes = &profile.scopes;
    let (token, session) = split(&mut granted, sent_at, scopes, RefreshFrom::Ignored, caching);
    let kept = accounts.keep(profile, &session, "token");
    Ok((token, kept))
}

async fn read_secret(
    accounts: &Accounts,
    profile: &Profile,
) -> Result<Option<ClientSecret>, GetError> {
    let (secret, _) = accounts
        .secret_for_run(profile)
        .await
        .map_err(GetError::Secret)?;
    Ok(secret)
}

async fn client_credentials(
    accounts: &Accounts,
    client: &TokenClient,
    profile: &Profile,
    secret: Option<ClientSecret>,
) -> Result<(Granted, SystemTime), GetError> {
    let mut sent_at = SystemTime::now();
    let mut answer = client
        .request(&profile.client_side(secret.clone()).client_credentials())
        .await;
    if let Err(f) = &answer
        && f.is_client_rejected()
        && profile.secret.vault().is_some()
        && let Ok(again) = read_secret(accounts, profile).await
        && again != secret
    {
        crate::base::log::debug(
            "the secret in Vault changed since it was read; trying the new one",
        );
        sent_at = SystemTime::now();
        answer = client
            .request(&profile.client_side(again).client_credentials())
            .await;
    }
    Ok((answer.map_err(GetError::Request)?, sent_at))
}
