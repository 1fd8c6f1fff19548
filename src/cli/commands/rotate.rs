//! `rotate`: test the new secret first; replace the stored one only when it works.

use super::{CmdError, Ctx, unknown_profile};
use crate::cli::args::RotateArgs;
use crate::rules::fields::{Validated, parse_client_id, read_secret};
use std::time::SystemTime;

use crate::base::exit::ExitCode;
use crate::flows::rotate::{self, Progress, RotateError, Rotation};
use crate::report::{overtaken, test_failure_lines, test_ok_lines, unchanged_secret};
use crate::rules::secret::ClientSecret;
use crate::stores::profile::Profile;

pub async fn run(ctx: &Ctx, args: RotateArgs) -> Result<(), CmdError> {
    let file = ctx.accounts.load()?;
    let Some(profile) = file.get(&args.profile) else {
        return Err(unknown_profile(&args.profile, &file));
    };
    let (secret, client_id) = if args.rollback {
        previous_secret(ctx, profile, &args.profile)?
    } else {
        given_secret(ctx, profile, &args)?
    };
    let scopes = profile.scopes.clone();
    let client = ctx.client()?;
    let rotation = Rotation {
        name: &args.profile,
        profile,
        client_id,
        secret,
    };
    let on = |p| match p {
        Progress::Testing => {
            crate::say!("testing the new secret against {} ...", profile.token_url);
        }
        Progress::Tested(ok) => {
            crate::say!("{} the new secret works", ctx.style.ok("ok:"));
            for line in test_ok_lines(&ok, &scopes) {
                crate::say!("  {line}");
            }
        }
    };
    let done = rotate::run(&ctx.accounts, &client, rotation, on, std::future::pending());
    let rotated = done
        .await
        .map_err(|e| rotate_error(ctx, e, &args.profile, profile))?;
    crate::say!(
        "{} replaced the secret of {} in the {}",
        ctx.style.ok("rotated:"),
        args.profile,
        rotated.location
    );
    Ok(())
}

/// The new secret (stdin, a file or the environment) and client id, checked.
fn given_secret(
    ctx: &Ctx,
    profile: &Profile,
    args: &RotateArgs,
) -> Result<(ClientSecret, String), CmdError> {
    let mut errors = Vec::new();
    let from_manager = profile
        .secret
        .command()
        .filter(|c| c.write.is_none())
        .is_some()
        && !args.secret.option_given();
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
fn previous_secret(
    ctx: &Ctx,
    profile: &Profile,
    name: &str,
) -> Result<(ClientSecret, String), CmdError> {
    let store_err = |e| CmdError::store(&e, ctx.accounts.dir(), name);
    let (Some(at), Some(history)) = (
        profile.secret.vault(),
        ctx.accounts.vault_history(profile).map_err(store_err)?,
    ) else {
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
        .vault_secret_at(at, *version)
        .map_err(store_err)?;
    Ok((secret, profile.client_id.clone()))
}

/// The rotation's outcome in the command line's words.
fn rotate_error(ctx: &Ctx, e: RotateError, name: &str, profile: &Profile) -> CmdError {
    match e {
        RotateError::Refused(f) => {
            let (summary, fix) = test_failure_lines(&f, &profile.diagnosis_context());
            let kept = unchanged_secret(
                profile.last_verification.as_ref(),
                SystemTime::now(),
                &summary,
            );
            CmdError::new(f.failure.exit_code(), format!("{summary}; {kept}")).with_fix(fix)
        }
        // Another administrator won: say who and when (nothing was overwritten).
        RotateError::Overtaken { now } => {
            let whose = format!("{name}'s secret");
            CmdError::new(ExitCode::SecretStore, overtaken(&whose, now.as_ref())).with_fix(format!(
                "check that the secret in Vault works: oauth-setup verify {name}"
            ))
        }
        RotateError::Version(e) => CmdError::store(&e, ctx.accounts.dir(), name),
        RotateError::Store(e) => ctx.account_error(e, name),
        RotateError::Cancelled => CmdError::new(ExitCode::Cancelled, "rotation cancelled"),
    }
}
