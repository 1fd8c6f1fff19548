//! A profile as a teammate receives it (`export` / `import`): every field another machine
//! needs, and nothing of this one: no secret, no token, no store key, no local history. A
//! format version guards the file.

use serde::{Deserialize, Serialize};

use super::{ClientForm, NewAccount, Profile, UserGrant};
use crate::protocol::authorize::parse_redirect_uri;
use crate::protocol::token::{ClientAuth, GrantType};
use crate::rules::fields::{self, Field, FieldError};
use crate::rules::provider::Provider;
use crate::rules::sanitize;
use crate::stores::secret_store::command::{self, CommandStore};
use crate::stores::secret_store::{SecretLocation, SecretStoreKind, tables_apart};
use crate::stores::vault::VaultLocation;

pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedFile {
    /// "oauth-setup profile", so a wrong file is named as such.
    pub kind: String,
    pub format_version: u32,
    /// The name the profile had; `import --profile` gives another.
    pub name: String,
    pub profile: SharedProfile,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedProfile {
    pub provider: String,
    pub instance_url: String,
    pub token_url: String,
    pub grant_type: GrantType,
    pub client_id: String,
    pub client_auth: ClientAuth,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
    pub secret_store: SecretStoreKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_grant: Option<UserGrant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<VaultLocation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<CommandStore>,
}

pub const KIND: &str = "oauth-setup profile";

impl SharedFile {
    pub fn of(name: &str, p: &Profile) -> Self {
        Self {
            kind: KIND.into(),
            format_version: FORMAT_VERSION,
            name: name.to_string(),
            profile: SharedProfile {
                provider: p.provider.clone(),
                instance_url: p.instance_url.clone(),
                token_url: p.token_url.to_string(),
                grant_type: p.grant_type,
                client_id: p.client_id.clone(),
                client_auth: p.client_auth,
                scopes: p.scopes.clone(),
                client_name: p.client_name.clone(),
                login: p.login.clone(),
                contact_first_name: p.contact_first_name.clone(),
                contact_last_name: p.contact_last_name.clone(),
                contact_email: p.contact_email.clone(),
                secret_store: p.secret.kind(),
                user_grant: p.user_grant.clone(),
                vault: p.secret.vault().cloned(),
                command: p.secret.command().cloned(),
            },
        }
    }
}

/// Every field checked with the rules setup uses; all problems at once. The account, and where
/// its secret is.
pub fn check(shared: &SharedProfile) -> Result<(NewAccount, SecretLocation), Vec<FieldError>> {
    let mut errors = Vec::new();
    let provider = Provider::get(&shared.provider);
    let Some(provider) = provider else {
        return Err(vec![FieldError::new(
            Field::Provider,
            format!(
                "\"{}\" is not known here; add its preset to the providers folder first",
                sanitize::one_line(&shared.provider, 60)
            ),
        )]);
    };
    let instance = instance(shared, provider).map_err(|e| errors.push(e)).ok();
    let client_id = fields::parse_client_id(&shared.client_id)
        .map_err(|e| errors.push(e))
        .ok();
    let form = form(shared).map_err(|e| errors.push(e)).ok();
    let scopes = fields::parse_scopes(&shared.scopes.join(" "), provider)
        .map(|v| v.value)
        .map_err(|e| errors.push(e))
        .ok();
    let location = check_stores(shared, &mut errors);
    if let Some(i) = &instance {
        check_endpoints(shared, provider, i, &mut errors);
    }
    let (Some(instance), Some(client_id), Some(form), Some(scopes), Some(location), true) = (
        instance,
        client_id,
        form,
        scopes,
        location,
        errors.is_empty(),
    ) else {
        return Err(errors);
    };
    let account = NewAccount {
        provider: provider.id.clone(),
        instance,
        grant: shared.grant_type,
        client_id,
        client_auth: shared.client_auth,
        scopes,
        form,
        user_grant: shared.user_grant.clone(),
    };
    Ok((account, location))
}

/// Every endpoint of a user grant may receive a credential: setup's rule for each, and a
/// preset's stay on its instance's host (a file cannot send Coupa's refresh token elsewhere).
fn check_endpoints(
    shared: &SharedProfile,
    provider: &Provider,
    instance: &fields::Instance,
    errors: &mut Vec<FieldError>,
) {
    let Some(g) = &shared.user_grant else {
        return;
    };
    let endpoints = [
        ("the authorize endpoint", &g.authorize_url),
        (
            "the device authorization endpoint",
            &g.device_authorization_url,
        ),
        ("the revocation endpoint", &g.revocation_url),
        ("the issuer", &g.issuer),
    ];
    for (what, url) in endpoints {
        let Some(url) = url else { continue };
        match fields::parse_endpoint(Field::Endpoints, what, url) {
            Ok(u) if provider.token_path.is_some() && !fields::on_host(&u, &instance.host) => {
                errors.push(FieldError::new(
                    Field::Endpoints,
                    format!(
                        "{what} {} is not on the instance's host {}; a {} profile's endpoints stay there",
                        sanitize::one_line(url, 120),
                        instance.host,
                        provider.display_name
                    ),
                ));
            }
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
    }
    if let Some(scope) = &g.refresh_scope
        && (sanitize::has_unsafe(scope) || scope.len() > 200 || scope.contains(' '))
    {
        errors.push(FieldError::new(
            Field::Scopes,
            "the refresh scope is not one scope name",
        ));
    }
}

/// A server given by its token URL is checked by that URL; a preset's by its instance, whose
/// token URL must be the one in the file.
fn instance(shared: &SharedProfile, provider: &Provider) -> Result<fields::Instance, FieldError> {
    let given = match provider.token_path {
        Some(_) => &shared.instance_url,
        None => &shared.token_url,
    };
    let i = fields::parse_instance_url(given, provider)?.value;
    if *i.token_url != *shared.token_url {
        return Err(FieldError::new(
            Field::InstanceUrl,
            format!(
                "the token URL {} is not the preset's {}",
                sanitize::one_line(&shared.token_url, 120),
                i.token_url
            ),
        ));
    }
    Ok(i)
}

fn form(shared: &SharedProfile) -> Result<ClientForm, FieldError> {
    let optional = |v: &Option<String>, rule: &dyn Fn(&str) -> Result<String, FieldError>| {
        v.as_deref().map(rule).transpose()
    };
    Ok(ClientForm {
        name: optional(&shared.client_name, &fields::parse_client_name)?,
        login: optional(&shared.login, &fields::parse_login)?,
        contact_first_name: optional(&shared.contact_first_name, &|v| {
            fields::parse_contact_name(Field::ContactFirstName, v)
        })?,
        contact_last_name: optional(&shared.contact_last_name, &|v| {
            fields::parse_contact_name(Field::ContactLastName, v)
        })?,
        contact_email: optional(&shared.contact_email, &fields::parse_contact_email)?,
    })
}

/// The secret's location, when the store and its table agree (this file format keeps them
/// apart, as profiles.toml version 1 did).
fn check_stores(shared: &SharedProfile, errors: &mut Vec<FieldError>) -> Option<SecretLocation> {
    if let Some(v) = &shared.vault
        && let Err(e) = v.check()
    {
        errors.push(e);
    }
    let mut store = |m: String| errors.push(FieldError::new(Field::SecretStore, m));
    let location = match (shared.secret_store, &shared.vault, &shared.command) {
        (SecretStoreKind::Keyring, None, None) => Some(SecretLocation::Keyring),
        (SecretStoreKind::File, None, None) => Some(SecretLocation::File),
        (SecretStoreKind::Vault, Some(at), None) => Some(SecretLocation::Vault(at.clone())),
        (SecretStoreKind::Command, None, Some(c)) => Some(SecretLocation::Command(c.clone())),
        (kind, vault, command) => {
            let present = |t: &str| match t {
                "vault" => vault.is_some(),
                _ => command.is_some(),
            };
            for table in tables_apart(kind.as_str(), present) {
                store(format!(
                    "secret_store \"{table}\" and the {table} table go together"
                ));
            }
            None
        }
    };
    if let Some(c) = &shared.command {
        for line in std::iter::once(&c.read).chain(c.write.as_ref()) {
            if sanitize::has_unsafe(line) || line.len() > 4096 {
                store(format!(
                    "the command line \"{}\" has control characters or is too long",
                    sanitize::one_line(line, 80)
                ));
            } else if let Err(e) = command::split(line) {
                store(e.to_string());
            }
        }
    }

    let user = shared.grant_type.is_user_grant();
    if user != shared.user_grant.is_some() {
        store(format!(
            "grant {} and the user_grant table go together",
            shared.grant_type
        ));
    }
    if let Some(g) = &shared.user_grant {
        for uri in &g.redirect_uris {
            if let Err(e) = parse_redirect_uri(uri) {
                errors.push(FieldError::new(Field::RedirectUri, e.to_string()));
            }
        }
    }
    location
}
