//! The setup wizard: state, and a pure update from keys and results to state and commands.

mod live_test;
mod save;
pub mod step;
mod view;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use self::step::Step;
use super::command::Command;
use super::msg::{Msg, Saved};
use super::scope_picker::{PickerFocus, ScopePicker};
use super::secret_field::SecretField;
use super::text_field::{Submit, TextField};
use crate::fields::{self, Field, Instance};
use crate::profile::ProfilesFile;
use crate::provider::Provider;
use crate::secret_store::SecretStoreKind;
use crate::token::{ClientAuth, TestFailure, TestOk, TokenRequest};

pub const GRANT_TYPES: [(&str, bool); 3] = [
    ("Client credentials", true),
    ("Authorization code (not supported yet)", false),
    ("Device code (not supported yet)", false),
];

#[derive(Debug)]
pub enum TestState {
    Idle,
    Running {
        attempt: u64,
    },
    Cancelled,
    Passed(Box<TestOk>),
    Failed {
        failure: Box<TestFailure>,
        confirm_unverified: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveFocus {
    Name,
    Default,
    Store,
}

#[derive(Debug)]
pub struct SaveForm {
    pub name: TextField,
    pub make_default: bool,
    pub store: SecretStoreKind,
    pub focus: SaveFocus,
    pub error: Option<String>,
    /// Why the keyring could not take the secret; the user may then pick the file store.
    pub keyring_problem: Option<String>,
    pub saving: bool,
    pub verified: bool,
}

/// Where the wizard wants to go when it is done with the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leave {
    /// Esc on the first step.
    Back,
    /// Finished after saving.
    Finished,
}

#[derive(Debug)]
pub struct Wizard {
    pub step: Step,
    pub provider: &'static Provider,
    pub provider_cursor: usize,
    pub instance: TextField,
    pub instance_value: Option<Instance>,
    pub grant_cursor: usize,
    pub grant_error: Option<String>,
    pub client_name: TextField,
    pub login: TextField,
    pub first_name: TextField,
    pub last_name: TextField,
    pub contact_focus: usize,
    pub email: TextField,
    pub scopes: ScopePicker,
    pub scope_values: Vec<String>,
    pub client_id: TextField,
    pub secret: SecretField,
    pub review_cursor: usize,
    /// Editing a step picked from the review: Enter returns to the review.
    pub from_review: bool,
    pub test: TestState,
    pub auth: ClientAuth,
    pub save: SaveForm,
    pub saved: Option<Saved>,
    pub leave: Option<Leave>,
    pub spinner: usize,
    existing: ProfilesFile,
    attempt: u64,
}

/// Values to start the wizard with (from `setup` options).
#[derive(Debug, Default, Clone)]
pub struct Prefill {
    pub provider: Option<String>,
    pub instance: Option<String>,
    pub client_name: Option<String>,
    pub login: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub scopes: Option<String>,
    pub client_id: Option<String>,
}

fn key_is(key: &KeyEvent, code: KeyCode) -> bool {
    key.code == code && !key.modifiers.contains(KeyModifiers::CONTROL)
}

impl Wizard {
    pub fn new(existing: ProfilesFile, prefill: &Prefill) -> Self {
        let provider = prefill
            .provider
            .as_deref()
            .and_then(Provider::get)
            .unwrap_or_else(|| &Provider::all()[0]);
        let provider_cursor = Provider::all()
            .iter()
            .position(|p| p.id == provider.id)
            .unwrap_or(0);
        let text = |label, v: &Option<String>| {
            TextField::new(label).with_value(v.as_deref().unwrap_or(""))
        };
        let mut scopes = ScopePicker::new(provider);
        if let Some(s) = &prefill.scopes {
            scopes.add_list(s);
        }
        Self {
            step: Step::Provider,
            provider,
            provider_cursor,
            instance: text("Instance URL", &prefill.instance),
            instance_value: None,
            grant_cursor: 0,
            grant_error: None,
            client_name: text("Name", &prefill.client_name),
            login: text("Login", &prefill.login),
            first_name: text("Contact first name", &prefill.first_name),
            last_name: text("Contact last name", &prefill.last_name),
            contact_focus: 0,
            email: text("Contact email", &prefill.email),
            scopes,
            scope_values: Vec::new(),
            client_id: text("Client id (Identifier)", &prefill.client_id),
            secret: SecretField::new("Client secret"),
            review_cursor: usize::MAX,
            from_review: false,
            test: TestState::Idle,
            auth: provider.default_client_auth,
            save: SaveForm {
                name: TextField::new("Profile name"),
                make_default: existing.default_profile.is_none(),
                store: SecretStoreKind::Keyring,
                focus: SaveFocus::Name,
                error: None,
                keyring_problem: None,
                saving: false,
                verified: false,
            },
            saved: None,
            leave: None,
            spinner: 0,
            existing,
            attempt: 0,
        }
    }

    /// Has the user typed anything that quitting would lose?
    pub fn is_dirty(&self) -> bool {
        self.saved.is_none()
            && (!self.instance.value().is_empty()
                || !self.client_id.value().is_empty()
                || !self.secret.is_empty()
                || !self.scopes.selected.is_empty())
    }

    /// Does the focused widget take text (so `?` is a character, not help)?
    pub fn typing(&self) -> bool {
        match self.step {
            Step::Instance
            | Step::ClientName
            | Step::Login
            | Step::Contact
            | Step::ContactEmail => true,
            Step::Scopes | Step::ClientId | Step::ClientSecret => true,
            Step::Save => self.save.focus == SaveFocus::Name,
            _ => false,
        }
    }

    pub fn is_busy(&self) -> bool {
        matches!(self.test, TestState::Running { .. }) || self.save.saving
    }

    fn go(&mut self, step: Step) -> Vec<Command> {
        if self.step == Step::ClientSecret && step != Step::ClientSecret {
            self.secret.hide();
        }
        self.step = step;
        match step {
            Step::Test => self.start_test(),
            Step::Save if self.save.name.value().is_empty() => {
                let name = self
                    .instance_value
                    .as_ref()
                    .map_or_else(|| "profile".into(), fields::derive_profile_name);
                self.save.name.set_value(&name);
                vec![]
            }
            _ => vec![],
        }
    }

    fn advance(&mut self) -> Vec<Command> {
        if self.from_review && self.step < Step::Review {
            self.from_review = false;
            return self.go(Step::Review);
        }
        self.go(self.step.next(self.provider))
    }

    fn back(&mut self) -> Vec<Command> {
        match self.step.prev(self.provider) {
            Some(prev) if self.step != Step::Done => self.go(prev),
            _ => {
                self.leave = Some(Leave::Back);
                vec![]
            }
        }
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Paste(text) => {
                self.on_paste(&text);
                vec![]
            }
            Msg::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                vec![]
            }
            Msg::TestDone { attempt, result } => {
                self.on_test_done(attempt, *result);
                vec![]
            }
            Msg::Saved(result) => {
                self.on_saved(result);
                vec![]
            }
            _ => vec![],
        }
    }

    fn on_paste(&mut self, text: &str) {
        match self.step {
            Step::Instance => self.instance.on_paste(text.trim()),
            Step::ClientName => self.client_name.on_paste(text.trim()),
            Step::Login => self.login.on_paste(text.trim()),
            Step::Contact if self.contact_focus == 0 => self.first_name.on_paste(text.trim()),
            Step::Contact => self.last_name.on_paste(text.trim()),
            Step::ContactEmail => self.email.on_paste(text.trim()),
            Step::Scopes => self.scopes.on_paste(text),
            Step::ClientId => self.client_id.on_paste(text.trim()),
            Step::ClientSecret => self.secret.on_paste(text),
            Step::Save if self.save.focus == SaveFocus::Name => {
                self.save.name.on_paste(text.trim())
            }
            _ => {}
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key_is(&key, KeyCode::Esc) {
            return self.on_esc();
        }
        match self.step {
            Step::Provider => self.on_provider_key(key),
            Step::GrantType => self.on_grant_key(key),
            Step::Contact => self.on_contact_key(key),
            Step::Scopes => self.on_scopes_key(key),
            Step::CreateClient if key_is(&key, KeyCode::Enter) => self.advance(),
            Step::ClientSecret => self.on_secret_key(key),
            Step::Review => self.on_review_key(key),
            Step::Test => self.on_test_key(key),
            Step::Save => self.on_save_key(key),
            Step::Done if key_is(&key, KeyCode::Enter) || key_is(&key, KeyCode::Char('q')) => {
                self.leave = Some(Leave::Finished);
                vec![]
            }
            Step::Instance
            | Step::ClientName
            | Step::Login
            | Step::ContactEmail
            | Step::ClientId => self.on_text_key(key),
            _ => vec![],
        }
    }

    fn on_esc(&mut self) -> Vec<Command> {
        match (&self.test, self.step) {
            (TestState::Running { .. }, _) => {
                self.test = TestState::Cancelled;
                vec![Command::CancelTest]
            }
            (
                TestState::Failed {
                    confirm_unverified: true,
                    ..
                },
                Step::Test,
            ) => {
                self.set_confirm(false);
                vec![]
            }
            (_, Step::Save) if self.save.saving => vec![],
            (_, Step::Done) => vec![],
            _ if self.from_review && self.step < Step::Review => {
                self.from_review = false;
                self.go(Step::Review)
            }
            _ => self.back(),
        }
    }

    fn focused_text(&mut self) -> Option<&mut TextField> {
        match self.step {
            Step::Instance => Some(&mut self.instance),
            Step::ClientName => Some(&mut self.client_name),
            Step::Login => Some(&mut self.login),
            Step::ContactEmail => Some(&mut self.email),
            Step::ClientId => Some(&mut self.client_id),
            _ => None,
        }
    }

    fn on_text_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key_is(&key, KeyCode::Enter) {
            return if self.submit_text() == Submit::Accept {
                self.advance()
            } else {
                vec![]
            };
        }
        if let Some(f) = self.focused_text() {
            f.on_key(key);
        }
        vec![]
    }

    /// Check the current text step with the core's rule for its field.
    fn submit_text(&mut self) -> Submit {
        let coupa = self.provider.id == "coupa";
        let no_warn =
            |r: Result<String, fields::FieldError>| r.map(|v| (v, vec![])).map_err(|e| e.message);
        match self.step {
            Step::Instance => {
                let verdict = fields::parse_instance_url(self.instance.value(), self.provider)
                    .map(|v| (v.value, v.warnings))
                    .map_err(|e| e.message);
                let (s, v) = self.instance.judge(verdict);
                if let Some(v) = v {
                    self.instance_value = Some(v);
                }
                s
            }
            Step::ClientName if !coupa && self.client_name.value().trim().is_empty() => {
                Submit::Accept
            }
            Step::ClientName => {
                let v = no_warn(fields::parse_client_name(self.client_name.value()));
                self.client_name.judge(v).0
            }
            Step::Login => {
                let instance = self
                    .instance_value
                    .as_ref()
                    .map(|i| i.url.clone())
                    .unwrap_or_default();
                let verdict = fields::parse_login(self.login.value()).and_then(|l| {
                    fields::check_login_unique(&l, &instance, self.existing.logins()).map(|()| l)
                });
                let v = no_warn(verdict);
                self.login.judge(v).0
            }
            Step::ContactEmail => {
                let v = no_warn(fields::parse_contact_email(self.email.value()));
                self.email.judge(v).0
            }
            Step::ClientId => {
                let v = no_warn(fields::parse_client_id(self.client_id.value()));
                self.client_id.judge(v).0
            }
            _ => Submit::Accept,
        }
    }

    fn on_provider_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let count = Provider::all().len();
        match key.code {
            KeyCode::Up => self.provider_cursor = self.provider_cursor.saturating_sub(1),
            KeyCode::Down => self.provider_cursor = (self.provider_cursor + 1).min(count - 1),
            KeyCode::Enter => {
                let chosen = &Provider::all()[self.provider_cursor];
                if chosen.id != self.provider.id {
                    self.provider = chosen;
                    self.auth = chosen.default_client_auth;
                    let kept = self.scopes.selected.join(" ");
                    self.scopes = ScopePicker::new(chosen);
                    self.scopes.add_list(&kept);
                    self.instance_value = None;
                }
                return self.advance();
            }
            _ => {}
        }
        vec![]
    }

    fn on_grant_key(&mut self, key: KeyEvent) -> Vec<Command> {
        match key.code {
            KeyCode::Up => self.grant_cursor = self.grant_cursor.saturating_sub(1),
            KeyCode::Down => self.grant_cursor = (self.grant_cursor + 1).min(GRANT_TYPES.len() - 1),
            KeyCode::Enter if GRANT_TYPES[self.grant_cursor].1 => {
                self.grant_error = None;
                return self.advance();
            }
            KeyCode::Enter => {
                self.grant_error = Some(
                    fields::parse_grant_type("authorization-code")
                        .map_or_else(|e| e.message, |_| String::new()),
                );
            }
            _ => {}
        }
        vec![]
    }

    fn on_contact_key(&mut self, key: KeyEvent) -> Vec<Command> {
        match key.code {
            KeyCode::Tab | KeyCode::BackTab => self.contact_focus = 1 - self.contact_focus,
            KeyCode::Enter => {
                let first =
                    fields::parse_contact_name(Field::ContactFirstName, self.first_name.value());
                let last =
                    fields::parse_contact_name(Field::ContactLastName, self.last_name.value());
                let a = self
                    .first_name
                    .judge(first.map(|v| (v, vec![])).map_err(|e| e.message))
                    .0;
                let b = self
                    .last_name
                    .judge(last.map(|v| (v, vec![])).map_err(|e| e.message))
                    .0;
                if a == Submit::Accept && b == Submit::Accept {
                    return self.advance();
                }
                self.contact_focus = usize::from(a == Submit::Accept);
            }
            _ if self.contact_focus == 0 => self.first_name.on_key(key),
            _ => self.last_name.on_key(key),
        }
        vec![]
    }

    fn on_scopes_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key_is(&key, KeyCode::Enter) && self.scopes.focus == PickerFocus::Filter {
            if let Some(v) = self.scopes.submit() {
                self.scope_values = v;
                return self.advance();
            }
            return vec![];
        }
        self.scopes.on_key(key);
        vec![]
    }

    fn on_secret_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key.code == KeyCode::Char('r') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.secret.toggle_reveal();
            return vec![];
        }
        if key_is(&key, KeyCode::Enter) {
            let verdict = self
                .secret
                .validated()
                .map(|v| ((), v.warnings))
                .map_err(|e| e.message);
            // The trimming notice is for pastes (shown as a receipt), not a reason to stop.
            let verdict = verdict.map(|(v, w)| {
                (
                    v,
                    w.into_iter().filter(|w| !w.contains("received")).collect(),
                )
            });
            if self.secret.field.judge(verdict).0 == Submit::Accept {
                return self.advance();
            }
            return vec![];
        }
        self.secret.on_key(key);
        vec![]
    }

    /// The review's rows: each names the step that sets it; the last row runs the test.
    pub fn review_rows(&self) -> Vec<(Step, String, String)> {
        let mut rows = vec![
            (
                Step::Provider,
                "Provider".into(),
                self.provider.display_name.clone(),
            ),
            (
                Step::Instance,
                "Instance".into(),
                self.instance_value
                    .as_ref()
                    .map(|i| format!("{} ({})", i.url, i.describe()))
                    .unwrap_or_default(),
            ),
            (
                Step::GrantType,
                "Grant type".into(),
                "client credentials".into(),
            ),
            (
                Step::ClientName,
                "Client name".into(),
                self.client_name.value().trim().to_string(),
            ),
        ];
        if Step::Login.applies(self.provider) {
            rows.push((
                Step::Login,
                "Login".into(),
                self.login.value().trim().to_string(),
            ));
            rows.push((
                Step::Contact,
                "Contact".into(),
                format!(
                    "{} {}",
                    self.first_name.value().trim(),
                    self.last_name.value().trim()
                ),
            ));
            rows.push((
                Step::ContactEmail,
                "Contact email".into(),
                self.email.value().trim().to_string(),
            ));
        }
        rows.push((Step::Scopes, "Scopes".into(), self.scope_values.join(" ")));
        rows.push((
            Step::ClientId,
            "Client id".into(),
            self.client_id.value().trim().to_string(),
        ));
        rows.push((
            Step::ClientSecret,
            "Client secret".into(),
            format!(
                "{} characters, hidden",
                self.secret.field.value().trim().chars().count()
            ),
        ));
        rows.push((Step::Test, "".into(), "Run the live test".into()));
        rows
    }

    fn on_review_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let rows = self.review_rows();
        let cursor = self.review_cursor.min(rows.len() - 1);
        match key.code {
            KeyCode::Up => self.review_cursor = cursor.saturating_sub(1),
            KeyCode::Down => self.review_cursor = (cursor + 1).min(rows.len() - 1),
            KeyCode::Enter => {
                let target = rows[cursor].0;
                if target == Step::Test {
                    return self.go(Step::Test);
                }
                self.from_review = true;
                self.review_cursor = cursor;
                return self.go(target);
            }
            _ => {}
        }
        vec![]
    }

    fn request(&self) -> Option<TokenRequest> {
        Some(TokenRequest {
            token_url: self.instance_value.as_ref()?.token_url.clone(),
            client_id: fields::parse_client_id(self.client_id.value()).ok()?,
            secret: self.secret.validated().ok()?.value,
            scopes: self.scope_values.clone(),
            auth: self.auth,
        })
    }
}
