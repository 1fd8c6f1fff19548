//! Testing a new secret before it replaces the stored one. A client-credentials profile asks for
//! a token; a user-grant profile refreshes its stored refresh token with the new secret (under
//! the profile's lock, saving a rotated refresh token), since no token can be had without the
//! user otherwise.

use crate::account::Accounts;
use crate::profile::Profile;
use crate::session::refresh::{RefreshError, refresh};
use crate::token::{
    Failure, TestFailure, TestOk, TokenClient, TokenRequest, scope_diff, test_credentials,
};

/// Test `request` (the profile's request with the new secret and client id).
pub async fn test_new_secret(
    accounts: &Accounts,
    client: &TokenClient,
    name: &str,
    profile: &Profile,
    request: &TokenRequest,
) -> Result<TestOk, TestFailure> {
    if !profile.grant_type.is_user_grant() {
        return test_credentials(client, request).await;
    }
    let plain = |failure| TestFailure::plain(failure, request.auth);
    let dir = accounts.dir().clone();
    let owned = name.to_string();
    let _lock = match tokio::task::spawn_blocking(move || dir.profile_lock(&owned)).await {
        Ok(Ok(lock)) => lock,
        Ok(Err(e)) => {
            return Err(plain(Failure::Local {
                detail: e.to_string(),
            }));
        }
        Err(e) => {
            return Err(plain(Failure::Local {
                detail: e.to_string(),
            }));
        }
    };
    let mut with_new = profile.clone();
    with_new.client_id.clone_from(&request.client_id);
    with_new.client_auth = request.auth;
    match refresh(accounts, client, name, &with_new, request.secret.clone()).await {
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
