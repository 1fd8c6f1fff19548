//! The save step: profile name, default, secret store, and what came of saving.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::step::Step;
use super::{KeyringCheck, SaveFocus, TestState, Wizard};
use crate::account::{AccountError, NewProfile, Saved};
use crate::fields::{self, Validated};
use crate::profile::Verdict;
use crate::secret_store::{SecretStoreKind, StoreError};
use crate::tui::command::Command;

impl Wizard {
    pub(super) fn on_save_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if self.save.saving {
            return vec![];
        }
        let form = &mut self.save;
        match key.code {
            KeyCode::Tab => {
                form.focus = match form.focus {
                    SaveFocus::Name => SaveFocus::Default,
                    SaveFocus::Default => SaveFocus::Store,
                    SaveFocus::Store => SaveFocus::Name,
                };
            }
            KeyCode::BackTab => {
                form.focus = match form.focus {
                    SaveFocus::Name => SaveFocus::Store,
                    SaveFocus::Default => SaveFocus::Name,
                    SaveFocus::Store => SaveFocus::Default,
                };
            }
            KeyCode::Char(' ') if form.focus == SaveFocus::Default => {
                form.make_default = !form.make_default;
            }
            KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right
                if form.focus == SaveFocus::Store =>
            {
                form.store = match form.store {
                    SecretStoreKind::Keyring => SecretStoreKind::File,
                    // The app offers the local stores (Vault: setup --secret-store vault).
                    SecretStoreKind::File | SecretStoreKind::Vault | SecretStoreKind::Command => {
                        SecretStoreKind::Keyring
                    }
                };
                form.store_chosen = true;
                form.error = None;
            }
            KeyCode::Enter => return self.submit_save(),
            _ if form.focus == SaveFocus::Name => form.name.on_key(key),
            _ => {}
        }
        vec![]
    }

    /// What the live test said, as the profile records it.
    pub fn verdict(&self) -> Verdict {
        match &self.test {
            TestState::Failed { failure, .. } => {
                Verdict::Failed(failure.failure.summary(&self.diagnosis_context()))
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
            store: self.save.store,
            vault: None,
            command: None,
            verdict: self.verdict(),
            make_default: self.save.make_default,
        };
        vec![Command::Save {
            new: Box::new(new),
            secret,
            session,
        }]
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
