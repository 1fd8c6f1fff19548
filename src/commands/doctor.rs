//! `doctor`: find and remove the store entries no profile uses (left by a process that was
//! killed half-way), after the checks every command makes of the folder itself.

use super::{CmdError, Ctx};
use crate::account::{EntryKind, Orphan};
use crate::cli::DoctorArgs;
use crate::secret_store::SecretStoreKind;

pub fn run(ctx: &Ctx, args: &DoctorArgs) -> Result<(), CmdError> {
    let sweep = ctx
        .accounts
        .sweep_orphans(args.dry_run)
        .map_err(|e| ctx.account_error(e, ""))?;
    let verb = if args.dry_run {
        "would remove"
    } else {
        "removed"
    };
    for orphan in &sweep.removed {
        crate::say!("{verb} {}", describe(orphan));
    }
    if sweep.removed.is_empty() {
        crate::say!(
            "config folder {}: no store entry without a profile",
            ctx.accounts.dir().root().display()
        );
    } else if args.dry_run {
        crate::say!("run oauth-setup doctor without --dry-run to remove them");
    }
    match sweep.failed.into_iter().next() {
        None => Ok(()),
        Some((orphan, e)) => Err(
            CmdError::store(&e, ctx.accounts.dir(), "").with_fix(format!(
                "{} could not be removed: {}",
                describe(&orphan),
                e.fix(ctx.accounts.dir(), "")
            )),
        ),
    }
}

fn describe(orphan: &Orphan) -> String {
    let what = match orphan.kind {
        EntryKind::Secret => "client secret",
        EntryKind::RefreshToken => "refresh token",
        EntryKind::TokenCache => "cached access token",
    };
    let store = match orphan.store {
        SecretStoreKind::File => "the secrets file",
        _ => "the OS keyring",
    };
    format!(
        "{what} {} from {store} (no profile uses it)",
        crate::sanitize::one_line(&orphan.entry, 200)
    )
}
