//! `token`: an access token on stdout for scripts; everything else on stderr. A cached token
//! that stays valid long enough is handed out with no network call and no lock; otherwise one
//! process asks the server under the config lock while the others wait and then read its result.

use std::time::SystemTime;

use super::{CmdError, Ctx, pick_profile};
use crate::cli::{TokenArgs, TokenFormat};
use crate::profile::Profile;
use crate::secret::Secret;
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
    let lock = caching
        .then(|| ctx.accounts.profiles().lock())
        .transpose()?;
    if lock.is_some()
        && let Some(hit) = from_cache(ctx, profile, &args)
    {
        return print(&hit, true, args.format);
    }
    let fresh = fetch(ctx, name, profile, caching).await?;
    drop(lock);
    if let Some(left) = fresh.remaining(SystemTime::now())
        && left < args.min_valid
    {
        eprintln!(
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
    let secret = ctx.secret_for_run(name, profile)?;
    let req = profile.token_request(secret);
    let sent_at = SystemTime::now();
    let granted = ctx.client()?.request(&req).await.map_err(|f| {
        let dctx = profile.diagnosis_context();
        CmdError::new(f.exit_code(), f.summary(&dctx)).with_fix(f.fix(&dctx))
    })?;
    let Some((cached, entry)) = token_cache::entry(&granted, sent_at, &profile.scopes) else {
        // No lifetime given: handed out as it is, never cached.
        return Ok(Cached {
            access_token: granted.access_token,
            token_type: granted.token_type,
            expires_at: None,
            scope: granted.scope,
        });
    };
    if caching && let Err(e) = ctx.accounts.store_token(profile, &entry) {
        eprintln!(
            "{} the token could not be cached ({}); each call will ask the server",
            ctx.style.warn("note:"),
            e.plain()
        );
    }
    Ok(cached)
}

fn print(token: &Cached, cached: bool, format: TokenFormat) -> Result<(), CmdError> {
    let value = token.access_token.expose();
    let out = match format {
        TokenFormat::Raw => Secret::new(value),
        TokenFormat::Header => Secret::new(format!("Authorization: Bearer {value}")),
        TokenFormat::Json => {
            let now = SystemTime::now();
            Secret::new(
                serde_json::json!({
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
    println!("{}", out.expose());
    Ok(())
}
