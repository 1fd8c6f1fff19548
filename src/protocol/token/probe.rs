//! The token test as the user sees it: one request, then the follow-ups that turn a refusal into
//! an answer (the other client authentication; which scopes are missing).

use std::time::Duration;

use super::ClientAuth;
use super::client::TokenClient;
use super::diagnosis::{Failure, Layer, OAuthError};
use super::request::ClientSide;
use super::response::Granted;
use crate::base::log;

/// At most this many single-scope requests when hunting for missing scopes.
const MAX_SCOPE_PROBES: usize = 50;
/// 20 requests a second keeps well under Coupa's limit of 25 a second.
const PROBE_SPACING: Duration = Duration::from_millis(50);

#[derive(Debug)]
pub struct TestOk {
    pub granted: Granted,
    /// The authentication that worked; differs from the request's when the fallback succeeded.
    pub auth: ClientAuth,
    /// Requested scopes the server did not echo back as granted (empty when it echoes nothing).
    pub not_granted: Vec<String>,
}

#[derive(Debug)]
pub struct TestFailure {
    pub failure: Failure,
    /// For `invalid_scope`: the requested scopes the client lacks, when the search found them.
    pub missing_scopes: Vec<String>,
    /// Scopes that were not checked because of the request cap.
    pub unchecked_scopes: Vec<String>,
    pub tried_other_auth: bool,
    /// The client authentication the failure was diagnosed from: the one the server accepted
    /// when only the other was refused.
    pub auth: ClientAuth,
}

pub fn scope_diff(requested: &[String], granted: Option<&[String]>) -> Vec<String> {
    match granted {
        Some(g) => requested
            .iter()
            .filter(|s| !g.contains(s))
            .cloned()
            .collect(),
        None => Vec::new(),
    }
}

pub async fn test_credentials(
    client: &TokenClient,
    req: &ClientSide,
) -> Result<TestOk, TestFailure> {
    let failure = match client.request(&req.client_credentials()).await {
        Ok(granted) => return Ok(ok(req, req.auth, granted)),
        Err(f) => f,
    };
    if !failure.is_client_rejected() {
        return Err(diagnose(client, req, failure).await);
    }
    if req.auth.other() == req.auth {
        return Err(TestFailure::plain(failure, req.auth));
    }
    let other = req.with_auth(req.auth.other());
    log::debug(format_args!(
        "client rejected with {}; trying {} once",
        req.auth, other.auth
    ));
    match client.request(&other.client_credentials()).await {
        Ok(granted) => Ok(ok(req, other.auth, granted)),
        Err(second) if second.is_client_rejected() || second.layer() == Layer::Connection => {
            Err(TestFailure {
                tried_other_auth: true,
                ..TestFailure::plain(failure, req.auth)
            })
        }
        // The other method got past authentication, so its answer is the real one (and the
        // method is the one to keep): diagnose from it, not from the first refusal.
        Err(second) => Err(diagnose(client, &other, second).await),
    }
}

/// The failure of `req`, with the missing scopes found when the server said `invalid_scope`.
async fn diagnose(client: &TokenClient, req: &ClientSide, failure: Failure) -> TestFailure {
    let invalid_scope = matches!(
        failure,
        Failure::OAuth {
            error: OAuthError::InvalidScope,
            ..
        }
    );
    if !invalid_scope {
        return TestFailure::plain(failure, req.auth);
    }
    let (missing, unchecked) = find_missing_scopes(client, req).await;
    TestFailure {
        missing_scopes: missing,
        unchecked_scopes: unchecked,
        ..TestFailure::plain(failure, req.auth)
    }
}

impl TestFailure {
    pub fn plain(failure: Failure, auth: ClientAuth) -> Self {
        Self {
            failure,
            missing_scopes: vec![],
            unchecked_scopes: vec![],
            tried_other_auth: false,
            auth,
        }
    }
}

fn ok(req: &ClientSide, auth: ClientAuth, granted: Granted) -> TestOk {
    let not_granted = scope_diff(&req.scopes, granted.scope.as_deref());
    TestOk {
        granted,
        auth,
        not_granted,
    }
}

async fn find_missing_scopes(client: &TokenClient, req: &ClientSide) -> (Vec<String>, Vec<String>) {
    if req.scopes.len() == 1 {
        return (req.scopes.clone(), vec![]);
    }
    let mut missing = Vec::new();
    let (checked, unchecked) = req.scopes.split_at(req.scopes.len().min(MAX_SCOPE_PROBES));
    for (i, scope) in checked.iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(PROBE_SPACING).await;
        }
        match client
            .request(&req.with_scopes(vec![scope.clone()]).client_credentials())
            .await
        {
            Ok(_) => {}
            Err(Failure::OAuth {
                error: OAuthError::InvalidScope,
                ..
            }) => missing.push(scope.clone()),
            // Anything else (rate limit, network) makes the rest of the search meaningless.
            Err(other) => {
                log::debug(format_args!("scope search stopped: {other:?}"));
                let rest = req.scopes[i..].to_vec();
                return (missing, rest);
            }
        }
    }
    (missing, unchecked.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_only_when_the_server_echoes_scopes() {
        let req: Vec<String> = vec!["a".into(), "b".into()];
        assert_eq!(scope_diff(&req, Some(&["a".to_string()])), ["b"]);
        assert!(scope_diff(&req, None).is_empty());
    }
}
