//! The token test: build the request (pure), send it (I/O), interpret the answer (pure), and when
//! it fails, say which layer failed and how to fix it.

mod client;
mod diagnosis;
mod probe;
mod request;
mod response;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use client::{ClientError, HttpOptions, TokenClient};
pub use diagnosis::{Context, Failure, Layer, OAuthError, TlsProblem};
pub use probe::{TestFailure, TestOk, scope_diff, test_credentials};
pub use request::{TokenRequest, basic_authorization, form_body, redacted_form};
pub use response::{Granted, RawResponse, interpret, redact_body};

/// How the client proves itself to the token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientAuth {
    /// `client_id` and `client_secret` in the form body: Coupa's documented way.
    #[serde(rename = "client_secret_post")]
    Post,
    /// HTTP Basic with the form-urlencoded id and secret: the RFC's default.
    #[serde(rename = "client_secret_basic")]
    Basic,
}

impl ClientAuth {
    pub fn other(self) -> Self {
        match self {
            Self::Post => Self::Basic,
            Self::Basic => Self::Post,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Post => "client_secret_post",
            Self::Basic => "client_secret_basic",
        }
    }
}

impl fmt::Display for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
