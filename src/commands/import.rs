//! `import FILE [--profile NAME] [--replace]`: a teammate's profile, every field checked with
//! setup's rules. A secret in Vault or a password manager is tested live at once, so nothing
//! has to be pasted; a keyring or file profile arrives without a secret and points to rotate.

use super::{CmdError, Ctx};
use crate::account::NewProfile;
use crate::cli::ImportArgs;
use crate::fields::parse_profile_name;
use crate::profile::Verdict;
use crate::profile::shared::{FORMAT_VERSION, KIND, SharedFile};
use crate::report::test_failure_lines;
use crate::secret_store::SecretStoreKind;
use crate::token::test_credentials;

pub async fn run(ctx: &Ctx, args: &ImportArgs) -> Result<(), CmdError> {
    let shared = read(args)?;
    let name = parse_profile_name(args.profile.as_deref().unwrap_or(&shared.name))
        .map_err(|e| CmdError::fields(&[e]))?;
    let account =
        crate::profile::shared::check(&shared.profile).map_err(|e| CmdError::fields(&e))?;
    let existing = ctx.accounts.load()?;
    if existing.profiles.contains_key(&name) {
        if !args.replace {
            return Err(
                CmdError::usage(format!("profile \"{name}\" already exists")).with_fix(
                    "pass --replace to replace it, or --profile to import under another name",
                ),
            );
        }
        ctx.accounts
            .delete(&name)
            .map_err(|e| ctx.account_error(e, &name))?;
    }
    let store = shared.profile.secret_store;
    let mut new = NewProfile {
        name: name.clone(),
        account,
        store,
        vault: shared.profile.vault.clone(),
        command: shared.profile.command.clone(),
        verdict: Verdict::Failed("imported; not tested yet".into()),
        make_default: args.default,
    };
    let remote = matches!(store, SecretStoreKind::Vault | SecretStoreKind::Command);
    let next = if remote && !new.account.grant.is_user_grant() {
        prove(ctx, &mut new).await?;
        format!("oauth-setup token {name}")
    } else if new.account.grant.is_user_grant() {
        format!("oauth-setup login {name}")
    } else {
        format!("oauth-setup rotate {name} --client-secret-stdin   # add the secret")
    };
    let saved = ctx
        .accounts
        .create_with(&new, None, None)
        .map_err(|e| ctx.account_error(e, &name))?;
    println!(
        "{} profile {name} in {}",
        ctx.style.ok("imported:"),
        saved.profiles_path
    );
    println!("  secret: {}", saved.secret_location);
    println!("next:\n  {next}");
    Ok(())
}

fn read(args: &ImportArgs) -> Result<SharedFile, CmdError> {
    let shown = args.file.display();
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| CmdError::usage(format!("cannot read {shown}: {e}")))?;
    let shared: SharedFile = toml::from_str(&text).map_err(|e| {
        CmdError::usage(format!(
            "{shown} is not a profile written by oauth-setup export: {}",
            e.message()
        ))
    })?;
    if shared.kind != KIND || shared.format_version != FORMAT_VERSION {
        return Err(CmdError::usage(format!(
            "{shown} is a \"{}\" file of format version {}; this oauth-setup reads \"{KIND}\" version {FORMAT_VERSION}",
            shared.kind, shared.format_version
        )));
    }
    Ok(shared)
}

/// The live test with the secret read from Vault or the password manager.
async fn prove(ctx: &Ctx, new: &mut NewProfile) -> Result<(), CmdError> {
    let probe = crate::profile::Profile {
        vault: new.vault.clone(),
        command: new.command.clone(),
        ..crate::profile::Profile::new(&new.account, new.store, String::new(), "", &Verdict::Passed)
    };
    let secret = ctx.secret_for_run(&new.name, &probe)?;
    let req = new.account.token_request(secret);
    println!(
        "testing the credentials from the {} ...",
        ctx.accounts.describe(&probe)
    );
    match test_credentials(&ctx.client()?, &req).await {
        Ok(_) => {
            println!("{} the token request succeeded", ctx.style.ok("ok:"));
            new.verdict = Verdict::Passed;
            Ok(())
        }
        Err(f) => {
            let (summary, fix) = test_failure_lines(&f, &new.account.diagnosis_context());
            Err(CmdError::new(
                f.failure.exit_code(),
                format!("{summary}; nothing was imported"),
            )
            .with_fix(fix))
        }
    }
}
