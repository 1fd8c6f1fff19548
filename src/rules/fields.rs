//! Field rules: one pure function per field, shared by the command line and the wizard. Each
//! returns the typed value (with any warnings) or a [`FieldError`] that names the field and the fix.

mod endpoint;
mod identity;
mod instance;
mod scopes;
mod secret_input;
mod secret_source;

use std::fmt;

pub use endpoint::{Endpoint, on_host, origin_of, parse_endpoint};
pub use identity::{
    check_login_unique, derive_profile_name, free_profile_name, parse_client_id, parse_client_name,
    parse_contact_email, parse_contact_name, parse_login, parse_profile_name,
};
pub use instance::{Instance, parse_instance_url};
pub use scopes::{parse_scopes, write_without_read};
pub use secret_input::{SecretWarning, parse_secret};
pub use secret_source::{ENV_CLIENT_SECRET, SecretSource, read_secret, secret_from_env};

use crate::protocol::token::{ClientAuth, GrantType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Profile,
    Provider,
    InstanceUrl,
    GrantType,
    ClientName,
    Login,
    ContactFirstName,
    ContactLastName,
    ContactEmail,
    Scopes,
    ClientId,
    ClientSecret,
    ClientAuth,
    SecretStore,
    RedirectUri,
    /// The authorize, device, revocation endpoints and the issuer of a user grant.
    Endpoints,
    /// The Vault address, mount, path and namespace.
    Vault,
}

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Self::Profile => "profile name",
            Self::Provider => "provider",
            Self::InstanceUrl => "instance URL",
            Self::GrantType => "grant type",
            Self::ClientName => "client name",
            Self::Login => "login",
            Self::ContactFirstName => "contact first name",
            Self::ContactLastName => "contact last name",
            Self::ContactEmail => "contact email",
            Self::Scopes => "scopes",
            Self::ClientId => "client id",
            Self::ClientSecret => "client secret",
            Self::ClientAuth => "client authentication",
            Self::SecretStore => "secret store",
            Self::RedirectUri => "redirect URI",
            Self::Endpoints => "endpoints",
            Self::Vault => "Vault location",
        }
    }

    /// The command-line option that sets the field.
    pub fn flag(self) -> &'static str {
        match self {
            Self::Profile => "--profile",
            Self::Provider => "--provider",
            Self::InstanceUrl => "--instance",
            Self::GrantType => "--grant-type",
            Self::ClientName => "--client-name",
            Self::Login => "--login",
            Self::ContactFirstName => "--contact-first-name",
            Self::ContactLastName => "--contact-last-name",
            Self::ContactEmail => "--contact-email",
            Self::Scopes => "--scopes",
            Self::ClientId => "--client-id",
            Self::ClientSecret => "--client-secret-stdin",
            Self::ClientAuth => "--client-auth",
            Self::SecretStore => "--secret-store",
            Self::RedirectUri => "--redirect-uri",
            Self::Endpoints => "--issuer",
            Self::Vault => "--vault-addr/--vault-mount/--vault-path/--vault-namespace",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Bad input for one field: what is wrong and how to fix it, in one sentence or two.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

impl FieldError {
    pub fn new(field: Field, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// A value that passed its rule, with anything the user should know (it is still accepted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated<T, W = String> {
    pub value: T,
    pub warnings: Vec<W>,
}

impl<T, W> Validated<T, W> {
    pub fn ok(value: T) -> Self {
        Self {
            value,
            warnings: Vec::new(),
        }
    }
}

pub fn parse_grant_type(input: &str) -> Result<GrantType, FieldError> {
    let spelled = input.trim().to_ascii_lowercase().replace('_', "-");
    if spelled.is_empty() {
        return Err(FieldError::new(
            Field::GrantType,
            "is empty; use client-credentials",
        ));
    }
    match GrantType::ALL
        .into_iter()
        .find(|g| g.flag_value() == spelled)
    {
        Some(g) => Ok(g),
        None => Err(FieldError::new(
            Field::GrantType,
            format!(
                "\"{spelled}\" is not a grant type; use client-credentials, \
                 authorization-code or device-code"
            ),
        )),
    }
}

pub fn parse_client_auth(input: &str) -> Result<ClientAuth, FieldError> {
    match input.trim().to_ascii_lowercase().as_str() {
        "post" | "client_secret_post" | "client-secret-post" => Ok(ClientAuth::Post),
        "basic" | "client_secret_basic" | "client-secret-basic" => Ok(ClientAuth::Basic),
        other => Err(FieldError::new(
            Field::ClientAuth,
            format!(
                "\"{other}\" is not a method; use post (id and secret in the form body) \
                 or basic (HTTP Basic header)"
            ),
        )),
    }
}

/// "1 character", "6 characters": a count with its noun in the right number.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Characters a pasted value should never hold (NUL, escape sequences, other controls).
pub(crate) fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_type_accepts_both_spellings() {
        assert_eq!(
            parse_grant_type("client-credentials"),
            Ok(GrantType::ClientCredentials)
        );
        assert_eq!(
            parse_grant_type(" Client_Credentials "),
            Ok(GrantType::ClientCredentials)
        );
        assert_eq!(
            parse_grant_type("authorization_code"),
            Ok(GrantType::AuthorizationCode)
        );
        assert_eq!(parse_grant_type("device-code"), Ok(GrantType::DeviceCode));
        assert!(
            parse_grant_type("")
                .unwrap_err()
                .to_string()
                .contains("is empty")
        );
        assert!(
            parse_grant_type("password")
                .unwrap_err()
                .to_string()
                .contains("\"password\"")
        );
    }

    #[test]
    fn client_auth_names() {
        assert_eq!(parse_client_auth("post"), Ok(ClientAuth::Post));
        assert_eq!(
            parse_client_auth("client_secret_basic"),
            Ok(ClientAuth::Basic)
        );
        let e = parse_client_auth("jwt").unwrap_err();
        assert!(
            e.to_string().contains("client authentication: \"jwt\""),
            "{e}"
        );
    }
}
