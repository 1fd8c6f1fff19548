//! The setup wizard: state, and a pure update from keys and results to state and commands.

mod discover_step;
mod draft;
mod editing;
mod entry;
mod keys;
mod live_test;
mod review;
mod save;
mod save_view;
mod sign_in_step;
pub mod state;
pub mod step;
mod view;

pub use self::draft::Draft;
pub use self::editing::Editing;
pub use self::state::{
    After, Client, ContactFocus, InstanceNote, KeyringCheck, Prefill, Preflight, SaveFocus,
    SaveForm, SavePhase, StoreChoice, TestState,
};
use self::step::Step;
use crate::protocol::token::ClientAuth;
use crate::rules::fields::{self, FieldError};
use crate::rules::provider::Provider;
use crate::stores::account::Saved;
use crate::stores::profile::ProfilesFile;
use crate::stores::vault::VaultEnv;
use crate::tui::command::{Command, Outcome};
use crate::tui::msg::Msg;
use crate::tui::widgets::scope_picker::ScopePicker;
use crate::tui::widgets::scroll::Scroll;
use crate::tui::widgets::secret_field::SecretField;
use crate::tui::widgets::sign_in_panel::SignInPanel;
use crate::tui::widgets::text_field::TextField;

#[derive(Debug)]
pub struct Wizard {
    pub step: Step,
    pub provider: &'static Provider,
    pub provider_cursor: usize,
    pub instance: TextField,
    /// The metadata read that is under way (its attempt).
    pub discovering: Option<u64>,
    /// What became of the address given (read as an issuer, or taken as the token URL).
    pub instance_note: Option<InstanceNote>,
    pub grant_cursor: usize,
    pub grant_error: Option<FieldError>,
    pub client: Client,
    pub client_name: TextField,
    pub login: TextField,
    pub first_name: TextField,
    pub last_name: TextField,
    pub contact_focus: ContactFocus,
    pub email: TextField,
    pub scopes: ScopePicker,
    /// The refresh scope the wizard selected for a user grant (taken back if the grant changes).
    auto_scope: Option<String>,
    pub client_id: TextField,
    pub secret: SecretField,
    /// The review row the cursor is on, named by the step it edits (`Step::Test` runs the test).
    pub review_at: Step,
    /// Where Enter leads from a step that was picked from the review.
    pub after: After,
    /// Every accepted value; review, test and save read only this.
    pub draft: Draft,
    pub test: TestState,
    /// The sign-in of a user grant (its proof step).
    pub sign_in: Option<SignInPanel>,
    pub auth: ClientAuth,
    pub save: SaveForm,
    pub saved: Option<Saved>,
    /// Where a step whose text is taller than the screen (the checklist, the grant's notes) is
    /// scrolled to; PgUp and PgDn are offered and act only while it overflows. Back to the top
    /// on every step change.
    pub(super) body: Scroll,
    /// Steps whose values came with the command and are not yet taken: each is taken as if
    /// Enter was pressed when the wizard reaches it, wherever that is.
    given: Vec<Step>,
    /// An edit of a saved profile: what it was, and its stored secret.
    pub editing: Option<Box<Editing>>,
    existing: ProfilesFile,
    attempt: u64,
}

/// The client id field's title for `provider`: its own name for it, where it has one.
fn client_id_title(provider: &'static Provider) -> &'static str {
    provider
        .help
        .client_id_title
        .as_deref()
        .unwrap_or("Client id")
}

impl Wizard {
    pub fn new(existing: ProfilesFile, prefill: &Prefill, vault_env: VaultEnv) -> Self {
        let mut wizard = Self::build(existing, prefill, vault_env);
        wizard.skip_given(prefill, false);
        wizard
    }

    /// The wizard with `prefill` in its fields, on its first step.
    fn build(existing: ProfilesFile, prefill: &Prefill, vault_env: VaultEnv) -> Self {
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
            discovering: None,
            instance_note: None,
            grant_cursor: 0,
            grant_error: None,
            client: Client::ToCreate,
            client_name: text("Name", &prefill.client_name),
            login: text("Login", &prefill.login),
            first_name: text("Contact first name", &prefill.first_name),
            last_name: text("Contact last name", &prefill.last_name),
            contact_focus: ContactFocus::First,
            email: text("Contact email", &prefill.email),
            scopes,
            auto_scope: None,
            client_id: text(client_id_title(provider), &prefill.client_id),
            secret: SecretField::new("Client secret"),
            review_at: Step::Test,
            after: After::Next,
            draft: Draft::default(),
            test: TestState::Idle,
            sign_in: None,
            auth: provider.default_client_auth,
            save: SaveForm::new(existing.default_profile.is_none(), vault_env),
            saved: None,
            body: Scroll::new(0),
            given: Vec::new(),
            editing: None,
            existing,
            attempt: 0,
        }
    }

    /// Steps whose values came with the command (`setup --provider ... --instance ...`) are
    /// accepted as if Enter was pressed, up to the first that is missing or refused, which then
    /// shows its message. `secret`: the secret is known too (an edit read it from its store).
    fn skip_given(&mut self, prefill: &Prefill, secret: bool) {
        // The given grant is the one chosen, even when an earlier step stops the skipping.
        if let Some(i) = prefill.grant.as_deref().and_then(|g| {
            let g = fields::parse_grant_type(g).ok()?;
            self.grants().iter().position(|x| *x == g)
        }) {
            self.grant_cursor = i;
        }
        let known_provider = prefill
            .provider
            .as_deref()
            .and_then(Provider::get)
            .is_some();
        self.given = [
            (Step::Provider, known_provider),
            (Step::Instance, prefill.instance.is_some()),
            (Step::GrantType, prefill.grant.is_some()),
            (Step::ClientName, prefill.client_name.is_some()),
            (Step::Login, prefill.login.is_some()),
            (
                Step::Contact,
                prefill.first_name.is_some() && prefill.last_name.is_some(),
            ),
            (Step::ContactEmail, prefill.email.is_some()),
            (Step::Scopes, prefill.scopes.is_some()),
            // A client id means the client exists: no checklist to follow.
            (Step::CreateClient, prefill.client_id.is_some()),
            (Step::ClientId, prefill.client_id.is_some()),
            (Step::ClientSecret, secret),
        ]
        .into_iter()
        .filter_map(|(step, given)| given.then_some(step))
        .collect();
        let _ = self.take_given(Vec::new());
    }

    /// On a step whose value came with the command: take it, as if Enter was pressed, and so
    /// on along the steps that follow (each once: going back to one shows it). A step that
    /// refuses its value, or has work to start (`commands`), stays.
    fn take_given(&mut self, commands: Vec<Command>) -> Vec<Command> {
        // Reading a server's metadata is work for the runtime: the user's Enter starts it.
        if !commands.is_empty()
            || (self.step == Step::Instance && self.discovers() && !self.edit_skips())
        {
            return commands;
        }
        let Some(i) = self.given.iter().position(|s| *s == self.step) else {
            return commands;
        };
        self.given.remove(i);
        let step = self.step;
        // An edit's address is the profile's own: taken as it is, without reading metadata.
        // The submit goes on through `advance`, which comes back here for the next step.
        let take = |w: &mut Self| {
            if w.edit_skips() {
                w.accept_instance_as_typed()
            } else {
                w.submit()
            }
        };
        let commands = take(self);
        // An edit's values were accepted when the profile was saved: a warning (a host outside
        // the provider's domains) is taken as the second Enter would, a refusal still stops.
        if self.editing.is_some() && self.step == step && commands.is_empty() {
            return take(self);
        }
        commands
    }

    /// The steps of this setup.
    pub fn route(&self) -> step::Route<'static> {
        step::Route {
            provider: self.provider,
            has_client: self.client == Client::Exists,
            grant: self.draft.grant,
            public: self.draft.is_public(),
        }
    }

    /// Has the user typed anything that quitting would lose?
    pub fn is_dirty(&self) -> bool {
        if self.editing.is_some() {
            return self.saved.is_none() && self.edit_changes();
        }
        self.saved.is_none()
            && (!self.instance.value().is_empty()
                || !self.client_id.value().is_empty()
                || !self.secret.is_empty()
                || !self.scopes.is_empty())
    }

    /// Does the focused widget take text (so `?` is a character, not help)?
    pub fn typing(&self) -> bool {
        match self.step {
            Step::Instance
            | Step::ClientName
            | Step::Login
            | Step::Contact
            | Step::ContactEmail
            | Step::ClientId
            | Step::ClientSecret => true,
            Step::Test => self.sign_in.as_ref().is_some_and(SignInPanel::typing),
            Step::Scopes => {
                self.scopes.focus != crate::tui::widgets::scope_picker::PickerFocus::Selected
            }
            Step::Save => matches!(self.save.focus, SaveFocus::Name | SaveFocus::Where),
            _ => false,
        }
    }

    pub fn is_busy(&self) -> bool {
        matches!(self.test, TestState::Running { .. })
            || self.discovering.is_some()
            || self.save.saving()
            || self.sign_in.as_ref().is_some_and(SignInPanel::is_running)
    }

    fn go(&mut self, step: Step) -> Vec<Command> {
        if self.step == Step::ClientSecret && step != Step::ClientSecret {
            self.secret.hide();
        }
        self.step = step;
        self.body = Scroll::new(0);
        match step {
            Step::Test if self.route().signs_in() => self.start_sign_in(),
            Step::Test => self.start_test(),
            Step::Save if self.save.name.value().is_empty() => {
                let base = self
                    .draft
                    .instance
                    .as_ref()
                    .map_or_else(|| "profile".into(), fields::derive_profile_name);
                let existing = &self.existing.profiles;
                let name = fields::free_profile_name(&base, |n| existing.contains_key(n));
                self.save.name.suggest(&name);
                self.save.keyring = KeyringCheck::Checking;
                vec![Command::ProbeKeyring]
            }
            _ => vec![],
        }
    }

    fn advance(&mut self) -> Vec<Command> {
        if self.after == After::Review && self.step < Step::Review {
            self.after = After::Next;
            // The change is made: Enter on the review now moves on, to the live test.
            self.review_at = Step::Test;
            return self.go(Step::Review);
        }
        let commands = self.go(self.route().next(self.step));
        self.take_given(commands)
    }

    fn back(&mut self) -> Outcome {
        // An edit opens on the review: its steps before it were the profile's, not the user's.
        if self.editing.is_some() && self.step == Step::Review {
            return Outcome::Back;
        }
        // Nothing was tested on the way to this save: back is the review, not a test.
        if self.step == Step::Save && self.saves_untested() {
            return self.go(Step::Review).into();
        }
        match self.route().prev(self.step) {
            Some(prev) if self.step != Step::Done => self.go(prev).into(),
            _ => Outcome::Back,
        }
    }

    pub fn update(&mut self, msg: Msg) -> Outcome {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Paste(text) => {
                self.on_paste(&text);
                Outcome::none()
            }
            Msg::TestDone {
                attempt, result, ..
            } => {
                self.on_test_done(attempt, *result);
                Outcome::none()
            }
            Msg::SignInProgress { .. } | Msg::SignedIn { .. } => {
                if let Some(panel) = self.sign_in.as_mut() {
                    let _ = panel.on_msg(msg);
                }
                Outcome::none()
            }
            Msg::Discovered { attempt, result } => self.on_discovered(attempt, *result).into(),
            Msg::Saved(result) => {
                self.on_saved(result);
                Outcome::none()
            }
            Msg::VaultChecked { attempt, result } => self.on_vault_checked(attempt, result).into(),
            Msg::KeyringProbed(problem) => {
                self.on_keyring_probed(problem);
                Outcome::none()
            }
            _ => Outcome::none(),
        }
    }
}
