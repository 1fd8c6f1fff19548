//! The steps that take a value: each accepts it into the draft only when its rule passes.

use ratatui::crossterm::event::KeyEvent;

use super::step::Step;
use super::{ContactFocus, TestState, Wizard};
use crate::protocol::token::GrantType;
use crate::rules::fields::{self, Field, FieldError, Validated};
use crate::rules::provider::{FormField, Need, Provider};
use crate::tui::command::Command;
use crate::tui::widgets::scope_picker::ScopePicker;
use crate::tui::widgets::text_field::TextField;

/// A plain rule's verdict, as the text field takes it.
fn plain(r: Result<String, FieldError>) -> Result<Validated<String>, FieldError> {
    r.map(Validated::ok)
}

/// Enter on an optional field left empty accepts "nothing"; otherwise the rule decides.
fn judge_form_field(
    field: &mut TextField,
    need: Need,
    rule: impl Fn(&str) -> Result<String, FieldError>,
) -> Option<Option<String>> {
    if need == Need::Optional && field.value().trim().is_empty() {
        field.error = None;
        field.accept();
        return Some(None);
    }
    let verdict = plain(rule(field.value()));
    field.judge(verdict).map(Some)
}

impl Wizard {
    pub(super) fn on_paste(&mut self, text: &str) {
        match self.step {
            Step::Instance => self.instance.paste_value(text),
            Step::ClientName => self.client_name.paste_value(text),
            Step::Login => self.login.paste_value(text),
            Step::Contact if self.contact_focus == ContactFocus::First => {
                self.first_name.paste_value(text);
            }
            Step::Contact => self.last_name.paste_value(text),
            Step::ContactEmail => self.email.paste_value(text),
            Step::Scopes => self.scopes.on_paste(text),
            Step::ClientId => self.client_id.paste_value(text),
            Step::ClientSecret => self.secret.on_paste(text),
            Step::Test => {
                if let Some(panel) = self.sign_in.as_mut() {
                    panel.on_paste(text);
                }
            }
            Step::Save if self.save.focus == super::SaveFocus::Name => {
                self.save.name.paste_value(text);
            }
            _ => {}
        }
    }

    /// Leaving the step with Esc: its widgets go back to what the step last accepted, so what
    /// is shown always matches the draft.
    pub(super) fn revert_step(&mut self) {
        match self.step {
            Step::Contact => {
                self.first_name.revert();
                self.last_name.revert();
            }
            Step::ClientSecret => self.secret.revert(self.draft.secret.as_ref()),
            Step::Scopes => {
                if let Some(scopes) = &self.draft.scopes {
                    self.scopes.set_selected(scopes);
                }
            }
            _ => {
                if let Some(f) = self.focused_text() {
                    f.revert();
                }
            }
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

    /// Enter on the step: its value is accepted when its rule passes, and the wizard goes on.
    pub(super) fn submit(&mut self) -> Vec<Command> {
        match self.step {
            // An address that could be an issuer is read first; anything else meets the
            // token-URL rule at once, with its message.
            Step::Instance
                if self.discovers()
                    && crate::protocol::discovery::candidate_urls(self.instance.value())
                        .is_ok() =>
            {
                self.start_discovery()
            }
            Step::Provider => self.submit_provider(),
            Step::GrantType => self.submit_grant(),
            Step::Contact => self.submit_contact(),
            Step::Scopes => match self.scopes.submit() {
                Some(v) => {
                    self.draft.scopes = Some(v);
                    self.advance()
                }
                None => vec![],
            },
            Step::ClientSecret => match self.secret.submit() {
                Some(secret) => {
                    self.draft.secret = Some(secret);
                    self.advance()
                }
                None => vec![],
            },
            Step::Review => self.submit_review(),
            Step::Test if matches!(self.test, TestState::Passed(_)) => self.go(Step::Save),
            Step::Save => self.submit_save(),
            Step::Test | Step::Done => vec![],
            _ => match self.submit_text() {
                true => self.advance(),
                false => vec![],
            },
        }
    }

    /// A key the step's table lacks: typed into the step's focused field, if it has one.
    pub(super) fn type_key(&mut self, key: KeyEvent) {
        match self.step {
            Step::Instance if self.discovering.is_some() => {}
            Step::Contact if self.contact_focus == ContactFocus::First => {
                self.first_name.on_key(key);
            }
            Step::Contact => self.last_name.on_key(key),
            Step::Scopes => self.scopes.type_key(key),
            Step::ClientSecret => self.secret.on_key(key),
            Step::Test => {
                if let Some(panel) = self.sign_in.as_mut() {
                    panel.type_key(key);
                }
            }
            Step::Save => self.type_save_key(key),
            _ => {
                if let Some(f) = self.focused_text() {
                    f.on_key(key);
                }
            }
        }
    }

    /// ↑ or ↓ on a step that lists choices.
    pub(super) fn move_cursor(&mut self, by: isize) {
        let step = |cursor: usize, count: usize| {
            cursor
                .saturating_add_signed(by)
                .min(count.saturating_sub(1))
        };
        match self.step {
            Step::Provider => {
                self.provider_cursor = step(self.provider_cursor, Provider::all().len());
            }
            Step::GrantType => self.grant_cursor = step(self.grant_cursor, self.grants().len()),
            Step::Review => self.move_review(by),
            _ => {}
        }
    }

    /// Check the current text step with the core's rule for its field; keep the value if it
    /// passes.
    fn submit_text(&mut self) -> bool {
        let p = self.provider;
        match self.step {
            Step::Instance => {
                let verdict = fields::parse_instance_url(self.instance.value(), p);
                let v = self.instance.judge(verdict);
                v.map(|v| self.draft.instance = Some(v)).is_some()
            }
            Step::ClientName => {
                let v = judge_form_field(
                    &mut self.client_name,
                    p.need(FormField::Name),
                    fields::parse_client_name,
                );
                v.map(|v| self.draft.form.name = v).is_some()
            }
            Step::Login => {
                let instance = self.draft.instance.as_ref().map(|i| i.url.clone());
                let existing = &self.existing;
                let v = judge_form_field(&mut self.login, p.need(FormField::Login), |raw| {
                    let login = fields::parse_login(raw)?;
                    let url = instance.as_deref().unwrap_or_default();
                    fields::check_login_unique(&login, url, existing.logins()).map(|()| login)
                });
                v.map(|v| self.draft.form.login = v).is_some()
            }
            Step::ContactEmail => {
                let v = judge_form_field(
                    &mut self.email,
                    p.need(FormField::ContactEmail),
                    fields::parse_contact_email,
                );
                v.map(|v| self.draft.form.contact_email = v).is_some()
            }
            Step::ClientId => {
                let verdict = plain(fields::parse_client_id(self.client_id.value()));
                let v = self.client_id.judge(verdict);
                v.map(|v| self.draft.client_id = Some(v)).is_some()
            }
            _ => true,
        }
    }

    fn submit_provider(&mut self) -> Vec<Command> {
        let chosen = &Provider::all()[self.provider_cursor];
        if chosen.id != self.provider.id {
            self.switch_provider(chosen);
        }
        self.advance()
    }

    fn switch_provider(&mut self, chosen: &'static Provider) {
        self.provider = chosen;
        self.client_id.label = super::client_id_title(chosen);
        self.auth = chosen.default_client_auth;
        let kept = self.scopes.selected.join(" ");
        self.scopes = ScopePicker::new(chosen);
        self.scopes.add_list(&kept);
        self.grant_cursor = 0;
        // Accepted under the other provider's rules: each must be accepted again.
        self.draft = super::Draft::default();
    }

    /// The provider's grants, in the order of the client form.
    /// The grants this setup can offer: the preset's, those of a user needing their endpoint
    /// (from the preset or the server's metadata).
    pub fn grants(&self) -> Vec<GrantType> {
        let meta = self.draft.discovered.as_ref().map(|d| &d.1);
        self.provider
            .grants
            .keys()
            .copied()
            // An edit keeps offering the grant the profile has, whose endpoints it keeps.
            .filter(|g| {
                self.provider.can_set_up(*g, meta)
                    || self
                        .editing
                        .as_ref()
                        .is_some_and(|e| e.before.grant_type == *g)
            })
            .collect()
    }

    /// A user grant without the provider's refresh scope would leave no refresh token: it is
    /// selected for the user when nothing is selected yet (they may remove it).
    fn offer_refresh_scope(&mut self, grant: GrantType) {
        // Another grant chosen after all: take back what was added for the previous one.
        if let Some(added) = self.auto_scope.take()
            && self.scopes.selected == [added]
        {
            self.scopes.set_selected(&[]);
        }
        let scope = self
            .provider
            .grants
            .get(&grant)
            .and_then(|g| g.refresh_scope.clone());
        if let Some(scope) = scope
            && grant.is_user_grant()
            && self.scopes.is_empty()
        {
            self.scopes.add_list(&scope);
            self.auto_scope = Some(scope);
        }
    }

    /// The public-client choice is offered when the provider has authorization code.
    /// A public client is offered while authorization code is the highlighted grant: the
    /// others prove the client with its secret.
    pub fn offers_public(&self) -> bool {
        self.grants().get(self.grant_cursor) == Some(&GrantType::AuthorizationCode)
    }

    fn submit_grant(&mut self) -> Vec<Command> {
        let Some(g) = self.grants().get(self.grant_cursor).copied() else {
            return vec![];
        };
        match fields::parse_grant_type(g.flag_value()) {
            Ok(g) => {
                self.grant_error = None;
                // A tick given to authorization code does not follow the cursor elsewhere.
                self.draft.public &= g == GrantType::AuthorizationCode;
                self.draft.grant = Some(g);
                self.offer_refresh_scope(g);
                self.advance()
            }
            Err(e) => {
                self.grant_error = Some(e);
                vec![]
            }
        }
    }

    fn submit_contact(&mut self) -> Vec<Command> {
        let need = self.provider.need(FormField::Contact);
        let first = judge_form_field(&mut self.first_name, need, |v| {
            fields::parse_contact_name(Field::ContactFirstName, v)
        });
        let last = judge_form_field(&mut self.last_name, need, |v| {
            fields::parse_contact_name(Field::ContactLastName, v)
        });
        match (first, last) {
            (Some(first), Some(last)) => {
                self.draft.form.contact_first_name = first;
                self.draft.form.contact_last_name = last;
                return self.advance();
            }
            (Some(_), None) => self.contact_focus = ContactFocus::Last,
            (None, _) => self.contact_focus = ContactFocus::First,
        }
        vec![]
    }
}
