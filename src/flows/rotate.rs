//! Rotating a profile's secret, for both front ends: read the version the new secret may
//! replace (Vault), test the new secret live, and only if it works replace the stored one with
//! check-and-set. A client-credentials profile asks for a token; a user-grant profile refreshes
//! its stored refresh token with the new secret (under the profile's lock, saving a rotated
//! refresh token), since no token can be had without the user otherwise. Progress comes as
//! typed [`Progress`] events; the caller words them.

use std::future::Future;

use futures_util::FutureExt;

use crate::protocol::token::{
    ClientSide, Failure, TestFailure, TestOk, TokenClient, scope_diff, test_credentials,
};
use crate::rules::secret::ClientSecret;
use crate::session::refresh::{RefreshError, refresh};
use crate::stores::account::{AccountError, Accounts};
use crate::stores::profile::Profile;
use crate::stores::secret_store::StoreError;
use crate::stores::vault::{History, VaultError};

/// One rotation: `profile`'s new secret, and its client id (which may change with it).
pub struct Rotation<'a> {
    pub name: &'a str,
    pub profile: &'a Profile,
    pub client_id: String,
    pub secret: ClientSecret,
}

/// What the running rotation reports.
#[derive(Debug)]
pub enum Progress {
    /// The new secret is being tested against the profile's token URL.
    Testing,
    /// It works; storing it comes next.
    Tested(TestOk),
}

/// The new secret works and replaced the old one.
#[derive(Debug)]
pub struct Rotated {
    /// Where the secret is kept now.
    pub location: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    /// The version the new secret may replace could not be read.
    #[error(transparent)]
    Version(StoreError),
    /// The new secret did not work; nothing changed.
    #[error("the new secret was refused")]
    Refused(Box<TestFailure>),
    /// Someone else rotated it between our read and our write; nothing was overwritten.
    /// `now` is what Vault says of the current version, when it could be read.
    #[error("someone else rotated the secret first")]
    Overtaken { now: Option<History> },
    /// The new secret works but could not be stored (the old one is still in place).
    #[error(transparent)]
    Store(AccountError),
    #[error("rotation cancelled")]
    Cancelled,
}

/// Run `rotation`. `cancel` resolving stops it before anything is stored: a token request is
/// dropped at once, a refresh is let finish (the server may already have replaced the refresh
/// token, which must be kept) and its answer discarded.
pub async fn run(
    accounts: &Accounts,
    client: &TokenClient,
    rotation: Rotation<'_>,
    mut on: impl FnMut(Progress),
    cancel: impl Future<Output = ()>,
) -> Result<Rotated, RotateError> {
    let Rotation {
        name,
        profile,
        client_id,
        secret,
    } = rotation;
    let request = ClientSide {
        client_id,
        ..profile.client_side(Some(secret.clone()))
    };
    // In Vault, the version now: the new secret is written over exactly this one.
    let expected = blocking(accounts, profile, |a, p| a.vault_version(p))
        .await
        .map_err(RotateError::Version)?;
    on(Progress::Testing);
    let test = test_new_secret(accounts, client, name, profile, &request);
    let mut cancel = std::pin::pin!(cancel);
    let tested = if profile.grant_type.is_user_grant() {
        let tested = test.await;
        if cancel.as_mut().now_or_never().is_some() {
            return Err(RotateError::Cancelled);
        }
        tested
    } else {
        tokio::select! {
            tested = test => tested,
            () = cancel => return Err(RotateError::Cancelled),
        }
    };
    let ok = tested.map_err(|f| RotateError::Refused(Box::new(f)))?;
    let auth = ok.auth;
    on(Progress::Tested(ok));
    let (owned, id) = (name.to_string(), request.client_id.clone());
    let stored = blocking(accounts, profile, move |a, _| {
        a.replace_secret(&owned, &id, auth, &secret, expected)
    })
    .await;
    match stored {
        Ok(location) => Ok(Rotated { location }),
        Err(AccountError::Store(StoreError::Vault(VaultError::CasMismatch))) => {
            let now = blocking(accounts, profile, |a, p| a.vault_history(p)).await;
            Err(RotateError::Overtaken {
                now: now.ok().flatten(),
            })
        }
        Err(e) => Err(RotateError::Store(e)),
    }
}

/// Store work (keyring, files, Vault) off the async threads.
async fn blocking<T: Send + 'static, E: Send + 'static>(
    accounts: &Accounts,
    profile: &Profile,
    work: impl FnOnce(&Accounts, &Profile) -> Result<T, E> + Send + 'static,
) -> Result<T, E> {
    let (a, p) = (accounts.clone(), profile.clone());
    match tokio::task::spawn_blocking(move || work(&a, &p)).await {
        Ok(done) => done,
        // A panic in a store is a bug: let it end the program as anywhere else.
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// Test `request` (the profile's request with the new secret and client id).
async fn test_new_secret(
    accounts: &Accounts,
    client: &TokenClient,
    name: &str,
    profile: &Profile,
    request: &ClientSide,
) -> Result<TestOk, TestFailure> {
    if !profile.grant_type.is_user_grant() {
        return test_credentials(client, request).await;
    }
    let plain = |failure| TestFailure::plain(failure, request.auth);
    let owned = name.to_string();
    let _lock = blocking(accounts, profile, move |a, _| a.dir().profile_lock(&owned))
        .await
        .map_err(|e| {
            plain(Failure::Local {
                detail: e.to_string(),
            })
        })?;
    let mut with_new = profile.clone();
    with_new.client_id.clone_from(&request.client_id);
    with_new.client_auth = request.auth;
    // The rotated refresh token is kept; the access token is not cached, since the secret it
    // was issued for is not stored yet.
    match refresh(
        accounts,
        client,
        name,
        &with_new,
        request.secret.clone(),
        false,
    )
    .await
    {
        Ok(done) => {
            let not_granted = scope_diff(&request.scopes, done.granted.scope.as_deref());
            Ok(TestOk {
                granted: done.granted,
                auth: request.auth,
                not_granted,
            })
        }
        Err(RefreshError::Failed(f)) => Err(plain(f)),
        // Without a refresh token there is nothing to test the secret with: said as such,
        // never as an answer the server did not give.
        Err(RefreshError::NotSignedIn(_) | RefreshError::Expired { .. }) => {
            Err(plain(Failure::NotSignedIn))
        }
        Err(RefreshError::Store(e)) => Err(plain(Failure::Local {
            detail: e.to_string(),
        })),
    }
}
