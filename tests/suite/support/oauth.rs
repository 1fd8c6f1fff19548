//! A token endpoint that behaves like a real one: it checks the client's id, secret,
//! authentication method and scopes, and answers with RFC 6749 bodies.

use std::sync::{Arc, Mutex};

use serde_json::json;

use super::server::{Reply, Request, Server};

#[derive(Clone)]
pub struct OAuthConfig {
    pub client_id: String,
    /// Every secret the server currently accepts (rotation tests change this).
    pub secrets: Arc<Mutex<Vec<String>>>,
    pub allowed_scopes: Vec<String>,
    pub accept_post: bool,
    pub accept_basic: bool,
    pub echo_scope: bool,
    pub token: String,
    pub path: String,
    /// The lifetime of the tokens it issues.
    pub expires_in: u64,
    /// When set, each token is `token-N`, N counting the tokens issued (from 1).
    pub numbered: Option<Arc<std::sync::atomic::AtomicUsize>>,
    /// When set, the scope the server says it granted, whatever was asked.
    pub grant_only: Option<String>,
}

impl OAuthConfig {
    pub fn new(client_id: &str, secret: &str, scopes: &[&str]) -> Self {
        Self {
            client_id: client_id.into(),
            secrets: Arc::new(Mutex::new(vec![secret.into()])),
            allowed_scopes: scopes.iter().map(|s| s.to_string()).collect(),
            accept_post: true,
            accept_basic: true,
            echo_scope: true,
            token: "tok-ordinary-0123456789".into(),
            path: "/oauth2/token".into(),
            expires_in: 86399,
            numbered: None,
            grant_only: None,
        }
    }

    pub fn set_secrets(&self, secrets: &[&str]) {
        *self.secrets.lock().unwrap() = secrets.iter().map(|s| s.to_string()).collect();
    }

    pub fn handle(&self, req: &Request) -> Reply {
        if req.path != self.path {
            return Reply::text(404, "text/html", "<html><body>Not Found</body></html>");
        }
        if req.method != "POST" {
            return Reply::json(405, &json!({"error": "invalid_request"}));
        }
        if req.form_value("grant_type").as_deref() != Some("client_credentials") {
            return Reply::json(400, &json!({"error": "unsupported_grant_type"}));
        }
        let basic = req.basic();
        let post = req
            .form_value("client_id")
            .zip(req.form_value("client_secret"));
        let (creds, allowed) = match (basic, post) {
            (Some(_), Some(_)) => {
                return Reply::json(
                    400,
                    &json!({"error": "invalid_request", "error_description": "more than one authentication method"}),
                );
            }
            (Some(b), None) => (b, self.accept_basic),
            (None, Some(p)) => (p, self.accept_post),
            (None, None) => return Reply::json(401, &json!({"error": "invalid_client"})),
        };
        let secret_ok = self.secrets.lock().unwrap().contains(&creds.1);
        if !allowed || creds.0 != self.client_id || !secret_ok {
            return Reply::json(
                401,
                &json!({"error": "invalid_client", "error_description": "Client authentication failed"}),
            );
        }
        let requested: Vec<String> = req
            .form_value("scope")
            .map(|s| s.split(' ').map(String::from).collect())
            .unwrap_or_default();
        if requested.iter().any(|s| !self.allowed_scopes.contains(s)) {
            return Reply::json(
                400,
                &json!({"error": "invalid_scope", "error_description": "The requested scope is invalid, unknown, or malformed."}),
            );
        }
        let granted = if requested.is_empty() {
            self.allowed_scopes.clone()
        } else {
            requested
        };
        let token = match &self.numbered {
            Some(n) => format!(
                "{}-{}",
                self.token,
                n.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
            ),
            None => self.token.clone(),
        };
        let mut body =
            json!({"access_token": token, "token_type": "bearer", "expires_in": self.expires_in});
        if self.echo_scope {
            body["scope"] = json!(self.grant_only.clone().unwrap_or_else(|| granted.join(" ")));
        }
        Reply::json(200, &body)
    }

    pub fn start(&self) -> TokenServer {
        let me = self.clone();
        TokenServer {
            config: self.clone(),
            server: Server::start(move |r| me.handle(r)),
        }
    }

    pub fn start_tls(&self, config: Arc<rustls::ServerConfig>) -> TokenServer {
        let me = self.clone();
        TokenServer {
            config: self.clone(),
            server: Server::start_tls(config, move |r| me.handle(r)),
        }
    }
}

/// A running token endpoint and the client it knows, so a test can set up a profile for it.
pub struct TokenServer {
    pub config: OAuthConfig,
    pub server: Server,
}

impl std::ops::Deref for TokenServer {
    type Target = Server;

    fn deref(&self) -> &Server {
        &self.server
    }
}

impl TokenServer {
    /// How many token requests (POSTs) the server has received.
    pub fn posts(&self) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    }

    /// The secret the server accepts first.
    pub fn secret(&self) -> String {
        self.config.secrets.lock().unwrap()[0].clone()
    }
}
