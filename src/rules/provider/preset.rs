//! The parts of a preset file.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceRules {
    pub bare_name_suffix: String,
    pub example: String,
    pub domains: Vec<DomainRule>,
    pub test_marker: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainRule {
    pub suffix: String,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Read,
    Write,
    Delete,
    Special,
}

impl Access {
    /// For a scope a server lists without saying what it allows: from its name.
    pub fn guess(name: &str) -> Self {
        let n = name.to_ascii_lowercase();
        if n.contains("read") {
            Self::Read
        } else if n.contains("write") {
            Self::Write
        } else if n.contains("delete") {
            Self::Delete
        } else {
            Self::Special
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeInfo {
    pub name: String,
    pub area: String,
    pub access: Access,
    pub description: Option<String>,
}

/// How scope names must be spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeGrammar {
    /// RFC 6749 §3.3: printable ASCII except space, `"` and `\`.
    #[default]
    Rfc6749,
    /// Lower-case words joined by dots, like `core.common.read` (Coupa).
    DottedLowerCase,
}

/// The endpoints one grant needs besides the token endpoint, as paths below the instance URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantEndpoints {
    pub authorize_path: Option<String>,
    pub device_authorization_path: Option<String>,
    pub revocation_path: Option<String>,
    /// The scope without which no refresh token is issued (e.g. `offline_access`).
    pub refresh_scope: Option<String>,
    /// How long a refresh token lives by default, when the server does not say.
    pub refresh_token_lifetime_days: Option<u32>,
    /// The "create the client" checklist for this grant, when it differs from the provider's;
    /// it may also use {redirect_uris}.
    pub create_client: Option<Vec<String>>,
}

/// Whether the wizard asks for a field of the provider's client form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    Required,
    Optional,
    /// The provider's form has no such field.
    #[default]
    Absent,
}

/// The fields of the provider's "create a client" form that the wizard asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormFields {
    #[serde(default)]
    pub name: Need,
    #[serde(default)]
    pub login: Need,
    /// First and last name of the contact person.
    #[serde(default)]
    pub contact: Need,
    #[serde(default)]
    pub contact_email: Need,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    Name,
    Login,
    Contact,
    ContactEmail,
}

impl FormFields {
    pub fn need(&self, field: FormField) -> Need {
        match field {
            FormField::Name => self.name,
            FormField::Login => self.login,
            FormField::Contact => self.contact,
            FormField::ContactEmail => self.contact_email,
        }
    }
}

impl FieldHelp {
    /// The help of the one step that asks both contact names: a preset that says the same of
    /// both is shown once.
    pub fn contact(&self) -> String {
        if self.contact_first_name == self.contact_last_name {
            return self.contact_first_name.clone();
        }
        format!("{} {}", self.contact_first_name, self.contact_last_name)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldHelp {
    pub instance_url: String,
    pub grant_type: String,
    pub client_name: String,
    pub login: String,
    pub contact_first_name: String,
    pub contact_last_name: String,
    pub contact_email: String,
    pub scopes: String,
    pub client_id: String,
    pub client_secret: String,
    /// The client id field's title, naming what the provider's own page calls it ("Client id
    /// (Identifier)"); "Client id" when left out.
    #[serde(default)]
    pub client_id_title: Option<String>,
}
