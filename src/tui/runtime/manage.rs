//! The profile commands of the app (show, edit, rename, copy, make default), each run by its
//! use case on the blocking pool.

use super::Executor;
use crate::flows::manage::{self, CopySecret};
use crate::rules::secret::ClientSecret;
use crate::session::Session;
use crate::stores::account::{AccountError, Accounts, NewProfile, Saved};
use crate::stores::profile::Profile;
use crate::tui::command::Command;
use crate::tui::msg::Msg;

impl Executor {
    pub(super) fn manage(&self, cmd: Command) {
        let accounts = self.deps.accounts.clone();
        match cmd {
            Command::Describe { name } => self.reply_blocking(move || {
                let info = accounts
                    .load()
                    .ok()
                    .and_then(|f| crate::flows::show::gather(&accounts, &f, &name));
                Msg::Described(Box::new(info))
            }),
            Command::ReadForEdit { name } => self.reply_blocking(move || {
                // Afresh: another process may have changed it since the view was drawn.
                let profile = accounts.load().ok().and_then(|f| f.get(&name).cloned());
                let secret = match &profile {
                    Some(p) if p.has_secret() => accounts.client_secret(p).map(Some),
                    _ => Ok(None),
                };
                Msg::EditReady {
                    name,
                    profile: profile.map(Box::new),
                    secret,
                }
            }),
            Command::SaveEdit {
                name,
                before,
                new,
                secret,
                session,
            } => self.reply_blocking(move || {
                Msg::Saved(save_edit(
                    &accounts,
                    &name,
                    &before,
                    &new,
                    secret,
                    session.as_deref(),
                ))
            }),
            Command::Rename { from, to } => self.reply_blocking(move || Msg::Renamed {
                result: manage::rename(&accounts, &from, &to).map(|(to, _)| to),
                from,
            }),
            Command::Copy { from, to, share } => self.reply_blocking(move || {
                let how = if share {
                    CopySecret::Share
                } else {
                    CopySecret::Own
                };
                Msg::Copied {
                    result: manage::copy(&accounts, &from, &to, &how),
                    from,
                }
            }),
            Command::MakeDefault { name } => self.reply_blocking(move || Msg::DefaultMade {
                result: manage::make_default(&accounts, &name).map(|_| ()),
                name,
            }),
            _ => {}
        }
    }
}

/// An edit from the app, saved by the use case setup's edit uses too.
fn save_edit(
    accounts: &Accounts,
    name: &str,
    before: &Profile,
    new: &NewProfile,
    secret: Option<ClientSecret>,
    session: Option<&Session>,
) -> Result<Saved, AccountError> {
    let plan = manage::plan_edit(name, before, new, secret);
    let done = manage::save_edit(accounts, plan, &new.verdict, session, new.make_default)?;
    Ok(Saved {
        name: name.to_string(),
        profiles_path: accounts.profiles().path().display().to_string(),
        secret_location: done.secret_location,
    })
}
