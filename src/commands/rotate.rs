//! `rotate`: test the new secret first; replace the stored one only when it works.

use super::{CmdError, Ctx, unknown_profile};
use crate::cli::RotateArgs;
use crate::fields::{Validated, parse_client_id, read_secret};
use std::time::SystemTime;

use crate::account::AccountError;
use crate::exit::ExitCode;
use crate::profile::Profile;
use crate::report::{test_failure_lines, test_ok_lines, unchanged_secret};
use crate::rotation::test_new_secret;
use crate::secret::Secret;
use crate::secret_store::StoreError;
use crate::token::TokenRequest;
use crate::vault::VaultError;

pub async fn run(ctx: &Ctx, args: RotateArgs) -> Result<(), CmdError> {
    let file = ctx.accounts.load()?;
    let Some(profile) = file.get(&args.profile) else {
        return Err(unknown_profile(&args.profile, &file));
    };
    let store_err = |e| CmdError::store(&e, ctx.accounts.dir(), &args.profile);
    // In Vault, the version now: the new secret is written over exactly this one.
    let expected = ctx.accounts.vault_version(profile).map_err(store_err)?;
    let (secret, client_id) = if args.rollback {
        previous_secret(ctx, profile, &args.profile)?
    } else {
        given_secret(ctx, profile, &args)?
    };
    let req = TokenRequest {
        client_id: client_id.clone(),
        ..profile.token_request(secret)
    };
    crate::say!("testing the new secret against {} ...", profile.token_url);
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
    crate::say!("{} the new secret works", ctx.style.ok("ok:"));
    for line in test_ok_lines(&ok, &req.scopes) {
        crate::say!("  {line}");
    }
    let name = args.profile.clone();
    let stored = ctx
        .accounts
        .replace_secret(&name, &client_id, ok.auth, &req.secret, expected)
        .map_err(|e| rotate_error(ctx, e, &name, profile))?;
    crate::say!(
        "{} replaced the secret of {name} in the {stored}",
        ctx.style.ok("rotated:")
    );
    Ok(())
}

/// The new secret (stdin, a file or the environment) and client id, checked.
fn given_secret(
    ctx: &Ctx,
    profile: &Profile,
    args: &RotateArgs,
) -> Result<(Secret, String), CmdError> {
    let mut errors = Vec::new();
    let from_manager = profile
        .command
        .as_ref()
        .filter(|c| c.write.is_none())
        .is_some()
        && !args.secret.client_secret_stdin
        && args.secret.client_secret_file.is_none();
    let secret = if from_manager {
        // No write command: the user updates the password manager, and the test reads it there.
        crate::say!("reading the new secret from the password manager (update it there first)");
        let read = ctx.accounts.client_secret(profile);
        Some(
            read.map(Validated::ok)
                .map_err(|e| CmdError::store(&e, ctx.accounts.dir(), &args.profile))?,
        )
    } else {
        read_secret(&args.secret.source())
            .map_err(|e| errors.push(e))
            .ok()
    };
    let client_id = match &args.client_id {
        Some(id) => parse_client_id(id).map_err(|e| errors.push(e)).ok(),
        None => Some(profile.client_id.clone()),
    };
    let (Some(secret), Some(client_id)) = (secret, client_id) else {
        return Err(CmdError::fields(&errors));
    };
    for w in &secret.warnings {
        crate::tell!("{} client secret: {w}", ctx.style.warn("warning:"));
    }
    Ok((secret.value, client_id))
}

/// `--rollback`: the newest version before the current one that was not deleted.
fn previous_secret(ctx: &Ctx, profile: &Profile, name: &str) -> Result<(Secret, String), CmdError> {
    let store_err = |e| CmdError::store(&e, ctx.accounts.dir(), name);
    let Some(history) = ctx.accounts.vault_history(profile).map_err(store_err)? else {
        return Err(
            CmdError::usage("--rollback is for profiles whose secret is in Vault").with_fix(
                format!("give the old secret: oauth-setup rotate {name} --client-secret-stdin"),
            ),
        );
    };
    let Some((version, created, _)) = history
        .versions
        .iter()
        .rev()
        .find(|(n, _, deleted)| *n < history.current && deleted.is_none())
    else {
        return Err(CmdError::new(
            ExitCode::SecretStore,
            format!("Vault keeps no earlier version of {name}'s secret to go back to"),
        ));
    };
    crate::say!(
        "rolling back to version {version} (written {created}) of {}",
        history.current
    );
    let secret = ctx
        .accounts
        .vault_secret_at(profile, *version)
        .map_err(store_err)?;
    Ok((secret, profile.client_id.clone()))
}

/// A rotation another administrator won: say who and when (nothing was overwritten).
fn rotate_error(ctx: &Ctx, e: AccountError, name: &str, profile: &Profile) -> CmdError {
    if let AccountError::Store(StoreError::Vault(VaultError::CasMismatch)) = &e {
        let who = ctx
            .accounts
            .vault_history(profile)
            .ok()
            .flatten()
            .map(|h| {
                let by = h
                    .last_rotation()
                    .map(|r| format!(", {r}"))
                    .unwrap_or_default();
                format!(" (now version {}{by})", h.current)
            })
            .unwrap_or_default();
        return CmdError::new(
            ExitCode::SecretStore,
            format!("someone else rotated {name}'s secret first{who}; nothing was overwritten"),
        )
        .with_fix(format!(
            "check that the secret in Vault works: oauth-setup verify {name}"
        ));
    }
    ctx.account_error(e, name)
}
