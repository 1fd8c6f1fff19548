//! `doctor`: find and remove the store entries no profile uses (left by a process that was
//! killed half-way), after the checks every command makes of the folder itself.

use super::{CmdError, Ctx};
use crate::cli::args::DoctorArgs;
use crate::stores::account::{EntryKind, Orphan};
use crate::stores::secret_store::LocalStore;

pub fn run(ctx: &Ctx, args: &DoctorArgs) -> Result<(), CmdError> {
    let sweep = ctx
        .accounts
        .sweep_orphans(args.dry_run)
        .map_err(|e| ctx.account_error(e, ""))?;
    if sweep.no_profiles_file {
        return Err(CmdError::usage(format!(
            "{} is missing (or a link to a missing file), so every stored entry would look \
             unused; nothing was removed",
            ctx.accounts.dir().profiles_path().display()
        ))
        .with_fix("restore profiles.toml (or mount the folder its link points to) first"));
    }
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
    for (orphan, e) in &sweep.failed {
        crate::tell!("error: {} could not be removed: {e}", describe(orphan));
    }
    for e in &sweep.unreadable {
        crate::tell!("error: a store could not be listed: {e}");
    }
    let first = sweep
        .failed
        .into_iter()
        .map(|(_, e)| e)
        .chain(sweep.unreadable)
        .next();
    match first {
        None => Ok(()),
        Some(e) => Err(
            CmdError::store(&e, ctx.accounts.dir(), "").with_fix(format!(
                "{}; then run oauth-setup doctor again",
                e.fix(
                    ctx.accounts.dir(),
                    "",
                    crate::protocol::token::Surface::CommandLine
                )
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
        LocalStore::File => "the secrets file",
        LocalStore::Keyring => "the OS keyring",
    };
    format!(
        "{what} {} from {store} (no profile uses it)",
        crate::rules::sanitize::one_line(&orphan.entry, 200)
    )
}
