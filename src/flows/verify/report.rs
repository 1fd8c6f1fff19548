//! What verification reports: each check's name and status, and a profile's checks together.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
    Skip,
}

impl Status {
    /// The word shown for the status, four wide so the check names line up.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ok => "ok  ",
            Self::Warn => "warn",
            Self::Fail => "FAIL",
            Self::Skip => "skip",
        }
    }
}

/// What one check looks at, named as `verify` prints it and its JSON has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckName {
    Profile,
    Permissions,
    Secret,
    Connection,
    Endpoints,
    Token,
    Scopes,
    #[serde(rename = "refresh token")]
    RefreshToken,
}

impl CheckName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Profile => "profile",
            Self::Permissions => "permissions",
            Self::Secret => "secret",
            Self::Connection => "connection",
            Self::Endpoints => "endpoints",
            Self::Token => "token",
            Self::Scopes => "scopes",
            Self::RefreshToken => "refresh token",
        }
    }
}

impl std::fmt::Display for CheckName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // pad, so a width in a format string lines the details up
        f.pad(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: CheckName,
    pub status: Status,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProfileReport {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_url: Option<String>,
    pub ok: bool,
    pub exit_code: i32,
    pub checks: Vec<Check>,
}

pub fn check(name: CheckName, status: Status, detail: impl Into<String>) -> Check {
    Check {
        name,
        status,
        detail: detail.into(),
        fix: None,
    }
}

/// The widest check name ("refresh token"), so the details line up,
/// and one space more, so even it stands two spaces from its text like the others.
pub const NAME_WIDTH: usize = "refresh token".len() + 1;

impl ProfileReport {
    /// The first failed check, as one line for `last_verification`.
    pub fn summary(&self) -> String {
        self.checks
            .iter()
            .find(|c| c.status == Status::Fail)
            .map_or("ok".to_string(), |c| format!("{}: {}", c.name, c.detail))
    }
}
