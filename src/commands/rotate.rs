//! `rotate`: test the new secret first; replace the stored one only when it works.

use super::{CmdError, Ctx, unknown_profile};
use crate::cli::RotateArgs;
use crate::fields::{parse_client_id, read_secret};
use std::time::SystemTime;

use crate::report::{test_failure_lines, test_ok_lines, unchanged_secret};
use crate::rotation::test_new_secret;
use crate::token::TokenRequest;

pub async fn run(ctx: &Ctx, args: RotateArgs) -> Result<(), CmdError> {
    let file = ctx.accounts.load()?;
    let Some(profile) = file.get(&args.profile) else {
        return Err(unknown_profile(&args.profile, &file));
    };
    let mut errors = Vec::new();
    let secret = read_secret(&args.secret.source())
        .map_err(|e| errors.push(e))
        .ok();
    let client_id = match &args.client_id {
        Some(id) => parse_client_id(id).map_err(|e| errors.push(e)).ok(),
        None => Some(profile.client_id.clone()),
    };
    let (Some(secret), Some(client_id)) = (secret, client_id) else {
        return Err(CmdError::fields(&errors));
    };
    for w in &secret.warnings {
        eprintln!("{} client secret: {w}", ctx.style.warn("warning:"));
    }
    let req = TokenRequest {
        client_id: client_id.clone(),
        ..profile.token_request(secret.value)
    };
    // In Vault, the version now: the new secret is written over exactly this one.
    let expected = ctx
        .accounts
        .vault_version(profile)
        .map_err(|e| CmdError::store(&e, ctx.accounts.dir(), &args.profile))?;
    println!("testing the new secret against {} ...", profile.token_url);
    let client = ctx.client()?;
    let tested = test_new_secret(&ctx.accounts, &client, &args.profile, profile, &req);
    let ok = match tested.await {
        Ok(ok) => ok,
        Err(f) => {
            let dctx = profile.diagnosis_context();
            let (summary, fix) = test_failure_lines(&f, &dctx);
            return Err(CmdError::new(
                f.failure.exit_code(),
                format!(
                    "{summary}; {}",
                    unchanged_secret(profile.last_verification.as_ref(), SystemTime::now())
                ),
            )
            .with_fix(fix));
        }
    };
    println!("{} the new secret works", ctx.style.ok("ok:"));
    for line in test_ok_lines(&ok, &req.scopes) {
        println!("  {line}");
    }
    let name = args.profile.clone();
    let stored = ctx
        .accounts
        .replace_secret(&name, &client_id, ok.auth, &req.secret, expected)
        .map_err(|e| ctx.account_error(e, &name))?;
    println!(
        "{} replaced the secret of {name} in the {stored}",
        ctx.style.ok("rotated:")
    );
    Ok(())
}
