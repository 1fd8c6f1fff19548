//! The last step of `edit`: the checked (and, where needed, tested) profile written over the
//! saved one through the edit use case.

use super::EditOf;
use crate::cli::commands::{CmdError, Ctx, manage as words};
use crate::flows::manage::{self, Change};
use crate::rules::secret::ClientSecret;
use crate::session::Session;
use crate::stores::account::NewProfile;

/// Write the edit (setup's last step for [`Target::Edit`]).
pub(in crate::cli::commands) fn save_edit(
    ctx: &Ctx,
    new: &NewProfile,
    secret: Option<&ClientSecret>,
    session: Option<&Session>,
    next: &[String],
    edit: &EditOf,
) -> Result<(), CmdError> {
    let given = edit.given_secret.then(|| secret.cloned()).flatten();
    let plan = manage::plan_edit(&new.name, &edit.before, new, given);
    let moved = plan.changes.contains(&Change::SecretStore);
    let done = manage::save_edit(&ctx.accounts, plan, &new.verdict, session, new.make_default)
        .map_err(|e| words::error(ctx, e.into(), &new.name))?;
    crate::say!("{} profile {}", ctx.style.ok("saved:"), new.name);
    if moved || edit.given_secret {
        words::say_secret(&done);
    }
    if !next.is_empty() {
        crate::say!("next:");
        for line in next {
            crate::say!("  {line}");
        }
    }
    Ok(())
}
