//! `login PROFILE`: sign in again for an authorization-code or device-code profile, replacing its refresh
//! token; the profile itself is unchanged.

use super::{CmdError, Ctx, pick_profile, sign_in};
use crate::cli::args::LoginArgs;
use crate::protocol::token::GrantType;
use crate::rules::fields::read_secret;
use crate::rules::secret::ClientSecret;
use crate::stores::account::RunSecretError;
use crate::stores::profile::{Profile, UserGrant};
use crate::stores::secret_store::StoreError;

pub async fn run(ctx: &Ctx, args: LoginArgs) -> Result<(), CmdError> {
    let file = ctx.accounts.load()?;
    let (name, profile) = pick_profile(Some(&args.profile), &file)?;
    let grant = user_grant(name, profile)?;
    let (secret, keep_secret) = secret(ctx, name, profile, &args).await?;
    let dctx = profile.diagnosis_context();
    let opts = sign_in::SignInOptions {
        grant_type: profile.grant_type,
        no_browser: args.sign_in.no_browser,
        stdin_free: !args.secret.client_secret_stdin,
    };
    let request = profile.client_side(secret.clone());
    let mut signed = sign_in::run(ctx, &ctx.client()?, request, grant, &opts)
        .await
        .map_err(|e| sign_in::error(e, &dctx))?;
    let session = crate::flows::sign_in::session(&mut signed, &profile.scopes);
    // It signed in, so the secret works: kept in the profile's store as setup would.
    ctx.accounts
        .keep_sign_in(
            name,
            profile,
            &session,
            secret.as_ref().filter(|_| keep_secret),
        )
        .map_err(|e| ctx.account_error(e, name))?;
    if keep_secret {
        crate::say!(
            "{} the secret is kept in the {}",
            ctx.style.ok("ok:"),
            ctx.accounts.describe(profile)
        );
    }
    sign_in::say_signed_in(ctx, &signed, &session, grant);
    Ok(())
}

/// The stored secret; for a profile that has none yet (imported), the one given with
/// `--client-secret-stdin` / `--client-secret-file` / the environment, to keep once it works.
async fn secret(
    ctx: &Ctx,
    name: &str,
    profile: &Profile,
    args: &LoginArgs,
) -> Result<(Option<ClientSecret>, bool), CmdError> {
    let given = args.secret.option_given();
    match ctx.accounts.secret_for_run(profile).await {
        Ok((s, _)) if !given => Ok((s, false)),
        Err(RunSecretError::Store(StoreError::Missing { .. })) | Ok(_) => {
            let v = read_secret(&args.secret.source()).map_err(|e| {
                CmdError::fields(&[e]).with_fix(format!(
                    "profile {name} has no secret stored yet; give it: oauth-setup login {name} --client-secret-stdin (or --client-secret-file PATH)"
                ))
            })?;
            Ok((Some(v.value), true))
        }
        Err(RunSecretError::Environment(f)) => Err(CmdError::usage(f.message)),
        Err(RunSecretError::Store(s)) => Err(CmdError::store(&s, ctx.accounts.dir(), name)),
    }
}

/// The sign-in settings of an authorization-code profile.
pub fn user_grant<'a>(name: &str, profile: &'a Profile) -> Result<&'a UserGrant, CmdError> {
    match (&profile.user_grant, profile.grant_type) {
        (Some(g), GrantType::AuthorizationCode | GrantType::DeviceCode) => Ok(g),
        _ => Err(CmdError::usage(format!(
            "profile {name} uses {}; there is nobody to sign in",
            profile.grant_type.label().to_lowercase()
        ))
        .with_fix(format!("oauth-setup token {name} gets its token as it is"))),
    }
}
