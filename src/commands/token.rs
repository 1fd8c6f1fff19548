//! `token`: an access token on stdout for scripts; everything else on stderr. A cached token
//! that stays valid long enough is handed out with no network call and no lock; otherwise one
//! process asks the server under the profile's lock while the others wait and then read its
//! result. A user grant's token comes from its refresh token, which only the lock holder uses.

use std::time::SystemTime;

use super::{CmdError, Ctx, pick_profile};
use crate::account::CacheOutcome;
use crate::cli::{TokenArgs, TokenFormat};
use crate::exit::ExitCode;
use crate::profile::Profile;
use crate::refresh::{RefreshError, refresh};
use crate::secret::Secret;
use crate::token::Context;
use crate::token_cache::{self, Cached};

/// A secret given for one run stores nothing, so it neither reads nor writes the cache.
fn caching(args: &TokenArgs) -> bool {
    !args.no_cache && std::env::var_os(crate::fields::ENV_CLIENT_SECRET).is_none()
}

/// Print a cached token that will do, with no lock, network or runtime; `false` when there is
/// none (the caller then runs the command).
pub fn from_cache_now(ctx: &Ctx, args: &TokenArgs) -> Result<bool, CmdError> {
    if !caching(args) {
        return Ok(false);
    }
    let file = ctx.accounts.load()?;
    let (_, profile) = pick_profile(args.profile.as_deref(), &file)?;
    match from_cache(ctx, profile, args) {
        Some(hit) => print(&hit, true, args.format).map(|()| true),
        None => Ok(false),
    }
}

pub async fn run(ctx: &Ctx, args: TokenArgs) -> Result<(), CmdError> {
    let file = ctx.accounts.load()?;
    let (name, profile) = pick_profile(args.profile.as_deref(), &file)?;
    let caching = caching(&args);
    // One process at a time asks the server; the others find its token when they get the lock.
    // A refresh always takes it: two processes must never use one rotating refresh token.
    let lock = (caching || profile.grant_type.is_user_grant())
        .then(|| ctx.accounts.dir().profile_lock(name))
        .transpose()
        .map_err(|e| CmdError::new(ExitCode::Usage, e.to_string()))?;
    if caching && let Some(hit) = from_cache(ctx, profile, &args) {
        return print(&hit, true, args.format);
    }
    // Deleted while this process waited for the lock: nothing may be cached for it now.
    if lock.is_some() {
        let now = ctx.accounts.load()?;
        if now.get(name).is_none() {
            return Err(super::unknown_profile(name, &now));
        }
    }
    let fresh = fetch(ctx, name, profile, caching).await?;
    drop(lock);
    if let Some(left) = fresh.remaining(SystemTime::now())
        && left < args.min_valid
    {
        crate::tell!(
            "{} even a new token stays valid only {}, less than --min-valid {}",
            ctx.style.warn("warning:"),
            humantime::format_duration(std::time::Duration::from_secs(left.as_secs())),
            humantime::format_duration(args.min_valid)
        );
    }
    print(&fresh, false, args.format)
}

fn from_cache(ctx: &Ctx, profile: &Profile, args: &TokenArgs) -> Option<Cached> {
    let stored = ctx.accounts.cached_token(profile)?;
    token_cache::usable(&stored, &profile.scopes, SystemTime::now(), args.min_valid)
}

/// Ask the server, and cache the answer unless told not to.
async fn fetch(
    ctx: &Ctx,
    name: &str,
    profile: &Profile,
    caching: bool,
) -> Result<Cached, CmdError> {
    let secret = ctx.secret_for_run(name, profile).await?;
    let dctx = profile.diagnosis_context();
    let (granted, sent_at) = if profile.grant_type.is_user_grant() {
        let done = refresh(&ctx.accounts, &ctx.client()?, name, profile, secret)
            .await
            .map_err(|e| refresh_error(e, ctx, name, &dctx))?;
        if let Some(e) = &done.not_saved {
            crate::tell!(
                "{} the server replaced the refresh token, but the new one could not be saved ({}); the next refresh will probably fail and need oauth-setup login {name}",
                ctx.style.fail("WARNING:"),
                e.plain()
            );
        }
        (done.granted, done.sent_at)
    } else {
        client_credentials(ctx, name, profile, secret).await?
    };
    let Some((cached, entry)) = token_cache::entry(&granted, sent_at, &profile.scopes) else {
        // No lifetime given: handed out as it is, never cached.
        return Ok(Cached {
            access_token: granted.access_token,
            token_type: granted.token_type,
            expires_at: None,
            scope: granted.scope,
        });
    };
    if caching {
        match ctx.accounts.store_token_unlocked(profile, &entry) {
            CacheOutcome::Stored | CacheOutcome::NotCached => {}
            CacheOutcome::TooLong { limit } => crate::tell!(
                "{} the OS keyring refuses a token this long (limit {limit} bytes), so this profile's tokens are not cached: each call asks the server (said once)",
                ctx.style.warn("note:")
            ),
            CacheOutcome::Failed(e) => crate::tell!(
                "{} the token could not be cached ({}); each call will ask the server",
                ctx.style.warn("note:"),
                e.plain()
            ),
        }
    }
    Ok(cached)
}

/// A client-credentials token. A secret in Vault refused as `invalid_client` is read again once:
/// another machine may have rotated it since it was read.
async fn client_credentials(
    ctx: &Ctx,
    name: &str,
    profile: &Profile,
    secret: Secret,
) -> Result<(crate::token::Granted, SystemTime), CmdError> {
    let dctx = profile.diagnosis_context();
    let client = ctx.client()?;
    let mut sent_at = SystemTime::now();
    let mut answer = client.request(&profile.token_request(secret.clone())).await;
    if let Err(f) = &answer
        && f.is_client_rejected()
        && profile.secret_store == crate::secret_store::SecretStoreKind::Vault
        && let Ok(again) = ctx.secret_for_run(name, profile).await
        && again != secret
    {
        crate::log::debug("the secret in Vault changed since it was read; trying the new one");
        sent_at = SystemTime::now();
        answer = client.request(&profile.token_request(again)).await;
    }
    let granted = answer
        .map_err(|f| CmdError::new(f.exit_code(), f.summary(&dctx)).with_fix(f.fix(&dctx)))?;
    Ok((granted, sent_at))
}

fn refresh_error(e: RefreshError, ctx: &Ctx, name: &str, dctx: &Context) -> CmdError {
    let code = e.exit_code();
    let fix = e.login_fix();
    match e {
        RefreshError::Failed(f) => CmdError::new(
            code,
            format!("refreshing the token failed: {}", f.summary(dctx)),
        )
        .with_fix(f.fix(dctx)),
        RefreshError::Store(s) => CmdError::store(&s, ctx.accounts.dir(), name),
        other => {
            let err = CmdError::new(code, other.to_string());
            match fix {
                Some(f) => err.with_fix(f),
                None => err,
            }
        }
    }
}

fn print(token: &Cached, cached: bool, format: TokenFormat) -> Result<(), CmdError> {
    let value = token.access_token.expose();
    // Checked when it arrived; checked again, since a cache entry may predate the check.
    crate::token::check_token(value).map_err(|p| {
        CmdError::new(
            ExitCode::Network,
            format!("the access token is refused: {p}"),
        )
        .with_fix("ask the server's operators; oauth-setup token --no-cache asks the server again")
    })?;
    let out = match format {
        TokenFormat::Raw => Secret::new(value),
        TokenFormat::Header => match crate::token::bearer_value(&token.token_type, value) {
            Ok(v) => Secret::new(format!("Authorization: {v}")),
            Err(e) => {
                return Err(CmdError::new(
                    ExitCode::Network,
                    format!("{e}; --format header writes only Bearer headers"),
                )
                .with_fix("use --format json, which names the token_type, and build the header the server expects"));
            }
        },
        TokenFormat::Json => {
            let now = SystemTime::now();
            Secret::new(
                serde_json::json!({
                    "schema_version": 1,
                    "access_token": value,
                    "token_type": token.token_type,
                    "expires_in": token.remaining(now).map(|d| d.as_secs()),
                    "expires_at": token
                        .expires_at
                        .map(|at| humantime::format_rfc3339_seconds(at).to_string()),
                    "scope": token.scope.as_ref().map(|s| s.join(" ")),
                    "cached": cached,
                })
                .to_string(),
            )
        }
    };
    crate::out::stdout_secret(&out);
    Ok(())
}
