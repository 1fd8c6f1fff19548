//! The checks of a user-grant profile after its secret: the endpoints (fetched again from the
//! issuer, when they came from it), the refresh token (present, its age), then one refresh under
//! the profile's lock, never a browser, which also proves the connection, the token and scopes.

use std::time::SystemTime;

use super::{Check, CheckName, Status, check, scope_check, skipped};
use crate::base::exit::ExitCode;
use crate::protocol::token::{Context, Layer, Surface, TokenClient};
use crate::report::{describe_lifetime, sign_in_again};
use crate::rules::secret::ClientSecret;
use crate::rules::timestamp::ago;
use crate::session::refresh::{RefreshError, Refreshed, refresh};
use crate::stores::account::Accounts;
use crate::stores::profile::{Profile, UserGrant};

/// What a user grant's checks run with: the token client, the accounts, and the front end
/// whose words the fixes take.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    pub client: &'a TokenClient,
    pub accounts: &'a Accounts,
    pub surface: Surface,
}

pub async fn check_user_grant(
    checks: &mut Vec<Check>,
    name: &str,
    profile: &Profile,
    secret: Option<ClientSecret>,
    run: Run<'_>,
) -> ExitCode {
    let Run {
        client, accounts, ..
    } = run;
    let grant = profile.user_grant.clone().unwrap_or_default();
    if let Some(issuer) = &grant.issuer {
        checks.push(endpoints(client, issuer, profile, &grant).await);
    }
    let dir = accounts.dir().clone();
    let owned = name.to_string();
    let lock = tokio::task::spawn_blocking(move || dir.profile_lock(&owned)).await;
    let Ok(Ok(_lock)) = lock else {
        checks.push(check(
            CheckName::RefreshToken,
            Status::Fail,
            "the profile's lock could not be taken",
        ));
        return rest_skipped(checks, ExitCode::Internal);
    };
    let login = sign_in_again(name, run.surface);
    match accounts.refresh_entry(profile) {
        Ok(Some(entry)) => {
            let now = SystemTime::now();
            let mut c = check(
                CheckName::RefreshToken,
                Status::Ok,
                format!("stored, issued {}", ago(entry.age(now))),
            );
            if entry.nearly_expired(grant.refresh_token_lifetime_days, now) {
                c.status = Status::Warn;
                c.detail.push_str("; past 80 % of its lifetime");
                c.fix = Some(format!("{login} before it runs out"));
            }
            checks.push(c);
        }
        Ok(None) => {
            checks.push(Check {
                fix: Some(login),
                ..check(
                    CheckName::RefreshToken,
                    Status::Fail,
                    "none stored (never signed in, or logged out)",
                )
            });
            return rest_skipped(checks, ExitCode::Rejected);
        }
        Err(e) => {
            checks.push(check(CheckName::RefreshToken, Status::Fail, e.to_string()));
            return rest_skipped(checks, ExitCode::SecretStore);
        }
    }
    refreshed(checks, name, profile, secret, run).await
}

async fn refreshed(
    checks: &mut Vec<Check>,
    name: &str,
    profile: &Profile,
    secret: Option<ClientSecret>,
    run: Run<'_>,
) -> ExitCode {
    let dctx = Context {
        surface: run.surface,
        ..profile.diagnosis_context()
    };
    match refresh(run.accounts, run.client, name, profile, secret, true).await {
        Ok(done) => {
            passed(checks, profile, &done, dctx.clients_page.as_deref());
            ExitCode::Ok
        }
        Err(e @ (RefreshError::Expired { .. } | RefreshError::NotSignedIn(_))) => {
            let code = e.exit_code();
            if let Some(last) = checks.last_mut() {
                *last = Check {
                    fix: Some(sign_in_again(name, run.surface)),
                    ..check(CheckName::RefreshToken, Status::Fail, e.to_string())
                };
            }
            rest_skipped(checks, code)
        }
        Err(RefreshError::Store(s)) => {
            checks.push(check(CheckName::Connection, Status::Fail, s.to_string()));
            rest_skipped(checks, ExitCode::SecretStore)
        }
        Err(RefreshError::Failed(f)) => {
            let failed = Check {
                fix: Some(f.fix(&dctx)),
                ..check(CheckName::Token, Status::Fail, f.summary(&dctx))
            };
            if f.layer() == Layer::Connection {
                checks.push(Check {
                    name: CheckName::Connection,
                    ..failed
                });
                checks.push(skipped(CheckName::Token));
            } else {
                checks.push(answered());
                checks.push(failed);
            }
            checks.push(skipped(CheckName::Scopes));
            f.exit_code()
        }
    }
}

fn answered() -> Check {
    check(
        CheckName::Connection,
        Status::Ok,
        "the token endpoint answered",
    )
}

/// The checks of a refresh that worked (its tokens were kept by the refresh).
fn passed(checks: &mut Vec<Check>, profile: &Profile, done: &Refreshed, page: Option<&str>) {
    checks.push(answered());
    let g = &done.granted;
    let mut token = check(
        CheckName::Token,
        Status::Ok,
        format!(
            "refreshed: {} token, {}",
            g.token_type,
            describe_lifetime(g.expires_in)
        ),
    );
    if done.kept.refresh.is_some() {
        token.status = Status::Warn;
        token
            .detail
            .push_str("; the new refresh token could NOT be saved");
    }
    checks.push(token);
    checks.push(scope_check(&profile.scopes, g.scope.as_deref(), &[], page));
}

fn rest_skipped(checks: &mut Vec<Check>, code: ExitCode) -> ExitCode {
    for name in [CheckName::Connection, CheckName::Token, CheckName::Scopes] {
        if !checks.iter().any(|c| c.name == name) {
            checks.push(skipped(name));
        }
    }
    code
}

/// The endpoints as the issuer names them now, against those stored at setup.
async fn endpoints(
    client: &TokenClient,
    issuer: &str,
    profile: &Profile,
    grant: &UserGrant,
) -> Check {
    let meta = match crate::protocol::discovery::discover(client, issuer).await {
        Ok((_, meta)) => meta,
        Err(e) => {
            return check(
                CheckName::Endpoints,
                Status::Warn,
                format!("the metadata could not be read again: {e}"),
            );
        }
    };
    let pairs = [
        (
            "token",
            Some(profile.token_url.as_str()),
            meta.token_endpoint.as_deref(),
        ),
        (
            "authorization",
            grant.authorize_url.as_deref(),
            meta.authorization_endpoint.as_deref(),
        ),
        (
            "revocation",
            grant.revocation_url.as_deref(),
            meta.revocation_endpoint.as_deref(),
        ),
    ];
    let changed: Vec<String> = pairs
        .iter()
        .filter(|(_, stored, now)| stored.is_some() && stored != now)
        .map(|(what, stored, now)| {
            format!(
                "{what}: {} is now {}",
                stored.unwrap_or("-"),
                now.unwrap_or("none")
            )
        })
        .collect();
    if changed.is_empty() {
        return check(
            CheckName::Endpoints,
            Status::Ok,
            format!("as {issuer} names them"),
        );
    }
    Check {
        fix: Some("set the profile up again (delete it, then setup --issuer)".into()),
        ..check(
            CheckName::Endpoints,
            Status::Warn,
            format!("changed: {}", changed.join("; ")),
        )
    }
}
