//! Every field of `setup --non-interactive`, checked at once so the user fixes them all in one go.

use crate::account::NewProfile;
use crate::cli::{SetupArgs, StoreChoice};
use crate::commands::CmdError;
use crate::fields::{self, Field, FieldError, Instance, Validated};
use crate::profile::{ClientForm, NewAccount, ProfilesFile, Verdict};
use crate::provider::Provider;
use crate::secret::Secret;
use crate::secret_store::SecretStoreKind;

/// The checked fields: the account to save, its secret, and warnings to show first.
pub struct Checked {
    pub new: NewProfile,
    pub secret: Secret,
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

/// Check every field and collect every problem, so the user sees them all at once.
pub fn check_fields(args: &SetupArgs, existing: &ProfilesFile) -> Result<Checked, CmdError> {
    let mut p = Problems::default();
    let provider = p.keep(provider(args.provider.as_ref()));
    let instance = provider.and_then(|pr| {
        let raw = p.keep(required(Field::InstanceUrl, args.instance.as_ref()))?;
        p.keep_warned(Field::InstanceUrl, fields::parse_instance_url(raw, pr))
    });
    let grant = p.keep(fields::parse_grant_type(&args.grant_type));
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
    let auth = match &args.client_auth {
        Some(a) => p.keep(fields::parse_client_auth(a)),
        None => provider.map(|pr| pr.default_client_auth),
    };
    let name = profile_name(args, instance.as_ref(), existing, &mut p);
    let secret = p.keep_warned(
        Field::ClientSecret,
        fields::read_secret(&args.secret.source()),
    );
    let (Some(pr), Some(instance), Some(grant), Some(scopes), Some(client_id), Some(auth)) =
        (provider, instance, grant, scopes, client_id, auth)
    else {
        return Err(CmdError::fields(&p.errors));
    };
    let (Some(name), Some(secret), true) = (name, secret, p.errors.is_empty()) else {
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
    };
    let store = match args.secret_store {
        StoreChoice::Keyring => SecretStoreKind::Keyring,
        StoreChoice::File => SecretStoreKind::File,
    };
    Ok(Checked {
        new: NewProfile {
            name,
            account,
            store,
            verdict: Verdict::Passed,
            make_default: args.default,
        },
        secret,
        warnings: p.warnings,
    })
}
