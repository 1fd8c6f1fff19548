//! Testing a new secret before it replaces the stored one. A client-credentials profile asks for
//! a token; a user-grant profile refreshes its stored refresh token with the new secret (under
//! the profile's lock, saving a rotated refresh token), since no token can be had without the
//! user otherwise.

use crate::account::Accounts;
use crate::profile::Profile;
use crate::refresh::{RefreshError, refresh};
use crate::token::{
    Failure, OAuthError, TestFailure, TestOk, TokenClient, TokenRequest, scope_diff,
    test_credentials,
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
        _ => {
            return Err(plain(Failure::Connection {
                detail: "the profile's lock could not be taken".into(),
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
        // Without a refresh token there is nothing to test the secret with.
        Err(e) => Err(plain(Failure::OAuth {
            status: 400,
            error: OAuthError::InvalidGrant,
            description: Some(format!("{e}; sign in first (oauth-setup login {name})")),
        })),
    }
}
