//! The save step: profile name, default, secret store, and what came of saving.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::step::Step;
use super::{KeyringCheck, Preflight, SaveFocus, TestState, Wizard};
use crate::account::{AccountError, NewProfile, Saved};
use crate::fields::{self, Validated};
use crate::profile::Verdict;
use crate::secret_store::command::{self, CommandStore};
use crate::secret_store::{SecretLocation, SecretStoreKind, StoreError};
use crate::tui::command::Command;
use crate::tui::text_field::TextField;
use crate::vault::{LocationError, VaultGiven, VaultLocation};

impl Wizard {
    pub(super) fn on_save_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if self.save.saving {
            return vec![];
        }
        let form = &mut self.save;
        let has_place = matches!(
            form.store,
            SecretStoreKind::Vault | SecretStoreKind::Command
        );
        match key.code {
            KeyCode::Tab => {
                form.focus = match form.focus {
                    SaveFocus::Name => SaveFocus::Default,
                    SaveFocus::Default => SaveFocus::Store,
                    SaveFocus::Store if has_place => SaveFocus::Where,
                    SaveFocus::Store | SaveFocus::Where => SaveFocus::Name,
                };
            }
            KeyCode::BackTab => {
                form.focus = match form.focus {
                    SaveFocus::Name if has_place => SaveFocus::Where,
                    SaveFocus::Name => SaveFocus::Store,
                    SaveFocus::Default => SaveFocus::Name,
                    SaveFocus::Store => SaveFocus::Default,
                    SaveFocus::Where => SaveFocus::Store,
                };
            }
            KeyCode::Char(' ') if form.focus == SaveFocus::Default => {
                form.make_default = !form.make_default;
            }
            KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right
                if form.focus == SaveFocus::Store =>
            {
                let back = key.code == KeyCode::Left;
                form.store = next_store(form.store, back);
                form.store_chosen = true;
                form.error = None;
                form.preflight = Preflight::NotYet;
                form.place = match form.store {
                    SecretStoreKind::Command => {
                        TextField::new("Command that prints the secret (e.g. pass show coupa/acme)")
                    }
                    _ => TextField::new("Vault address")
                        .with_value(form.vault_env.addr.as_deref().unwrap_or_default()),
                };
            }
            KeyCode::Enter => return self.submit_save(),
            _ if form.focus == SaveFocus::Name => form.name.on_key(key),
            _ if form.focus == SaveFocus::Where => {
                form.place.on_key(key);
                form.preflight = Preflight::NotYet;
            }
            _ => {}
        }
        vec![]
    }

    /// What the live test said, as the profile records it.
    pub fn verdict(&self) -> Verdict {
        match &self.test {
            TestState::Failed { failure, .. } => {
                Verdict::of_test(failure, &self.diagnosis_context())
            }
            _ => Verdict::Passed,
        }
    }

    fn profile_name(&mut self) -> Option<String> {
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

    fn submit_save(&mut self) -> Vec<Command> {
        let Some(name) = self.profile_name() else {
            return vec![];
        };
        let Some(location) = self.place(&name) else {
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
        let account = self.draft.account(self.provider, self.auth);
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
        self.save.saving = true;
        self.save.error = None;
        let new = NewProfile {
            name,
            account,
            secret: location,
            verdict: self.verdict(),
            make_default: self.save.make_default,
        };
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
        match self.save.store {
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
                if !self.save.store_chosen {
                    self.save.store = SecretStoreKind::File;
                }
                KeyringCheck::Unusable(e.plain())
            }
        };
    }

    pub(super) fn on_saved(&mut self, result: Result<Saved, AccountError>) {
        self.save.saving = false;
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
            Err(e) => self.save.error = Some(e),
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
