//! Every field of `setup --non-interactive`, checked at once so the user fixes them all in one go.

use crate::cli::args::{SetupArgs, StoreChoice};
use crate::cli::commands::CmdError;
use crate::protocol::authorize::{DEFAULT_REDIRECT_URIS, parse_redirect_uri};
use crate::protocol::token::{ClientAuth, GrantType};
use crate::rules::fields::{self, Field, FieldError, Instance, Validated};
use crate::rules::provider::Provider;
use crate::rules::secret::ClientSecret;
use crate::stores::account::NewProfile;
use crate::stores::profile::{ClientForm, NewAccount, ProfilesFile, UserGrant, Verdict};
use crate::stores::secret_store::SecretLocation;
use crate::stores::secret_store::command::{self, CommandStore};
use crate::stores::vault::{LocationError, VaultGiven, VaultLocation};

/// The checked fields: the account to save, its secret, and warnings to show first.
pub struct Checked {
    pub new: NewProfile,
    /// `None` for a public client.
    pub secret: Option<ClientSecret>,
    pub warnings: Vec<String>,
}

/// Errors and warnings, collected field by field.
#[derive(Default)]
struct Problems {
    errors: Vec<FieldError>,
    warnings: Vec<String>,
}

impl Problems {
    fn keep<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.errors.push(e)).ok()
    }

    /// A value with warnings; each warning is shown with the field's label.
    fn keep_warned<T, W: std::fmt::Display>(
        &mut self,
        field: Field,
        r: Result<Validated<T, W>, FieldError>,
    ) -> Option<T> {
        let v = self.keep(r)?;
        let label = field.label();
        self.warnings
            .extend(v.warnings.iter().map(|w| format!("{label}: {w}")));
        Some(v.value)
    }
}

fn required(field: Field, value: Option<&String>) -> Result<&str, FieldError> {
    value
        .map(String::as_str)
        .ok_or_else(|| FieldError::new(field, format!("is missing; pass {}", field.flag())))
}

fn provider(id: Option<&String>) -> Result<&'static Provider, FieldError> {
    let id = required(Field::Provider, id)?;
    Provider::get(&id.trim().to_ascii_lowercase()).ok_or_else(|| {
        FieldError::new(
            Field::Provider,
            format!(
                "\"{id}\" is not known; use one of {}",
                Provider::ids().join(", ")
            ),
        )
    })
}

/// The client-form fields given as options (all optional on the command line).
fn client_form(args: &SetupArgs, p: &mut Problems) -> ClientForm {
    let mut optional = |value: &Option<String>,
                        rule: &dyn Fn(&str) -> Result<String, FieldError>| {
        value.as_deref().and_then(|v| p.keep(rule(v)))
    };
    ClientForm {
        name: optional(&args.client_name, &fields::parse_client_name),
        login: optional(&args.login, &fields::parse_login),
        contact_first_name: optional(&args.contact_first_name, &|v| {
            fields::parse_contact_name(Field::ContactFirstName, v)
        }),
        contact_last_name: optional(&args.contact_last_name, &|v| {
            fields::parse_contact_name(Field::ContactLastName, v)
        }),
        contact_email: optional(&args.contact_email, &fields::parse_contact_email),
    }
}

fn profile_name(
    args: &SetupArgs,
    instance: Option<&Instance>,
    existing: &ProfilesFile,
    p: &mut Problems,
) -> Option<String> {
    let name = match (&args.profile, instance) {
        (Some(n), _) => p.keep(fields::parse_profile_name(n))?,
        (None, Some(inst)) => fields::derive_profile_name(inst),
        (None, None) => return None,
    };
    if existing.profiles.contains_key(&name) {
        let free = fields::free_profile_name(&name, |n| existing.profiles.contains_key(n));
        p.errors.push(FieldError::new(
            Field::Profile,
            format!("\"{name}\" already exists; replace its secret with oauth-setup rotate {name}, choose another name with --profile (e.g. {free}), or delete it first"),
        ));
    }
    Some(name)
}

/// Check every field and collect every problem, so the user sees them all at once. `own`: the
/// secret an edited profile has, kept when no new one is given.
pub fn check_fields(
    args: &SetupArgs,
    existing: &ProfilesFile,
    own: Option<ClientSecret>,
) -> Result<Checked, CmdError> {
    let mut p = Problems::default();
    let provider = p.keep(provider(args.provider.as_ref()));
    let instance = provider.and_then(|pr| {
        let raw = p.keep(required(Field::InstanceUrl, args.instance.as_ref()))?;
        p.keep_warned(Field::InstanceUrl, fields::parse_instance_url(raw, pr))
    });
    let grant = p.keep(fields::parse_grant_type(
        args.grant_type.as_deref().unwrap_or("client-credentials"),
    ));
    let scopes = provider.and_then(|pr| {
        let raw = args.scopes.as_deref().unwrap_or("");
        p.keep_warned(Field::Scopes, fields::parse_scopes(raw, pr))
    });
    let client_id = p
        .keep(required(Field::ClientId, args.client_id.as_ref()).and_then(fields::parse_client_id));
    let form = client_form(args, &mut p);
    if let (Some(login), Some(inst)) = (&form.login, &instance)
        && let Err(e) = fields::check_login_unique(login, &inst.url, existing.logins())
    {
        p.errors.push(e);
    }
    let auth = client_auth(args, provider, &mut p);
    let name = profile_name(args, instance.as_ref(), existing, &mut p);
    let secret = secret(args, own, &mut p);
    let user_grant = user_grant(args, provider.zip(instance.as_ref()), grant, &mut p);
    let location = location(args, name.as_deref(), &mut p);
    let (Some(pr), Some(instance), Some(grant), Some(scopes), Some(client_id), Some(auth)) =
        (provider, instance, grant, scopes, client_id, auth)
    else {
        return Err(CmdError::fields(&p.errors));
    };
    let (Some(name), Some(secret), Some(user_grant), Some(location), true) =
        (name, secret, user_grant, location, p.errors.is_empty())
    else {
        return Err(CmdError::fields(&p.errors));
    };
    let account = NewAccount {
        provider: pr.id.clone(),
        instance,
        grant,
        client_id,
        client_auth: auth,
        scopes,
        form,
        user_grant,
    };
    Ok(Checked {
        new: NewProfile {
            name,
            account,
            secret: location,
            verdict: Verdict::Passed,
            make_default: args.default,
        },
        secret,
        warnings: p.warnings,
    })
}

/// Where the secret goes: the store chosen, with the Vault location or the password manager's
/// commands (both checked, so every wrong option is named at once).
fn location(args: &SetupArgs, profile: Option<&str>, p: &mut Problems) -> Option<SecretLocation> {
    let vault = vault(args, profile, p);
    let command = command_store(args, p);
    let (vault, command) = (vault?, command?);
    Some(match args.store() {
        StoreChoice::Keyring => SecretLocation::Keyring,
        StoreChoice::File => SecretLocation::File,
        StoreChoice::Vault => SecretLocation::Vault(vault?),
        StoreChoice::Command => SecretLocation::Command(command?),
    })
}

/// For the command store: its commands, each one a command line that splits (`Some(None)` for
/// the other stores).
fn command_store(args: &SetupArgs, p: &mut Problems) -> Option<Option<CommandStore>> {
    if args.store() != StoreChoice::Command {
        if args.secret_command.is_some() {
            p.errors.push(FieldError::new(
                Field::SecretStore,
                "--secret-command is for --secret-store command",
            ));
            return None;
        }
        return Some(None);
    }
    let Some(read) = args.secret_command.clone() else {
        p.errors.push(FieldError::new(
            Field::SecretStore,
            "command needs --secret-command, e.g. --secret-command \"pass show coupa/acme\"",
        ));
        return None;
    };
    let lines = std::iter::once(&read).chain(args.secret_write_command.as_ref());
    for line in lines {
        if let Err(e) = command::split(line) {
            p.errors
                .push(FieldError::new(Field::SecretStore, e.to_string()));
            return None;
        }
    }
    Some(Some(CommandStore {
        read,
        write: args.secret_write_command.clone(),
    }))
}

/// For the Vault store: the location the options give, the rest from the environment and the
/// defaults ([`VaultLocation::resolve`]). `Some(None)` for the other stores.
fn vault(
    args: &SetupArgs,
    profile: Option<&str>,
    p: &mut Problems,
) -> Option<Option<VaultLocation>> {
    if args.store() != StoreChoice::Vault {
        return Some(None);
    }
    let given = VaultGiven {
        addr: args.vault.vault_addr.clone(),
        mount: args.vault.vault_mount.clone(),
        path: args.vault.vault_path.clone(),
        namespace: args.vault.vault_namespace.clone(),
    };
    // Without a profile name (its error is already listed) the default path is unknown.
    let at = VaultLocation::resolve(given, &crate::stores::vault::env(), profile?);
    match at {
        Ok(at) => Some(Some(at)),
        Err(LocationError::NoAddress) => {
            p.errors.push(FieldError::new(
                Field::SecretStore,
                "vault needs an address; pass --vault-addr or set BAO_ADDR / VAULT_ADDR",
            ));
            None
        }
        Err(LocationError::Invalid(e)) => {
            p.errors.push(e);
            None
        }
    }
}

/// `--public-client` means no secret at all; otherwise the option given, else the provider's.
fn client_auth(
    args: &SetupArgs,
    provider: Option<&Provider>,
    p: &mut Problems,
) -> Option<ClientAuth> {
    if args.public_client {
        if args.client_auth.is_some() {
            p.errors.push(FieldError::new(
                Field::ClientAuth,
                "does not apply to a public client (it has no secret); drop --client-auth",
            ));
        }
        return Some(ClientAuth::None);
    }
    match &args.client_auth {
        Some(a) => p.keep(fields::parse_client_auth(a)),
        None => provider.map(|pr| pr.default_client_auth),
    }
}

/// The secret (`Some(None)` for a public client, which has none).
fn secret(
    args: &SetupArgs,
    own: Option<ClientSecret>,
    p: &mut Problems,
) -> Option<Option<ClientSecret>> {
    if args.public_client {
        let given = args.secret.option_given();
        if given {
            p.errors.push(FieldError::new(
                Field::ClientSecret,
                "a public client has none; drop the secret option or --public-client",
            ));
        }
        return Some(None);
    }
    let given = args.secret.given();
    if !given && own.is_some() {
        return Some(own);
    }
    if args.store() == StoreChoice::Command
        && !given
        && let Some(read) = &args.secret_command
    {
        // The password manager has it: read it through the command.
        let store = CommandStore {
            read: read.clone(),
            write: None,
        };
        return p
            .keep(
                command::get(&store, command::Run::on(command::Terminal::Shared))
                    .map(ClientSecret::from)
                    .map_err(|e| FieldError::new(Field::ClientSecret, e.to_string())),
            )
            .map(Some);
    }
    p.keep_warned(
        Field::ClientSecret,
        fields::read_secret(&args.secret.source()),
    )
    .map(Some)
}

/// For a user grant, its endpoints from the preset and the redirect URIs (`Some(None)` for
/// client credentials).
fn user_grant(
    args: &SetupArgs,
    at: Option<(&Provider, &Instance)>,
    grant: Option<GrantType>,
    p: &mut Problems,
) -> Option<Option<UserGrant>> {
    let grant = grant?;
    if !grant.is_user_grant() {
        if args.public_client || !args.redirect_uri.is_empty() {
            p.errors.push(FieldError::new(
                Field::GrantType,
                "--public-client and --redirect-uri are for authorization-code; pass \
                 --grant-type authorization-code or drop them",
            ));
        }
        return Some(None);
    }
    let (provider, instance) = at?;
    let mut ug = UserGrant::from_preset(provider, grant, &instance.url);
    if grant != GrantType::AuthorizationCode {
        if !args.redirect_uri.is_empty() {
            p.errors.push(FieldError::new(
                Field::RedirectUri,
                "is for authorization-code; a device-code sign-in has no redirect",
            ));
        }
        if args.public_client {
            p.errors.push(FieldError::new(
                Field::GrantType,
                "--public-client is for authorization-code only; a device-code client proves \
                 itself with its secret: drop --public-client",
            ));
        }
        return Some(Some(ug));
    }
    let given: Vec<&str> = if args.redirect_uri.is_empty() {
        DEFAULT_REDIRECT_URIS.to_vec()
    } else {
        args.redirect_uri.iter().map(String::as_str).collect()
    };
    for uri in given {
        match parse_redirect_uri(uri) {
            Ok(r) => ug.redirect_uris.push(r.to_string()),
            Err(e) => p
                .errors
                .push(FieldError::new(Field::RedirectUri, e.to_string())),
        }
    }
    Some(Some(ug))
}
