//! The values the wizard has accepted, step by step. Review, test and save read only these, so
//! text typed into a widget counts only once its step accepted it.

use crate::fields::Instance;
use crate::profile::{ClientForm, NewAccount};
use crate::provider::Provider;
use crate::secret::Secret;
use crate::token::{ClientAuth, GrantType, TokenRequest};

#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub instance: Option<Instance>,
    pub grant: Option<GrantType>,
    pub form: ClientForm,
    pub scopes: Option<Vec<String>>,
    pub client_id: Option<String>,
    pub secret: Option<Secret>,
}

impl Draft {
    /// The account, once every step that has no default was accepted.
    pub fn account(&self, provider: &Provider, auth: ClientAuth) -> Option<NewAccount> {
        Some(NewAccount {
            provider: provider.id.clone(),
            instance: self.instance.clone()?,
            grant: self.grant?,
            client_id: self.client_id.clone()?,
            client_auth: auth,
            scopes: self.scopes.clone()?,
            form: self.form.clone(),
            // The app sets up client credentials only, so far.
            user_grant: None,
        })
    }

    pub fn request(&self, provider: &Provider, auth: ClientAuth) -> Option<TokenRequest> {
        let secret = self.secret.clone()?;
        Some(self.account(provider, auth)?.token_request(secret))
    }

    pub fn scopes(&self) -> &[String] {
        self.scopes.as_deref().unwrap_or_default()
    }

    /// Forget the secret (after saving, or when the wizard ends).
    pub fn forget_secret(&mut self) {
        self.secret = None;
    }
}
