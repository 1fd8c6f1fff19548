//! `delete`: remove a profile, then its secret.

use std::io::{BufRead, IsTerminal, Write};

use super::{CmdError, Ctx, unknown_profile};
use crate::cli::DeleteArgs;

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
        print!(
            "Delete profile {} and its stored secret? [y/N] ",
            args.profile
        );
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("nothing deleted");
            return Ok(());
        }
    }
    let name = args.profile.clone();
    let deleted = ctx
        .accounts
        .delete(&name)
        .map_err(|e| ctx.account_error(e, &name))?;
    println!("deleted profile {name}");
    match deleted.secret_removed {
        Ok(true) => println!("deleted its secret from the {}", deleted.secret_location),
        Ok(false) => println!("it had no stored secret"),
        Err(e) => {
            return Err(CmdError::store(&e, ctx.accounts.dir(), &name).with_fix(format!(
                "the profile is gone, but its secret could not be removed from the {}; remove it by hand",
                deleted.secret_location
            )));
        }
    }
    Ok(())
}
