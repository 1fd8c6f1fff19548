//! `logout PROFILE`: revoke the refresh token where the server has a revocation endpoint
//! (RFC 7009), then forget it and the cached access token. The profile stays.

use super::{CmdError, Ctx, pick_profile};
use crate::base::exit::ExitCode;
use crate::cli::args::LogoutArgs;
use crate::protocol::token::GrantForm;
use crate::rules::fields::{Endpoint, Field};

pub async fn run(ctx: &Ctx, args: &LogoutArgs) -> Result<(), CmdError> {
    let file = ctx.accounts.load()?;
    let (name, profile) = pick_profile(Some(&args.profile), &file)?;
    let store_err = |e| CmdError::store(&e, ctx.accounts.dir(), name);
    let _lock = ctx
        .accounts
        .dir()
        .profile_lock(name)
        .map_err(|e| CmdError::new(ExitCode::Usage, e.to_string()))?;
    let entry = ctx.accounts.refresh_entry(profile).map_err(store_err)?;
    let revocation = profile
        .user_grant
        .as_ref()
        .and_then(|g| g.revocation_url.clone());
    let revoked = match (&entry, revocation) {
        (Some(e), Some(url)) => {
            let what = "the revocation endpoint";
            let endpoint = Endpoint::parse(Field::Endpoints, what, &url)
                .map_err(|e| CmdError::usage(e.message))?;
            let secret = ctx.secret_for_run(name, profile).await?;
            let req = profile
                .client_side(secret)
                .at(&endpoint)
                .with_grant(GrantForm::Revocation {
                    refresh_token: e.token.clone(),
                });
            Some((url, ctx.client()?.revoke(&req).await))
        }
        _ => None,
    };
    ctx.accounts
        .clear_session_unlocked(profile)
        .map_err(store_err)?;
    let dctx = profile.diagnosis_context();
    match (entry.is_some(), revoked) {
        (false, _) => crate::say!("profile {name} had no refresh token; removed any cached token"),
        (true, None) => crate::say!(
            "removed the refresh token and the cached token of {name}; the server names no revocation endpoint, so revoke the authorization in its user settings if it must stop working now"
        ),
        (true, Some((url, Ok(())))) => crate::say!(
            "{} revoked the refresh token at {url}; removed it and the cached token of {name}",
            ctx.style.ok("ok:")
        ),
        (true, Some((url, Err(f)))) => {
            return Err(CmdError::new(
                f.exit_code(),
                format!(
                    "removed the tokens of {name} here, but {url} did not confirm the revocation: {}",
                    f.summary(&dctx)
                ),
            )
            .with_fix(f.fix(&dctx)));
        }
    }
    crate::say!("the profile stays; oauth-setup login {name} signs in again");
    Ok(())
}
