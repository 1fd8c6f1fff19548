//! The token test: build the request (pure), send it (I/O), interpret the answer (pure), and when
//! it fails, say which layer failed and how to fix it.

mod client;
mod diagnosis;
mod probe;
mod request;
mod response;
mod shape;
mod trust;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use client::{ClientError, HttpOptions, JsonCall, TokenClient};
pub use diagnosis::{Context, Failure, Layer, OAuthError, Surface, TlsProblem};
pub use probe::{TestFailure, TestOk, scope_diff, test_credentials};
pub use request::{
    ClientSide, DEVICE_CODE_GRANT, GrantForm, TokenRequest, basic_authorization, form_body,
    redacted_form,
};
pub use response::{Granted, RawResponse, interpret, redact_body};
pub use shape::{
    MAX_ACCESS_LIFETIME, MAX_REFRESH_LIFETIME, NotBearer, TokenProblem, bearer_value, check_token,
    is_token_type,
};

/// An OAuth 2.0 grant type, spelled as in RFC 6749 and RFC 8628 in files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    ClientCredentials,
    AuthorizationCode,
    DeviceCode,
}

impl GrantType {
    pub const ALL: [Self; 3] = [
        Self::ClientCredentials,
        Self::AuthorizationCode,
        Self::DeviceCode,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientCredentials => "client_credentials",
            Self::AuthorizationCode => "authorization_code",
            Self::DeviceCode => "device_code",
        }
    }

    /// The option value, e.g. `client-credentials`.
    pub fn flag_value(self) -> &'static str {
        match self {
            Self::ClientCredentials => "client-credentials",
            Self::AuthorizationCode => "authorization-code",
            Self::DeviceCode => "device-code",
        }
    }

    /// As the providers' client forms call it.
    pub fn label(self) -> &'static str {
        match self {
            Self::ClientCredentials => "Client credentials",
            Self::AuthorizationCode => "Authorization code",
            Self::DeviceCode => "Device code",
        }
    }

    /// Short enough for a table column.
    pub fn short_label(self) -> &'static str {
        match self {
            Self::ClientCredentials => "client creds",
            Self::AuthorizationCode => "auth code",
            Self::DeviceCode => "device code",
        }
    }

    /// A grant in which a user signs in, leaving a refresh token.
    pub fn is_user_grant(self) -> bool {
        self != Self::ClientCredentials
    }
}

impl fmt::Display for GrantType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the client proves itself to the token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientAuth {
    /// `client_id` and `client_secret` in the form body: Coupa's documented way.
    #[serde(rename = "client_secret_post")]
    Post,
    /// HTTP Basic with the form-urlencoded id and secret: the RFC's default.
    #[serde(rename = "client_secret_basic")]
    Basic,
    /// A public client: `client_id` in the body and no secret (RFC 7591's `none`).
    #[serde(rename = "none")]
    None,
}

impl ClientAuth {
    /// The method to try when the server refuses this one; a public client has no other.
    pub fn other(self) -> Self {
        match self {
            Self::Post => Self::Basic,
            Self::Basic => Self::Post,
            Self::None => Self::None,
        }
    }

    pub fn has_secret(self) -> bool {
        self != Self::None
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Post => "client_secret_post",
            Self::Basic => "client_secret_basic",
            Self::None => "none",
        }
    }
}

impl fmt::Display for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
