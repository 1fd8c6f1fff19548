//! What a profile of a user grant (authorization code, device code) needs beyond the token URL:
//! its endpoints, resolved once at setup from the preset or the server's metadata, so `token`
//! never needs discovery.

use serde::{Deserialize, Serialize};

use crate::protocol::discovery::Metadata;
use crate::protocol::token::GrantType;
use crate::rules::provider::Provider;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserGrant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorize_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_url: Option<String>,
    /// The loopback redirect URIs registered with the client, tried in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirect_uris: Vec<String>,
    /// The issuer, when the endpoints came from its metadata (checked against `iss`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The metadata says the server sends `iss` in every authorization answer (RFC 9207): an
    /// answer without one is refused.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub iss_required: bool,
    /// The scope without which no refresh token is issued, from the preset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_lifetime_days: Option<u32>,
}

/// The endpoint a sign-in starts at: the missing one is the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignInEndpoint {
    #[error("authorization")]
    Authorization,
    #[error("device authorization")]
    DeviceAuthorization,
}

impl UserGrant {
    /// Where a sign-in of `grant` starts: the device authorization endpoint for device code,
    /// the authorization endpoint otherwise.
    pub fn endpoint(&self, grant: GrantType) -> Result<&str, SignInEndpoint> {
        match grant {
            GrantType::DeviceCode => self
                .device_authorization_url
                .as_deref()
                .ok_or(SignInEndpoint::DeviceAuthorization),
            _ => self
                .authorize_url
                .as_deref()
                .ok_or(SignInEndpoint::Authorization),
        }
    }

    /// The endpoints the preset names for `grant`, below the instance's `origin`.
    pub fn from_preset(provider: &Provider, grant: GrantType, origin: &str) -> Self {
        let Some(g) = provider.grants.get(&grant) else {
            return Self::default();
        };
        let at = |path: &Option<String>| path.as_ref().map(|p| format!("{origin}{p}"));
        Self {
            authorize_url: at(&g.authorize_path),
            device_authorization_url: at(&g.device_authorization_path),
            revocation_url: at(&g.revocation_path),
            redirect_uris: Vec::new(),
            issuer: None,
            iss_required: false,
            refresh_scope: g.refresh_scope.clone(),
            refresh_token_lifetime_days: g.refresh_token_lifetime_days,
        }
    }

    /// Fill what the preset left open from the server's metadata.
    pub fn fill_from(&mut self, issuer: &str, meta: &Metadata) {
        self.issuer = Some(issuer.to_string());
        self.iss_required = meta.authorization_response_iss_parameter_supported == Some(true);
        let fill = |slot: &mut Option<String>, value: &Option<String>| {
            if slot.is_none() {
                slot.clone_from(value);
            }
        };
        fill(&mut self.authorize_url, &meta.authorization_endpoint);
        fill(
            &mut self.device_authorization_url,
            &meta.device_authorization_endpoint,
        );
        fill(&mut self.revocation_url, &meta.revocation_endpoint);
    }
}
