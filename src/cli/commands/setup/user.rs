//! `setup` for a user grant (authorization code, device code): the user signs in, and the profile is saved
//! with the refresh token and the first access token.

use super::{Target, refuse_or_note, save};
use crate::cli::args::SetupArgs;
use crate::cli::commands::{CmdError, Ctx, sign_in};
use crate::protocol::discovery::Metadata;
use crate::rules::secret::ClientSecret;
use crate::stores::account::NewProfile;
use crate::stores::profile::{UserGrant, Verdict};

pub async fn run(
    ctx: &Ctx,
    mut new: NewProfile,
    secret: Option<ClientSecret>,
    args: &SetupArgs,
    discovered: Option<&(String, Metadata)>,
    target: &Target,
) -> Result<(), CmdError> {
    let grant = resolve(ctx, &mut new, discovered)?;
    if let Some(scope) = &grant.refresh_scope
        && !new.account.scopes.contains(scope)
    {
        crate::tell!(
            "{} without the scope {scope} the server gives no refresh token, so you would sign in again each time the access token expires",
            ctx.style.warn("warning:")
        );
    }
    let request = new.account.client_side(secret.clone());
    let dctx = new.account.diagnosis_context();
    let opts = sign_in::SignInOptions {
        grant_type: new.account.grant,
        no_browser: args.sign_in.no_browser,
        stdin_free: !args.secret.client_secret_stdin,
    };
    let signed = sign_in::run(ctx, &ctx.client()?, request, &grant, &opts).await;
    let name = new.name.clone();
    let session = match signed {
        Ok(mut signed) => {
            let session = crate::flows::sign_in::session(&mut signed, &new.account.scopes);
            sign_in::say_signed_in(ctx, &signed, &session, &grant);
            Some(session)
        }
        Err(err) => {
            new.verdict = Verdict::of_sign_in(&err, &dctx);
            refuse_or_note(ctx, sign_in::error(err, &dctx), args.save_unverified)?;
            None
        }
    };
    let next = match session {
        Some(_) => vec![format!("oauth-setup token {name}")],
        None => vec![format!("oauth-setup login {name}")],
    };
    save(ctx, &new, secret.as_ref(), session.as_ref(), &next, target)
}

/// The grant's endpoints, with what the preset left open filled from the server's metadata.
fn resolve(
    ctx: &Ctx,
    new: &mut NewProfile,
    discovered: Option<&(String, Metadata)>,
) -> Result<UserGrant, CmdError> {
    let Some(grant) = new.account.user_grant.as_mut() else {
        return Err(CmdError::usage("not a user grant"));
    };
    if let Some((issuer, meta)) = discovered {
        grant.fill_from(issuer, meta);
        if !meta.supports_s256() {
            crate::tell!(
                "{} {issuer} does not advertise PKCE with S256; the sign-in uses it anyway, and a server that ignores it leaves the code unprotected",
                ctx.style.warn("warning:")
            );
        }
    }
    if let Err(endpoint) = grant.endpoint(new.account.grant) {
        return Err(CmdError::usage(format!(
            "provider {} names no {endpoint} endpoint",
            new.account.provider
        ))
        .with_fix("give the server's issuer with --issuer; its metadata names the endpoint"));
    }
    Ok(grant.clone())
}
