//! The save step: profile name, default, secret store, and what came of saving.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::step::Step;
use super::{SaveFocus, TestState, Wizard};
use crate::fields;
use crate::profile::{Profile, Verification, new_secret_ref};
use crate::secret_store::SecretStoreKind;
use crate::timestamp;
use crate::tui::command::Command;
use crate::tui::msg::{KEYRING_PREFIX, Saved};
use crate::tui::text_field::TextField;

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
                form.make_default = !form.make_default
            }
            KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right
                if form.focus == SaveFocus::Store =>
            {
                form.store = match form.store {
                    SecretStoreKind::Keyring => SecretStoreKind::File,
                    SecretStoreKind::File => SecretStoreKind::Keyring,
                };
                form.error = None;
            }
            KeyCode::Enter => return self.submit_save(),
            _ if form.focus == SaveFocus::Name => form.name.on_key(key),
            _ => {}
        }
        vec![]
    }

    fn submit_save(&mut self) -> Vec<Command> {
        let name = match fields::parse_profile_name(self.save.name.value()) {
            Ok(n) if self.existing.profiles.contains_key(&n) => {
                self.save.name.error = Some(format!("\"{n}\" already exists; choose another name"));
                self.save.focus = SaveFocus::Name;
                return vec![];
            }
            Ok(n) => n,
            Err(e) => {
                self.save.name.error = Some(e.message);
                self.save.focus = SaveFocus::Name;
                return vec![];
            }
        };
        let (Some(request), Some(instance)) = (self.request(), self.instance_value.clone()) else {
            self.save.error = Some("a field is missing; go back to the review".into());
            return vec![];
        };
        let optional = |f: &TextField| Some(f.value().trim().to_string()).filter(|s| !s.is_empty());
        let coupa = Step::Login.applies(self.provider);
        let result = match &self.test {
            TestState::Failed { failure, .. } => {
                format!(
                    "{} (saved unverified)",
                    failure.failure.summary(&self.diagnosis_context())
                )
            }
            _ => "ok".into(),
        };
        let profile = Profile {
            provider: self.provider.id.clone(),
            instance_url: instance.url,
            token_url: instance.token_url,
            grant_type: "client_credentials".into(),
            client_id: request.client_id,
            client_auth: self.auth,
            scopes: self.scope_values.clone(),
            client_name: optional(&self.client_name),
            login: if coupa { optional(&self.login) } else { None },
            contact_first_name: if coupa {
                optional(&self.first_name)
            } else {
                None
            },
            contact_last_name: if coupa {
                optional(&self.last_name)
            } else {
                None
            },
            contact_email: if coupa { optional(&self.email) } else { None },
            secret_store: self.save.store,
            secret_ref: new_secret_ref(&name),
            created_at: timestamp::now(),
            secret_rotated_at: None,
            last_verification: Some(Verification {
                at: timestamp::now(),
                ok: self.save.verified,
                result,
            }),
        };
        self.save.saving = true;
        self.save.error = None;
        vec![Command::Save {
            name,
            profile: Box::new(profile),
            secret: request.secret,
            make_default: self.save.make_default,
        }]
    }

    pub(super) fn on_saved(&mut self, result: Result<Saved, String>) {
        self.save.saving = false;
        match result {
            Ok(saved) => {
                self.saved = Some(saved);
                self.secret.clear();
                self.step = Step::Done;
            }
            Err(e) => match e.strip_prefix(KEYRING_PREFIX) {
                Some(why) => {
                    self.save.keyring_problem = Some(why.to_string());
                    self.save.focus = SaveFocus::Store;
                }
                None => self.save.error = Some(e),
            },
        }
    }
}
