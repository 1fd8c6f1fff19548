//! `token`: an access token on stdout for scripts; everything else on stderr. Getting it is
//! [`crate::session::get`]; this module reads the options, and puts notes, errors and the
//! token into words and formats.

use std::time::{Duration, SystemTime};

use super::{CmdError, Ctx, one_profile};
use crate::base::exit::ExitCode;
use crate::cli::args::{TokenArgs, TokenFormat};
use crate::protocol::token::Context;
use crate::rules::secret::Secret;
use crate::session::cache::Cached;
use crate::session::get::{GetError, Got, Note, Want, from_cache, get};
use crate::session::refresh::RefreshError;
use crate::stores::account::RunSecretError;
use crate::stores::profile::Profile;

mod format;

/// A secret given for one run stores nothing, so it neither reads nor writes the cache.
pub fn caching(no_cache: bool) -> bool {
    !no_cache && std::env::var_os(crate::rules::fields::ENV_CLIENT_SECRET).is_none()
}

/// Print a cached token that will do, with no lock, network or runtime; `false` when there is
/// none (the caller then runs the command). `--check` is always answered here.
pub fn from_cache_now(ctx: &Ctx, args: &TokenArgs) -> Result<bool, CmdError> {
    if args.check {
        return check(ctx, args).map(|()| true);
    }
    if !caching(args.no_cache) {
        return Ok(false);
    }
    let (_, profile) = one_profile(ctx, args.profile.as_deref())?;
    match from_cache(&ctx.accounts, &profile, args.min_valid) {
        Some(hit) => deliver(&hit, true, args, &profile).map(|()| true),
        None => Ok(false),
    }
}

/// `--check`: whether a cached token stays valid for `--min-valid`, from the cache alone.
fn check(ctx: &Ctx, args: &TokenArgs) -> Result<(), CmdError> {
    let (name, profile) = one_profile(ctx, args.profile.as_deref())?;
    let min = humantime::format_duration(args.min_valid);
    match from_cache(&ctx.accounts, &profile, args.min_valid) {
        Some(hit) => {
            let left = hit
                .remaining(SystemTime::now())
                .map(|d| humantime::format_duration(Duration::from_secs(d.as_secs())));
            crate::tell!(
                "{} profile {name} has a cached token valid for {}",
                ctx.style.ok("ok:"),
                left.map_or_else(|| "an unknown time".to_string(), |d| d.to_string())
            );
            Ok(())
        }
        None => Err(CmdError::new(
            ExitCode::NotCached,
            format!("profile {name} has no cached token valid for --min-valid {min}"),
        )
        .with_fix(format!("oauth-setup token {name} gets one"))),
    }
}

pub async fn run(ctx: &Ctx, args: TokenArgs) -> Result<(), CmdError> {
    let (name, profile) = one_profile(ctx, args.profile.as_deref())?;
    let got = fetch(ctx, &name, &profile, args.no_cache, args.min_valid).await?;
    warn_if_short(ctx, &got, args.min_valid);
    deliver(&got.token, got.from_cache, &args, &profile)
}

/// A token for `exec` and `token` alike: from the cache or the server, with the notes told.
pub async fn fetch(
    ctx: &Ctx,
    name: &str,
    profile: &Profile,
    no_cache: bool,
    min_valid: Duration,
) -> Result<Got, CmdError> {
    let want = Want {
        caching: caching(no_cache),
        min_valid,
    };
    let got = get(&ctx.accounts, &ctx.http, name, profile, want)
        .await
        .map_err(|e| get_error(e, ctx, name, profile))?;
    for note in &got.notes {
        tell_note(ctx, name, note);
    }
    checked(got)
}

/// A warning when even a new token stays valid less than `min_valid`.
pub fn warn_if_short(ctx: &Ctx, got: &Got, min_valid: Duration) {
    if !got.from_cache
        && let Some(left) = got.token.remaining(SystemTime::now())
        && left < min_valid
    {
        crate::tell!(
            "{} even a new token stays valid only {}, less than --min-valid {}",
            ctx.style.warn("warning:"),
            humantime::format_duration(Duration::from_secs(left.as_secs())),
            humantime::format_duration(min_valid)
        );
    }
}

/// Checked when it arrived; checked again, since a cache entry may predate the check.
fn checked(got: Got) -> Result<Got, CmdError> {
    crate::protocol::token::check_token(got.token.access_token.expose()).map_err(|p| {
        CmdError::new(
            ExitCode::Network,
            format!("the access token is refused: {p}"),
        )
        .with_fix("ask the server's operators; oauth-setup token --no-cache asks the server again")
    })?;
    Ok(got)
}

/// The variables that get the token: those given (each checked), else `BEARER_TOKEN` and the
/// provider's own.
pub fn variable_names(given: &[String], profile: &Profile) -> Result<Vec<String>, CmdError> {
    if let Some(bad) = given
        .iter()
        .find(|n| !crate::rules::variable::is_variable_name(n))
    {
        return Err(CmdError::usage(format!(
            "--env {}: not a variable name",
            crate::rules::sanitize::one_line(bad, 64)
        ))
        .with_fix("use letters, digits and _, not starting with a digit, e.g. --env API_TOKEN"));
    }
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let mut names = vec![DEFAULT_VARIABLE.to_string()];
    names.extend(crate::rules::provider::Provider::token_env(
        &profile.provider,
    ));
    Ok(names)
}

/// The WLCG bearer token discovery variable, which most tools that take a token read.
pub const DEFAULT_VARIABLE: &str = "BEARER_TOKEN";

fn deliver(
    token: &Cached,
    cached: bool,
    args: &TokenArgs,
    profile: &Profile,
) -> Result<(), CmdError> {
    let shell = matches!(
        args.format,
        TokenFormat::Env | TokenFormat::Fish | TokenFormat::Powershell
    );
    let names = if shell {
        variable_names(&args.env, profile)?
    } else {
        Vec::new()
    };
    if !shell && !args.env.is_empty() {
        return Err(CmdError::usage(
            "--env names the variables of --format env, fish and powershell",
        )
        .with_fix("add --format env (or fish, powershell), or leave out --env"));
    }
    let info = std::env::var("KUBERNETES_EXEC_INFO").ok();
    let now = SystemTime::now();
    let text = format::render(token, cached, args.format, &names, info.as_deref(), now).map_err(
        |format::FormatError::NotBearer(e)| {
            CmdError::new(ExitCode::Network, format!("{e}; --format header writes only Bearer headers"))
                .with_fix("use --format json, which names the token_type, and build the header the server expects")
        },
    )?;
    match &args.write_file {
        Some(path) => write_file(path, &text),
        None => {
            crate::base::out::stdout_secret(&text);
            Ok(())
        }
    }
}

/// `--write-file`: the text and a newline, through a private temporary file renamed into place
/// (a link at the path is replaced, never followed).
fn write_file(path: &std::path::Path, text: &Secret) -> Result<(), CmdError> {
    crate::stores::atomic_file::write_line_no_follow(path, text.expose()).map_err(|e| {
        CmdError::new(
            ExitCode::Usage,
            format!("--write-file {}: cannot write it ({e})", path.display()),
        )
        .with_fix("name a file in a folder you can write to")
    })
}

pub(super) fn tell_note(ctx: &Ctx, name: &str, note: &Note) {
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

pub(super) fn get_error(e: GetError, ctx: &Ctx, name: &str, profile: &Profile) -> CmdError {
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
