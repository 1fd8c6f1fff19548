//! Building the token request: form body and Authorization header, no I/O.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::ClientAuth;
use crate::secret::Secret;

#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub token_url: String,
    pub client_id: String,
    pub secret: Secret,
    pub scopes: Vec<String>,
    pub auth: ClientAuth,
}

impl TokenRequest {
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
}

/// The `application/x-www-form-urlencoded` body. With `client_secret_post` it holds the secret,
/// hence the `Secret` wrapper.
pub fn form_body(req: &TokenRequest) -> Secret {
    Secret::new(form(req, req.secret.expose()))
}

/// The same body with the secret replaced, for `-v` logs.
pub fn redacted_form(req: &TokenRequest) -> String {
    form(req, "[redacted]")
}

fn form(req: &TokenRequest, secret: &str) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "client_credentials");
    if !req.scopes.is_empty() {
        form.append_pair("scope", &req.scopes.join(" "));
    }
    if req.auth == ClientAuth::Post {
        form.append_pair("client_id", &req.client_id);
        form.append_pair("client_secret", secret);
    }
    form.finish()
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`: RFC 6749 §2.3.1 encodes both parts
/// before base64, which matters for secrets holding ':' or '%'.
pub fn basic_authorization(req: &TokenRequest) -> Option<Secret> {
    if req.auth != ClientAuth::Basic {
        return None;
    }
    let id: String = form_urlencoded::byte_serialize(req.client_id.as_bytes()).collect();
    let secret: Secret = Secret::new(
        form_urlencoded::byte_serialize(req.secret.expose().as_bytes()).collect::<String>(),
    );
    let pair = Secret::new(format!("{id}:{}", secret.expose()));
    Some(Secret::new(format!(
        "Basic {}",
        STANDARD.encode(pair.expose())
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(auth: ClientAuth) -> TokenRequest {
        TokenRequest {
            token_url: "https://acme.coupahost.com/oauth2/token".into(),
            client_id: "my client".into(),
            secret: Secret::new("s:e%c r+t"),
            scopes: vec!["core.common.read".into(), "core.user.read".into()],
            auth,
        }
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
        let r = req(ClientAuth::Basic).with_scopes(vec![]);
        assert_eq!(form_body(&r).expose(), "grant_type=client_credentials");
    }
}
