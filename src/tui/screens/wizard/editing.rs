//! The wizard as the app's edit of a saved profile: every step filled in from the profile and
//! taken as given, so it opens on the review; a change the server does not see is saved
//! without a test, and the save writes over the profile through the edit use case.

use super::step::Step;
use super::{Client, Prefill, SaveFocus, StoreChoice, Wizard};
use crate::flows::manage;
use crate::rules::secret::ClientSecret;
use crate::stores::account::NewProfile;
use crate::stores::profile::{Profile, ProfilesFile, Verdict};
use crate::stores::secret_store::SecretLocation;
use crate::stores::vault::VaultEnv;
use crate::tui::widgets::text_field::TextField;

/// The profile an edit started from.
#[derive(Debug)]
pub struct Editing {
    pub name: String,
    pub before: Profile,
    /// The stored secret, read when the edit opened (`None`: public, or unreadable).
    pub original: Option<ClientSecret>,
}

impl Wizard {
    /// The wizard over `name`'s saved profile, with its stored secret when it could be read.
    pub fn edit(
        mut existing: ProfilesFile,
        name: &str,
        before: Profile,
        secret: Option<ClientSecret>,
        vault_env: VaultEnv,
    ) -> Self {
        let is_default = existing.default_profile.as_deref() == Some(name);
        // The other profiles: the name and the login are checked against them only.
        existing.profiles.remove(name);
        let prefill = prefill_of(&before);
        let mut w = Self::build(existing, &prefill, vault_env);
        // The client exists: its form is not asked again, and keeps the profile's values.
        w.client = Client::Exists;
        w.draft.form = crate::stores::profile::ClientForm {
            name: before.client_name.clone(),
            login: before.login.clone(),
            contact_first_name: before.contact_first_name.clone(),
            contact_last_name: before.contact_last_name.clone(),
            contact_email: before.contact_email.clone(),
        };
        if before.has_secret() {
            w.auth = before.client_auth;
        } else {
            w.draft.public = true;
        }
        if let Some(s) = &secret {
            w.secret.revert(Some(s));
        }
        w.save.name =
            TextField::new("Profile name (n renames it in the profile's view)").with_value(name);
        w.save.make_default = is_default;
        w.save.store = StoreChoice::Chosen(before.secret.kind());
        w.save.focus = SaveFocus::Default;
        match &before.secret {
            SecretLocation::Vault(at) => w.save.place = w.save.place.clone().with_value(&at.addr),
            SecretLocation::Command(c) => {
                w.save.place = TextField::new("Command that prints the secret").with_value(&c.read);
            }
            SecretLocation::Keyring | SecretLocation::File => {}
        }
        let secret_known = secret.is_some() || !before.has_secret();
        w.editing = Some(Box::new(Editing {
            name: name.to_string(),
            before,
            original: secret,
        }));
        w.skip_given(&prefill, secret_known);
        w
    }

    pub fn is_edit(&self) -> bool {
        self.editing.is_some()
    }

    /// The account as it would be saved, with the endpoints and redirect URIs the profile had
    /// (the wizard has no step for them).
    pub(super) fn edited_account(&self) -> Option<crate::stores::profile::NewAccount> {
        let mut account = self.draft.account(self.provider, self.auth)?;
        if let Some(e) = &self.editing {
            if let (Some(g), Some(old)) = (account.user_grant.as_mut(), &e.before.user_grant) {
                g.redirect_uris.clone_from(&old.redirect_uris);
            }
            manage::keep_endpoints(&e.before, &mut account);
        }
        Some(account)
    }

    /// The secret typed in the edit when it differs from the stored one.
    pub(super) fn new_secret(&self) -> Option<ClientSecret> {
        let e = self.editing.as_ref()?;
        let typed = self.draft.secret.clone()?;
        (e.original.as_ref() != Some(&typed)).then_some(typed)
    }

    /// The edit as it stands (the store as the profile has it: where the secret goes does
    /// not change what is tested); `None` outside an edit or before every value is accepted.
    fn edit_plan(&self) -> Option<manage::EditPlan> {
        let e = self.editing.as_ref()?;
        let new = NewProfile {
            name: e.name.clone(),
            account: self.edited_account()?,
            secret: e.before.secret.clone(),
            verdict: Verdict::Untested,
            make_default: false,
        };
        Some(manage::plan_edit(
            &e.name,
            &e.before,
            &new,
            self.new_secret(),
        ))
    }

    /// Whether the edit as it stands changes what the server sees (or the secret), so the
    /// live test runs before the save; `None` outside an edit.
    pub fn edit_needs_test(&self) -> Option<bool> {
        self.edit_plan().map(|p| p.needs_test)
    }

    /// Whether anything differs from the saved profile (what leaving would lose).
    pub(super) fn edit_changes(&self) -> bool {
        self.editing.is_some() && self.edit_plan().is_none_or(|p| !p.changes.is_empty())
    }

    /// After a passed test of an edit: the scopes it adds that the server did not grant (the
    /// edit is then refused unless saved unverified, as on the command line).
    pub fn refused_additions(&self) -> Vec<String> {
        match (&self.editing, &self.test) {
            (Some(e), super::TestState::Passed(ok)) => {
                manage::refused_additions(&e.before.scopes, self.draft.scopes(), &ok.not_granted)
            }
            _ => Vec::new(),
        }
    }

    /// Whether the review's last row saves at once (an edit nothing the server sees changed).
    pub fn saves_untested(&self) -> bool {
        self.edit_needs_test() == Some(false)
    }

    /// The store the edit keeps when the save step still shows the profile's: its location as
    /// it was (mount, path and namespace included), not one built from the address anew.
    pub(super) fn kept_location(&self) -> Option<SecretLocation> {
        let e = self.editing.as_ref()?;
        let value = self.save.place.value().trim();
        let same = match &e.before.secret {
            SecretLocation::Vault(at) => at.addr == value,
            SecretLocation::Command(c) => c.read == value,
            SecretLocation::Keyring | SecretLocation::File => true,
        };
        (same && self.save.store.kind() == e.before.secret.kind()).then(|| e.before.secret.clone())
    }

    /// Steps taken as given in an edit: each value comes from the profile.
    pub(super) fn edit_skips(&self) -> bool {
        self.editing.is_some() && self.step == Step::Instance
    }
}

/// The profile's values, as `setup` options would give them.
fn prefill_of(p: &Profile) -> Prefill {
    let some = |v: &Option<String>| Some(v.clone().unwrap_or_default());
    Prefill {
        provider: Some(p.provider.clone()),
        instance: Some(p.instance_input()),
        client_name: some(&p.client_name),
        login: some(&p.login),
        first_name: some(&p.contact_first_name),
        last_name: some(&p.contact_last_name),
        email: some(&p.contact_email),
        scopes: Some(p.scopes.join(" ")),
        client_id: Some(p.client_id.clone()),
        grant: Some(p.grant_type.flag_value().to_string()),
    }
}
