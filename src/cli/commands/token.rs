//! `token`: an access token on stdout for scripts; everything else on stderr. Getting it is
//! [`crate::session::get`]; this module reads the options, and puts notes, errors and the
//! token into words and formats.

use std::time::SystemTime;

use super::{CmdError, Ctx, pick_profile};
use crate::base::exit::ExitCode;
use crate::cli::args::{TokenArgs, TokenFormat};
use crate::protocol::token::Context;
use crate::rules::secret::Secret;
use crate::session::cache::Cached;
use crate::session::get::{GetError, Note, Want, from_cache, get};
use crate::session::refresh::RefreshError;
use crate::stores::account::RunSecretError;
use crate::stores::profile::Profile;

/// A secret given for one run stores nothing, so it neither reads nor writes the cache.
fn caching(args: &TokenArgs) -> bool {
    !args.no_cache && std::env::var_os(crate::rules::fields::ENV_CLIENT_SECRET).is_none()
}

/// Print a cached token that will do, with no lock, network or runtime; `false` when there is
/// none (the caller then runs the command).
pub fn from_cache_now(ctx: &Ctx, args: &TokenArgs) -> Result<bool, CmdError> {
    if !caching(args) {
        return Ok(false);
    }
    let file = ctx.accounts.load()?;
    let (_, profile) = pick_profile(args.profile.as_deref(), &file)?;
    match from_cache(&ctx.accounts, profile, args.min_valid) {
        Some(hit) => print(&hit, true, args.format).map(|()| true),
        None => Ok(false),
    }
}

pub async fn run(ctx: &Ctx, args: TokenArgs) -> Result<(), CmdError> {
    let file = ctx.accounts.load()?;
    let (name, profile) = pick_profile(args.profile.as_deref(), &file)?;
    let want = Want {
        caching: caching(&args),
        min_valid: args.min_valid,
    };
    let got = get(&ctx.accounts, &ctx.http, name, profile, want)
        .await
        .map_err(|e| get_error(e, ctx, name, profile))?;
    for note in &got.notes {
        tell_note(ctx, name, note);
    }
    if !got.from_cache
        && let Some(left) = got.token.remaining(SystemTime::now())
        && left < args.min_valid
    {
        crate::tell!(
            "{} even a new token stays valid only {}, less than --min-valid {}",
            ctx.style.warn("warning:"),
            humantime::format_duration(std::time::Duration::from_secs(left.as_secs())),
            humantime::format_duration(args.min_valid)
        );
    }
    print(&got.token, got.from_cache, args.format)
}

fn tell_note(ctx: &Ctx, name: &str, note: &Note) {
    match note {
        Note::RefreshTokenNotSaved(e) => crate::tell!(
            "{} the server replaced the refresh token, but the new one could not be saved ({}); the next refresh will probably fail and need oauth-setup login {name}",
            ctx.style.fail("WARNING:"),
            e.plain()
        ),
        Note::CacheTooLong { limit } => crate::tell!(
            "{} the OS keyring refuses a token this long (limit {limit} bytes), so this profile's tokens are not cached: each call asks the server (said once)",
            ctx.style.warn("note:")
        ),
        Note::CacheFailed(e) => crate::tell!(
            "{} the token could not be cached ({}); each call will ask the server",
            ctx.style.warn("note:"),
            e.plain()
        ),
    }
}

fn get_error(e: GetError, ctx: &Ctx, name: &str, profile: &Profile) -> CmdError {
    let dctx = profile.diagnosis_context();
    match e {
        GetError::Lock(e) => CmdError::new(ExitCode::Usage, e.to_string()),
        GetError::Profiles(e) => e.into(),
        GetError::Deleted(_) => match ctx.accounts.load() {
            Ok(now) => super::unknown_profile(name, &now),
            Err(e) => e.into(),
        },
        GetError::Secret(RunSecretError::Environment(f)) => CmdError::usage(f.message),
        GetError::Secret(RunSecretError::Store(s)) => CmdError::store(&s, ctx.accounts.dir(), name),
        GetError::Refresh(e) => refresh_error(e, ctx, name, &dctx),
        GetError::Client(e) => e.into(),
        GetError::Request(f) => {
            CmdError::new(f.exit_code(), f.summary(&dctx)).with_fix(f.fix(&dctx))
        }
    }
}

fn refresh_error(e: RefreshError, ctx: &Ctx, name: &str, dctx: &Context) -> CmdError {
    let code = e.exit_code();
    let fix = e
        .needs_sign_in()
        .then(|| crate::report::sign_in_again(name, crate::protocol::token::Surface::CommandLine));
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
    crate::protocol::token::check_token(value).map_err(|p| {
        CmdError::new(
            ExitCode::Network,
            format!("the access token is refused: {p}"),
        )
        .with_fix("ask the server's operators; oauth-setup token --no-cache asks the server again")
    })?;
    let out = match format {
        TokenFormat::Raw => Secret::new(value),
        TokenFormat::Header => match crate::protocol::token::bearer_value(&token.token_type, value)
        {
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
    crate::base::out::stdout_secret(&out);
    Ok(())
}
