//! Building the token request: form body and Authorization header, no I/O.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::ClientAuth;
use crate::protocol::authorize::PkceVerifier;
use crate::rules::fields::Endpoint;
use crate::rules::secret::{ClientSecret, RefreshToken, Secret};

/// The client's side of every token request: where it goes, who asks, what for and how the
/// client proves itself. Cloned freely (a probe varies the authentication or the scopes); what
/// a request trades ([`GrantForm`]) is not.
#[derive(Debug, Clone)]
pub struct ClientSide {
    /// Where the request goes: only an address that passed the endpoint rule.
    pub token_url: Endpoint,
    pub client_id: String,
    /// `None` for a public client ([`ClientAuth::None`]), which has no secret.
    pub secret: Option<ClientSecret>,
    pub scopes: Vec<String>,
    pub auth: ClientAuth,
}

/// One request to send: the client's side and what it trades. Not `Clone`, as its grant is
/// not: a code and its PKCE verifier are sent once.
#[derive(Debug)]
pub struct TokenRequest {
    pub client: ClientSide,
    pub grant: GrantForm,
}

/// What the request trades for a token, beside the client's own credentials. Every value that
/// could be replayed is a [`Secret`] or a redacted type around one ([`PkceVerifier`],
/// [`RefreshToken`]).
#[derive(Debug, Default)]
pub enum GrantForm {
    #[default]
    ClientCredentials,
    /// RFC 6749 §4.1.3 with the PKCE verifier (RFC 7636 §4.5).
    AuthorizationCode {
        code: Secret,
        redirect_uri: String,
        verifier: PkceVerifier,
    },
    /// RFC 6749 §6; no `scope`, so the original grant is kept.
    Refresh { refresh_token: RefreshToken },
    /// RFC 8628 §3.4.
    DeviceCode { device_code: Secret },
    /// Not a grant: asking for a user code (RFC 8628 §3.1), sent to the device authorization
    /// endpoint with the client's authentication and the scopes.
    DeviceAuthorization,
    /// Not a grant: revoking a refresh token (RFC 7009 §2.1), sent to the revocation endpoint
    /// with the same client authentication.
    Revocation { refresh_token: RefreshToken },
    /// Not a grant: asking about an access token (RFC 7662 §2.1), sent to the introspection
    /// endpoint with the same client authentication.
    Introspection { access_token: Secret },
}

pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

impl ClientSide {
    pub fn with_auth(&self, auth: ClientAuth) -> Self {
        Self {
            auth,
            ..self.clone()
        }
    }

    pub fn with_scopes(&self, scopes: Vec<String>) -> Self {
        Self {
            scopes,
            ..self.clone()
        }
    }

    /// The same client at another endpoint (device authorization, revocation).
    pub fn at(&self, url: &Endpoint) -> Self {
        Self {
            token_url: url.clone(),
            ..self.clone()
        }
    }

    /// The request that trades `grant`.
    pub fn with_grant(&self, grant: GrantForm) -> TokenRequest {
        TokenRequest {
            client: self.clone(),
            grant,
        }
    }

    /// The client-credentials request (RFC 6749 §4.4).
    pub fn client_credentials(&self) -> TokenRequest {
        self.with_grant(GrantForm::ClientCredentials)
    }
}

/// The `application/x-www-form-urlencoded` body. It may hold the secret, a code, a verifier or a
/// refresh token, hence the `Secret` wrapper.
pub fn form_body(req: &TokenRequest) -> Secret {
    Secret::new(form(req, &|s: &Secret| s.expose().to_string()))
}

/// The same body with every secret value replaced, for `-v` logs.
pub fn redacted_form(req: &TokenRequest) -> String {
    form(req, &|_: &Secret| "[redacted]".to_string())
}

fn form(req: &TokenRequest, shown: &dyn Fn(&Secret) -> String) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    match &req.grant {
        GrantForm::ClientCredentials => {
            form.append_pair("grant_type", "client_credentials");
            if !req.client.scopes.is_empty() {
                form.append_pair("scope", &req.client.scopes.join(" "));
            }
        }
        GrantForm::AuthorizationCode {
            code,
            redirect_uri,
            verifier,
        } => {
            form.append_pair("grant_type", "authorization_code");
            form.append_pair("code", &shown(code));
            form.append_pair("redirect_uri", redirect_uri);
            form.append_pair("code_verifier", &shown(verifier.as_secret()));
        }
        GrantForm::Refresh { refresh_token } => {
            form.append_pair("grant_type", "refresh_token");
            form.append_pair("refresh_token", &shown(refresh_token.as_secret()));
        }
        GrantForm::DeviceCode { device_code } => {
            form.append_pair("grant_type", DEVICE_CODE_GRANT);
            form.append_pair("device_code", &shown(device_code));
        }
        GrantForm::DeviceAuthorization => {
            if !req.client.scopes.is_empty() {
                form.append_pair("scope", &req.client.scopes.join(" "));
            }
        }
        GrantForm::Revocation { refresh_token } => {
            form.append_pair("token", &shown(refresh_token.as_secret()));
            form.append_pair("token_type_hint", "refresh_token");
        }
        GrantForm::Introspection { access_token } => {
            form.append_pair("token", &shown(access_token));
            form.append_pair("token_type_hint", "access_token");
        }
    }
    match req.client.auth {
        ClientAuth::Post => {
            form.append_pair("client_id", &req.client.client_id);
            // A request without its secret sends none (the server then refuses the client).
            if let Some(secret) = &req.client.secret {
                form.append_pair("client_secret", &shown(secret.as_secret()));
            }
        }
        // A public client names itself and proves nothing (RFC 6749 §3.2.1).
        ClientAuth::None => {
            form.append_pair("client_id", &req.client.client_id);
        }
        ClientAuth::Basic => {}
    }
    form.finish()
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`: RFC 6749 §2.3.1 encodes both parts
/// before base64, which matters for secrets holding ':' or '%'.
pub fn basic_authorization(req: &TokenRequest) -> Option<Secret> {
    if req.client.auth != ClientAuth::Basic {
        return None;
    }
    let raw = req.client.secret.as_ref().map_or("", |s| s.expose());
    let id: String = form_urlencoded::byte_serialize(req.client.client_id.as_bytes()).collect();
    let secret: Secret =
        Secret::new(form_urlencoded::byte_serialize(raw.as_bytes()).collect::<String>());
    let pair = Secret::new(format!("{id}:{}", secret.expose()));
    Some(Secret::new(format!(
        "Basic {}",
        STANDARD.encode(pair.expose())
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(auth: ClientAuth) -> ClientSide {
        ClientSide {
            token_url: "https://acme.coupahost.com/oauth2/token"
                .to_string()
                .try_into()
                .unwrap(),
            client_id: "my client".into(),
            secret: Some(ClientSecret::new("s:e%c r+t")),
            scopes: vec!["core.common.read".into(), "core.user.read".into()],
            auth,
        }
    }

    fn req(auth: ClientAuth) -> TokenRequest {
        client(auth).client_credentials()
    }

    #[test]
    fn post_puts_credentials_in_the_body() {
        let r = req(ClientAuth::Post);
        assert_eq!(
            form_body(&r).expose(),
            "grant_type=client_credentials&scope=core.common.read+core.user.read\
             &client_id=my+client&client_secret=s%3Ae%25c+r%2Bt"
        );
        assert!(basic_authorization(&r).is_none());
        assert!(!redacted_form(&r).contains("s%3Ae"));
        assert!(redacted_form(&r).ends_with("client_secret=%5Bredacted%5D"));
    }

    #[test]
    fn basic_encodes_before_base64() {
        let r = req(ClientAuth::Basic);
        assert_eq!(
            form_body(&r).expose(),
            "grant_type=client_credentials&scope=core.common.read+core.user.read"
        );
        let header = basic_authorization(&r).unwrap();
        let decoded = STANDARD
            .decode(header.expose().strip_prefix("Basic ").unwrap())
            .unwrap();
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            "my+client:s%3Ae%25c+r%2Bt"
        );
    }

    #[test]
    fn no_scope_parameter_when_none_requested() {
        let r = client(ClientAuth::Basic)
            .with_scopes(vec![])
            .client_credentials();
        assert_eq!(form_body(&r).expose(), "grant_type=client_credentials");
    }

    #[test]
    fn user_grants_carry_their_values_and_redact_them() {
        let code = client(ClientAuth::Basic).with_grant(GrantForm::AuthorizationCode {
            code: Secret::new("c0de"),
            redirect_uri: "http://127.0.0.1:8765/callback".into(),
            verifier: PkceVerifier::new("v3rifier"),
        });
        assert_eq!(
            form_body(&code).expose(),
            "grant_type=authorization_code&code=c0de\
             &redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback&code_verifier=v3rifier"
        );
        let refresh = client(ClientAuth::None).with_grant(GrantForm::Refresh {
            refresh_token: RefreshToken::new("r3fresh"),
        });
        assert_eq!(
            form_body(&refresh).expose(),
            "grant_type=refresh_token&refresh_token=r3fresh&client_id=my+client"
        );
        assert!(basic_authorization(&refresh).is_none(), "public client");
        let device = client(ClientAuth::Post).with_grant(GrantForm::DeviceCode {
            device_code: Secret::new("d3vice"),
        });
        assert!(form_body(&device).expose().starts_with(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=d3vice&"
        ));
        let revoke = client(ClientAuth::Post).with_grant(GrantForm::Revocation {
            refresh_token: RefreshToken::new("r3fresh"),
        });
        assert!(
            form_body(&revoke)
                .expose()
                .starts_with("token=r3fresh&token_type_hint=refresh_token&client_id=")
        );
        for r in [&code, &refresh, &device, &revoke] {
            let shown = redacted_form(r);
            for secret in ["c0de", "v3rifier", "r3fresh", "d3vice", "s%3Ae"] {
                assert!(!shown.contains(secret), "{shown}");
            }
        }
    }
}
