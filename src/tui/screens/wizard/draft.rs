//! The values the wizard has accepted, step by step. Review, test and save read only these, so
//! text typed into a widget counts only once its step accepted it.

use crate::protocol::authorize::DEFAULT_REDIRECT_URIS;
use crate::protocol::discovery::Metadata;
use crate::protocol::token::{ClientAuth, ClientSide, GrantType};
use crate::rules::fields::Instance;
use crate::rules::provider::Provider;
use crate::rules::secret::ClientSecret;
use crate::stores::profile::{ClientForm, NewAccount, UserGrant};

#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub instance: Option<Instance>,
    pub grant: Option<GrantType>,
    pub form: ClientForm,
    pub scopes: Option<Vec<String>>,
    pub client_id: Option<String>,
    pub secret: Option<ClientSecret>,
    /// An authorization-code client without a secret (PKCE alone).
    pub public: bool,
    /// The issuer whose metadata gave the endpoints, and that metadata.
    pub discovered: Option<Box<(String, Metadata)>>,
}

impl Draft {
    /// The account, once every step that has no default was accepted.
    pub fn account(&self, provider: &Provider, auth: ClientAuth) -> Option<NewAccount> {
        let instance = self.instance.clone()?;
        let grant = self.grant?;
        let user_grant = grant.is_user_grant().then(|| {
            let mut g = UserGrant::from_preset(provider, grant, &instance.url);
            if let Some(d) = &self.discovered {
                g.fill_from(&d.0, &d.1);
            }
            if grant == GrantType::AuthorizationCode {
                g.redirect_uris = DEFAULT_REDIRECT_URIS.map(String::from).to_vec();
            }
            g
        });
        Some(NewAccount {
            provider: provider.id.clone(),
            instance,
            grant,
            client_id: self.client_id.clone()?,
            client_auth: if self.is_public() {
                ClientAuth::None
            } else {
                auth
            },
            scopes: self.scopes.clone()?,
            form: self.form.clone(),
            user_grant,
        })
    }

    /// A public client only counts for authorization code.
    pub fn is_public(&self) -> bool {
        self.public && self.grant == Some(GrantType::AuthorizationCode)
    }

    pub fn request(&self, provider: &Provider, auth: ClientAuth) -> Option<ClientSide> {
        let secret = match self.is_public() {
            true => None,
            false => Some(self.secret.clone()?),
        };
        Some(self.account(provider, auth)?.client_side(secret))
    }

    pub fn scopes(&self) -> &[String] {
        self.scopes.as_deref().unwrap_or_default()
    }

    /// Forget the secret (after saving, or when the wizard ends).
    pub fn forget_secret(&mut self) {
        self.secret = None;
    }
}
