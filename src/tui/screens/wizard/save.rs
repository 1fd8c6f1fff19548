//! The save step: profile name, default, secret store, and what came of saving.

use ratatui::crossterm::event::KeyEvent;

use super::step::Step;
use super::{KeyringCheck, Preflight, SaveFocus, SavePhase, StoreChoice, Wizard};
use crate::rules::fields::{self, Validated};
use crate::stores::account::{AccountError, NewProfile, Saved};
use crate::stores::profile::Verdict;
use crate::stores::secret_store::command::{self, CommandStore};
use crate::stores::secret_store::{SecretLocation, SecretStoreKind, StoreError};
use crate::stores::vault::{LocationError, VaultGiven, VaultLocation};
use crate::tui::command::Command;
use crate::tui::widgets::text_field::TextField;

impl Wizard {
    /// Tab (or BackTab): the next (or previous) option of the form.
    pub(super) fn save_focus(&mut self, forward: bool) {
        const ORDER: [SaveFocus; 4] = [
            SaveFocus::Name,
            SaveFocus::Default,
            SaveFocus::Store,
            SaveFocus::Where,
        ];
        // The place is asked for only for Vault and a password manager; an edit keeps its name
        // (renaming is the profile view's).
        let first = usize::from(self.is_edit());
        let order = &ORDER[first..if self.save.has_place() { 4 } else { 3 }];
        let n = order.len();
        let i = order
            .iter()
            .position(|f| *f == self.save.focus)
            .unwrap_or(0);
        let i = if forward { i + 1 } else { i + n - 1 };
        self.save.focus = order[i % n];
    }

    /// Space or → goes down the list of stores, ← up it; the user's choice then stands.
    pub(super) fn switch_store(&mut self, back: bool) {
        let form = &mut self.save;
        let store = next_store(form.store.kind(), back);
        form.store = StoreChoice::Chosen(store);
        form.phase = SavePhase::Editing;
        form.preflight = Preflight::NotYet;
        form.place = match store {
            SecretStoreKind::Command => {
                TextField::new("Command that prints the secret (e.g. pass show coupa/acme)")
            }
            _ => TextField::new("Vault address")
                .with_value(form.vault_env.addr.as_deref().unwrap_or_default()),
        };
    }

    pub(super) fn type_save_key(&mut self, key: KeyEvent) {
        if self.save.saving() {
            return;
        }
        match self.save.focus {
            SaveFocus::Name if self.is_edit() => {}
            SaveFocus::Name => self.save.name.on_key(key),
            SaveFocus::Where => {
                self.save.place.on_key(key);
                self.save.preflight = Preflight::NotYet;
            }
            SaveFocus::Default | SaveFocus::Store => {}
        }
    }

    /// What the live test said, as the profile records it.
    pub fn verdict(&self) -> Verdict {
        if self.saves_untested() {
            return Verdict::Untested;
        }
        let refused = self.refused_additions();
        if !refused.is_empty() {
            return Verdict::Failed(format!("the server did not grant {}", refused.join(" ")));
        }
        match self.test.failure() {
            Some(failure) => Verdict::of_test(failure, &self.diagnosis_context()),
            None => Verdict::Passed,
        }
    }

    fn profile_name(&mut self) -> Option<String> {
        if let Some(e) = &self.editing {
            return Some(e.name.clone());
        }
        let verdict = fields::parse_profile_name(self.save.name.value()).and_then(|n| {
            if self.existing.profiles.contains_key(&n) {
                Err(fields::FieldError::new(
                    fields::Field::Profile,
                    format!("\"{n}\" already exists; choose another name"),
                ))
            } else {
                Ok(Validated::ok(n))
            }
        });
        let name = self.save.name.judge(verdict);
        if name.is_none() {
            self.save.focus = SaveFocus::Name;
        }
        name
    }

    pub(super) fn submit_save(&mut self) -> Vec<Command> {
        let Some(name) = self.profile_name() else {
            return vec![];
        };
        let Some(location) = self.kept_location().or_else(|| self.place(&name)) else {
            return vec![];
        };
        // Vault is checked before the first write, and the result shown.
        if let Some(at) = location.vault()
            && !matches!(self.save.preflight, Preflight::Passed)
        {
            self.attempt += 1;
            self.save.preflight = Preflight::Checking(self.attempt);
            return vec![Command::CheckVault {
                attempt: self.attempt,
                at: at.clone(),
            }];
        }
        let account = self.edited_account();
        let secret = match self.draft.is_public() {
            true => Some(None),
            false => self.draft.secret.clone().map(Some),
        };
        let (Some(account), Some(secret)) = (account, secret) else {
            // Unreachable through the steps, which accept every value before the save.
            self.step = Step::Review;
            return vec![];
        };
        let session = self
            .sign_in
            .as_ref()
            .and_then(|p| p.session())
            .map(Box::new);
        self.save.phase = SavePhase::Saving;
        let new = NewProfile {
            name,
            account,
            secret: location,
            verdict: self.verdict(),
            make_default: self.save.make_default,
        };
        if let Some(e) = &self.editing {
            return vec![Command::SaveEdit {
                name: e.name.clone(),
                before: Box::new(e.before.clone()),
                new: Box::new(new),
                secret: self.new_secret(),
                session,
            }];
        }
        vec![Command::Save {
            new: Box::new(new),
            secret,
            session,
        }]
    }

    /// Where the secret goes: the store chosen, with the Vault location or the password
    /// manager's command checked; `None` when the field is refused, with its message.
    fn place(&mut self, name: &str) -> Option<SecretLocation> {
        let value = self.save.place.value().trim().to_string();
        let refuse = |form: &mut super::SaveForm, why: String| {
            form.place.error = Some(why);
            form.focus = SaveFocus::Where;
            None
        };
        match self.save.store.kind() {
            SecretStoreKind::Vault => {
                let given = VaultGiven {
                    addr: Some(value),
                    ..VaultGiven::default()
                };
                match VaultLocation::resolve(given, &self.save.vault_env, name) {
                    Ok(at) => Some(SecretLocation::Vault(at)),
                    Err(LocationError::NoAddress) => refuse(
                        &mut self.save,
                        "enter the Vault address (or set BAO_ADDR or VAULT_ADDR before starting)"
                            .into(),
                    ),
                    Err(LocationError::Invalid(e)) => refuse(&mut self.save, e.message),
                }
            }
            SecretStoreKind::Command => match command::split(&value) {
                Ok(_) => Some(SecretLocation::Command(CommandStore {
                    read: value,
                    write: None,
                })),
                Err(e) => refuse(&mut self.save, e.to_string()),
            },
            SecretStoreKind::Keyring => Some(SecretLocation::Keyring),
            SecretStoreKind::File => Some(SecretLocation::File),
        }
    }

    pub(super) fn on_vault_checked(
        &mut self,
        attempt: u64,
        result: Result<(), StoreError>,
    ) -> Vec<Command> {
        if !matches!(self.save.preflight, Preflight::Checking(a) if a == attempt) {
            return vec![];
        }
        match result {
            Ok(()) => {
                self.save.preflight = Preflight::Passed;
                self.submit_save()
            }
            Err(e) => {
                self.save.preflight = Preflight::Failed(e);
                vec![]
            }
        }
    }

    /// The keyring check came back: when the keyring cannot be used and the user has not picked
    /// a store, the file store is pre-selected, with the reason.
    pub(super) fn on_keyring_probed(&mut self, problem: Option<StoreError>) {
        self.save.keyring = match problem {
            None => KeyringCheck::Usable,
            Some(e) => {
                if let StoreChoice::Suggested(_) = self.save.store {
                    self.save.store = StoreChoice::Suggested(SecretStoreKind::File);
                }
                KeyringCheck::Unusable(e)
            }
        };
    }

    pub(super) fn on_saved(&mut self, result: Result<Saved, AccountError>) {
        self.save.phase = SavePhase::Editing;
        match result {
            Ok(saved) => {
                self.saved = Some(saved);
                self.secret.clear();
                self.draft.forget_secret();
                self.step = Step::Done;
            }
            Err(e) if e.keyring_problem().is_some() => {
                self.save.keyring_problem = Some(e);
                self.save.focus = SaveFocus::Store;
            }
            Err(e) => self.save.phase = SavePhase::Failed(e),
        }
    }
}

/// Space and → go down the list of stores, ← up it.
fn next_store(store: SecretStoreKind, back: bool) -> SecretStoreKind {
    const ORDER: [SecretStoreKind; 4] = [
        SecretStoreKind::Keyring,
        SecretStoreKind::File,
        SecretStoreKind::Vault,
        SecretStoreKind::Command,
    ];
    let i = ORDER.iter().position(|s| *s == store).unwrap_or(0);
    let n = ORDER.len();
    ORDER[if back { (i + n - 1) % n } else { (i + 1) % n }]
}
