//! `token`: an access token on stdout for scripts; everything else on stderr.

use std::time::{Duration, SystemTime};

use super::{CmdError, Ctx, pick_profile};
use crate::cli::{TokenArgs, TokenFormat};
use crate::secret::Secret;

pub async fn run(ctx: &Ctx, args: TokenArgs) -> Result<(), CmdError> {
    let file = ctx.accounts.load()?;
    let (name, profile) = pick_profile(args.profile.as_deref(), &file)?;
    let secret = ctx.secret_for_run(name, profile)?;
    let req = profile.token_request(secret);
    let granted = ctx.client()?.request(&req).await.map_err(|f| {
        let dctx = profile.diagnosis_context();
        CmdError::new(f.exit_code(), f.summary(&dctx)).with_fix(f.fix(&dctx))
    })?;
    let token = granted.access_token.expose();
    let out = match args.format {
        TokenFormat::Raw => Secret::new(token),
        TokenFormat::Header => Secret::new(format!("Authorization: Bearer {token}")),
        TokenFormat::Json => {
            let expires_at = granted.expires_in.map(|s| {
                humantime::format_rfc3339_seconds(SystemTime::now() + Duration::from_secs(s))
                    .to_string()
            });
            Secret::new(
                serde_json::json!({
                    "access_token": token,
                    "token_type": granted.token_type,
                    "expires_in": granted.expires_in,
                    "expires_at": expires_at,
                    "scope": granted.scope.as_ref().map(|s| s.join(" ")),
                })
                .to_string(),
            )
        }
    };
    println!("{}", out.expose());
    Ok(())
}
