//! What went wrong with a token request, by layer, in plain words with the fix.

use crate::base::exit::ExitCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OAuthError {
    InvalidClient,
    InvalidScope,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidRequest,
    InvalidGrant,
    Other(String),
}

impl OAuthError {
    pub fn from_code(code: &str) -> Self {
        match code {
            "invalid_client" => Self::InvalidClient,
            "invalid_scope" => Self::InvalidScope,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "invalid_request" => Self::InvalidRequest,
            "invalid_grant" => Self::InvalidGrant,
            other => Self::Other(other.chars().filter(|c| !c.is_control()).take(60).collect()),
        }
    }

    pub fn code(&self) -> &str {
        match self {
            Self::InvalidClient => "invalid_client",
            Self::InvalidScope => "invalid_scope",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidGrant => "invalid_grant",
            Self::Other(c) => c,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsProblem {
    UnknownIssuer,
    NameMismatch,
    Expired,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// An answer that is not valid HTTP (an oversized or garbled head).
    BadHttp {
        detail: String,
    },
    Dns {
        host: String,
    },
    Refused {
        target: String,
    },
    ConnectTimeout {
        secs: u64,
    },
    Timeout {
        secs: u64,
    },
    Tls(TlsProblem),
    Proxy {
        detail: String,
    },
    Connection {
        detail: String,
    },
    Redirect {
        status: u16,
        location: Option<String>,
    },
    OAuth {
        status: u16,
        error: OAuthError,
        description: Option<String>,
    },
    Unauthorized {
        status: u16,
    },
    HtmlPage {
        status: u16,
    },
    NotFound,
    ServerError {
        status: u16,
    },
    Empty {
        status: u16,
    },
    UnexpectedStatus {
        status: u16,
        snippet: String,
    },
    Malformed {
        reason: String,
    },
    TooLarge {
        status: u16,
    },
    /// No request was sent: a user grant has no refresh token to test a secret with.
    NotSignedIn,
    /// No request was sent: a local step failed first (the profile's lock, a store).
    Local {
        detail: String,
    },
}

/// Which layer of the stack failed, for `verify`'s one-line-per-check report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// No HTTP answer at all: DNS, TCP, proxy, TLS, timeouts.
    Connection,
    /// An HTTP answer that refused the credentials or was not OAuth.
    Token,
}

/// What the diagnosis may mention: where the client is managed and what was asked for.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub provider_name: String,
    pub token_url: String,
    pub clients_page: Option<String>,
    /// The provider's own fix sentences by OAuth error code (`other` for the rest).
    pub fixes: std::collections::BTreeMap<String, String>,
    /// Where the fix is read: the app names its own keys, the command line its options.
    pub surface: Surface,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Surface {
    #[default]
    CommandLine,
    App,
}

impl Context {
    fn client_page_hint(&self) -> String {
        match &self.clients_page {
            Some(url) => format!(" on {url}"),
            None => String::new(),
        }
    }
}

impl Failure {
    pub fn layer(&self) -> Layer {
        match self {
            Self::Dns { .. }
            | Self::Refused { .. }
            | Self::ConnectTimeout { .. }
            | Self::Timeout { .. }
            | Self::Tls(_)
            | Self::Proxy { .. }
            | Self::Connection { .. } => Layer::Connection,
            _ => Layer::Token,
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::OAuth { .. } | Self::Unauthorized { .. } | Self::NotSignedIn => {
                ExitCode::Rejected
            }
            Self::Local { .. } => ExitCode::Usage,
            _ => ExitCode::Network,
        }
    }

    /// Did the server reject who the client is (so the other authentication method may help)?
    pub fn is_client_rejected(&self) -> bool {
        matches!(
            self,
            Self::OAuth {
                error: OAuthError::InvalidClient,
                ..
            } | Self::Unauthorized { status: 401 }
        ) || matches!(self, Self::OAuth { status: 401, .. })
    }

    /// One sentence: what happened.
    pub fn summary(&self, ctx: &Context) -> String {
        match self {
            Self::Dns { host } => format!("the name {host} does not resolve (DNS lookup failed)"),
            Self::Refused { target } => format!("{target} refused the connection"),
            Self::ConnectTimeout { secs } => format!("no connection within {secs} s"),
            Self::Timeout { secs } => format!("the token endpoint did not answer within {secs} s"),
            Self::Tls(TlsProblem::UnknownIssuer) => {
                "TLS: the server's certificate is issued by an authority this machine does not trust".into()
            }
            Self::Tls(TlsProblem::NameMismatch) => {
                "TLS: the server's certificate is for a different host name".into()
            }
            Self::Tls(TlsProblem::Expired) => "TLS: the server's certificate has expired or is not yet valid".into(),
            Self::Tls(TlsProblem::Other(d)) => format!("TLS handshake failed: {d}"),
            Self::Proxy { detail } => format!("the proxy refused the request: {detail}"),
            Self::Connection { detail } => format!("the connection failed: {detail}"),
            Self::BadHttp { detail } => format!("the server's answer is not valid HTTP ({detail})"),
            Self::Redirect { status, location } => format!(
                "the token endpoint answered {status}, a redirect to {}; it was not followed, so the secret went nowhere else",
                location.as_deref().unwrap_or("(no Location)")
            ),
            Self::OAuth { status, error, description } => {
                let desc = description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
                format!("{} refused the request: {}{desc} [HTTP {status}]", ctx.provider_name, error.code())
            }
            Self::Unauthorized { status } => {
                format!("{} refused the client credentials (HTTP {status}, no OAuth error body)", ctx.provider_name)
            }
            Self::HtmlPage { status } => format!(
                "the token endpoint answered with a web page (HTTP {status}), not an OAuth response"
            ),
            Self::NotFound => format!("{} does not exist on this server (HTTP 404)", ctx.token_url),
            Self::ServerError { status } => format!("the server failed (HTTP {status})"),
            Self::Empty { status } => format!("the server answered HTTP {status} with an empty body"),
            Self::UnexpectedStatus { status, snippet } => {
                format!("the server answered HTTP {status}, not an OAuth response: {snippet}")
            }
            Self::Malformed { reason } => format!("the server said yes, but its answer is not a usable token: {reason}"),
            Self::TooLarge { status } => format!("the server's answer (HTTP {status}) is larger than 1 MiB; it was cut off"),
            Self::NotSignedIn => "nothing was sent: there is no sign-in (refresh token) to test the secret with".into(),
            Self::Local { detail } => format!("nothing was sent: {detail}"),
        }
    }

    /// One sentence: what to do about it.
    pub fn fix(&self, ctx: &Context) -> String {
        let page = ctx.client_page_hint();
        match self {
            Self::Dns { .. } => "check the instance address (the organisation name is usually the first part of the host), your DNS and your VPN".into(),
            Self::Refused { .. } => "check the address and port; a firewall or proxy may block it (HTTPS_PROXY and NO_PROXY are honoured)".into(),
            Self::ConnectTimeout { .. } => "check the network path, VPN and proxy settings (HTTPS_PROXY, NO_PROXY)".into(),
            Self::Timeout { .. } => "retry later, or allow more time with --timeout SECONDS".into(),
            Self::Tls(TlsProblem::UnknownIssuer) => "if your network inspects TLS (a corporate proxy), pass its CA certificate with --ca-file PEM".into(),
            Self::Tls(TlsProblem::NameMismatch) => "check the instance address; a proxy that intercepts TLS also causes this".into(),
            Self::Tls(TlsProblem::Expired) => "check this machine's clock; otherwise the server's certificate must be renewed".into(),
            Self::Tls(TlsProblem::Other(_)) => "check the address is an HTTPS server; pass a CA with --ca-file if it uses a private one".into(),
            Self::Proxy { .. } => "check HTTPS_PROXY and its credentials, or add the host to NO_PROXY".into(),
            Self::Connection { .. } => "retry; if it persists, check proxies and firewalls between you and the server".into(),
            Self::BadHttp { .. } => "check that the address is the OAuth token endpoint; a proxy or load balancer in between may be misbehaving".into(),
            Self::Redirect { .. } => format!("use the address the token endpoint really lives at; the request went to {}", ctx.token_url),
            Self::OAuth { error, .. } => self.oauth_fix(error, ctx, &page),
            Self::Unauthorized { .. } => format!("check the client id and secret{page}, and that the client is active"),
            Self::HtmlPage { .. } => format!("the address is probably not the API host (a login page answered); check the instance URL, which should give {}", ctx.token_url),
            Self::NotFound => "check the instance URL (for a standard server, the full token endpoint URL)".into(),
            Self::ServerError { .. } | Self::Empty { .. } => "retry later; if it persists, contact the server's administrator".into(),
            Self::UnexpectedStatus { .. } | Self::Malformed { .. } | Self::TooLarge { .. } => {
                "check that the address is the OAuth token endpoint".into()
            }
            Self::NotSignedIn => match ctx.surface {
                Surface::CommandLine => "sign in first: oauth-setup login PROFILE --client-secret-stdin signs in and keeps the secret".into(),
                Surface::App => "sign in first: l on the home screen".into(),
            },
            Self::Local { .. } => "fix what the message names and try again; nothing was changed".into(),
        }
    }

    fn oauth_fix(&self, error: &OAuthError, ctx: &Context, page: &str) -> String {
        let own = match error {
            OAuthError::Other(_) => ctx.fixes.get("other"),
            known => ctx.fixes.get(known.code()),
        };
        if let Some(fix) = own {
            return fix.clone();
        }
        match error {
            OAuthError::InvalidClient => format!(
                "the client id or secret is wrong, or the client is inactive; copy both again{page}"
            ),
            OAuthError::InvalidScope => match ctx.surface {
                Surface::CommandLine => format!("add the missing scopes to the client{page}, or ask for fewer with --scopes"),
                Surface::App => format!("add the missing scopes to the client{page}, or press c to ask for fewer"),
            },
            OAuthError::UnauthorizedClient => format!(
                "the client is not allowed the client-credentials grant; edit it{page} and set its grant type to Client credentials"
            ),
            OAuthError::UnsupportedGrantType => "the server does not offer the client-credentials grant; check the server's settings".into(),
            OAuthError::InvalidRequest => match ctx.surface {
                Surface::CommandLine => "the server could not read the request; try the other client authentication with --client-auth basic or post".into(),
                Surface::App => "the server could not read the request; check the token URL and the client's settings".into(),
            },
            OAuthError::InvalidGrant => "the grant was refused; check the client's grant type and scopes".into(),
            OAuthError::Other(_) => format!("check the client's settings{page}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context {
            provider_name: "Coupa".into(),
            token_url: "https://acme.coupahost.com/oauth2/token".into(),
            clients_page: Some("https://acme.coupahost.com/oauth2/clients".into()),
            fixes: Default::default(),
            surface: Surface::CommandLine,
        }
    }

    #[test]
    fn each_failure_has_a_layer_an_exit_code_and_a_fix() {
        let all = [
            Failure::Dns {
                host: "acme.coupahost.com".into(),
            },
            Failure::Refused {
                target: "127.0.0.1:1".into(),
            },
            Failure::ConnectTimeout { secs: 10 },
            Failure::Timeout { secs: 30 },
            Failure::Tls(TlsProblem::UnknownIssuer),
            Failure::Tls(TlsProblem::NameMismatch),
            Failure::Tls(TlsProblem::Expired),
            Failure::Redirect {
                status: 302,
                location: None,
            },
            Failure::OAuth {
                status: 400,
                error: OAuthError::InvalidScope,
                description: None,
            },
            Failure::Unauthorized { status: 401 },
            Failure::HtmlPage { status: 200 },
            Failure::NotFound,
            Failure::ServerError { status: 500 },
            Failure::Empty { status: 200 },
            Failure::Malformed { reason: "x".into() },
        ];
        for f in all {
            assert!(!f.summary(&ctx()).is_empty() && !f.fix(&ctx()).is_empty());
            let want = matches!(f, Failure::OAuth { .. } | Failure::Unauthorized { .. });
            assert_eq!(f.exit_code() == ExitCode::Rejected, want, "{f:?}");
        }
    }

    #[test]
    fn invalid_client_points_at_the_clients_page() {
        let f = Failure::OAuth {
            status: 401,
            error: OAuthError::InvalidClient,
            description: None,
        };
        assert_eq!(
            f.summary(&ctx()),
            "Coupa refused the request: invalid_client [HTTP 401]"
        );
        assert!(
            f.fix(&ctx())
                .contains("https://acme.coupahost.com/oauth2/clients")
        );
        assert!(f.is_client_rejected());
        assert_eq!(f.layer(), Layer::Token);
        assert!(
            Failure::Tls(TlsProblem::UnknownIssuer)
                .fix(&ctx())
                .contains("--ca-file")
        );
    }
}
