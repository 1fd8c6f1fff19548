//! `delete`: remove a profile, then its secret.

use std::io::IsTerminal;

use super::{CmdError, Ctx, unknown_profile};
use crate::cli::args::DeleteArgs;

pub fn run(ctx: &Ctx, args: &DeleteArgs) -> Result<(), CmdError> {
    let file = ctx.accounts.load()?;
    if file.get(&args.profile).is_none() {
        return Err(unknown_profile(&args.profile, &file));
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(
                CmdError::usage("refusing to delete without confirmation").with_fix("pass --yes")
            );
        }
        let answer = crate::base::out::ask(&format!(
            "Delete profile {} and its stored secret? [y/N] ",
            args.profile
        ));
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            crate::say!("nothing deleted");
            return Ok(());
        }
    }
    let name = args.profile.clone();
    let deleted = ctx
        .accounts
        .delete(&name)
        .map_err(|e| ctx.account_error(e, &name))?;
    crate::say!("deleted profile {name}");
    match deleted.secret_removed {
        _ if deleted.secret_kept => crate::say!(
            "its secret stays in the {} (not oauth-setup's alone to remove); remove it there when nothing else uses it",
            deleted.secret_location
        ),
        Ok(true) => crate::say!("deleted its secret from the {}", deleted.secret_location),
        Ok(false) => crate::say!("it had no stored secret"),
        Err(e) => {
            return Err(CmdError::store(&e, ctx.accounts.dir(), &name).with_fix(format!(
                "the profile is gone, but its secret could not be removed from the {}; once the store works, oauth-setup doctor removes it",
                deleted.secret_location
            )));
        }
    }
    Ok(())
}
