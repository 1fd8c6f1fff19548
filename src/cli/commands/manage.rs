//! `rename`, `copy` and `default`: the use cases of [`crate::flows::manage`], in words.

use super::{CmdError, Ctx, unknown_profile};
use crate::cli::args::{CopyArgs, DefaultArgs, RenameArgs};
use crate::flows::manage::{self, CopySecret, ManageError};
use crate::stores::account::Rewritten;

pub fn rename(ctx: &Ctx, args: &RenameArgs) -> Result<(), CmdError> {
    let (to, done) = manage::rename(&ctx.accounts, &args.old, &args.new)
        .map_err(|e| error(ctx, e, &args.old))?;
    crate::say!("renamed profile {} to {to}", args.old);
    say_secret(&done);
    Ok(())
}

pub fn copy(ctx: &Ctx, args: &CopyArgs) -> Result<(), CmdError> {
    let how = match (&args.vault_path, args.share_secret) {
        (Some(path), _) => CopySecret::VaultPath(path.clone()),
        (None, true) => CopySecret::Share,
        (None, false) => CopySecret::Own,
    };
    let (to, done) = manage::copy(&ctx.accounts, &args.from, &args.to, &how)
        .map_err(|e| error(ctx, e, &args.from))?;
    crate::say!("copied profile {} to {to}", args.from);
    say_secret(&done);
    if how == CopySecret::Share {
        crate::say!("  both profiles now use this secret: a rotation of one changes the other");
    }
    crate::say!("next:\n  oauth-setup verify {to}");
    Ok(())
}

pub fn default(ctx: &Ctx, args: &DefaultArgs) -> Result<(), CmdError> {
    let changed = manage::make_default(&ctx.accounts, &args.profile)
        .map_err(|e| error(ctx, e, &args.profile))?;
    if changed {
        crate::say!("{} is now the default profile", args.profile);
    } else {
        crate::say!("{} is the default profile already", args.profile);
    }
    Ok(())
}

pub(super) fn say_secret(done: &Rewritten) {
    crate::say!("  secret: {}", done.secret_location);
    if let Some(old) = &done.old_secret_left {
        crate::say!(
            "  the old secret stays in the {old} (not oauth-setup's alone to remove); remove it there when nothing else uses it"
        );
    }
}

/// A refused change, with its fix; nothing was changed.
pub(super) fn error(ctx: &Ctx, e: ManageError, profile: &str) -> CmdError {
    match e {
        ManageError::Unknown(name) => match ctx.accounts.load() {
            Ok(file) => unknown_profile(&name, &file),
            Err(e) => e.into(),
        },
        // The new name is an argument here, not setup's --profile.
        ManageError::Name(field) => {
            CmdError::usage(format!("the new name {}", field.message)).with_fix("use letters, digits, '.', '_' and '-', e.g. acme-prod")
        }
        ManageError::Exists(name) => CmdError::usage(format!(
            "profile \"{name}\" already exists; nothing was changed"
        ))
        .with_fix(format!(
            "choose another name, or delete it first: oauth-setup delete {name}"
        )),
        ManageError::SameName(name) => {
            CmdError::usage(format!("\"{name}\" is the profile's name already; nothing was changed"))
        }
        ManageError::CannotCopyCommand => CmdError::usage(format!("{e}; nothing was changed"))
            .with_fix(
                "pass --share-secret to use the same entry, or copy a profile whose secret is in the keyring, a file or Vault",
            ),
        ManageError::Account(e) => ctx.account_error(e, profile),
    }
}
