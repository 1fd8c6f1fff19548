//! `setup --non-interactive`: check every field, prove the credentials, save.

use super::{CmdError, Ctx, read_secret};
use crate::account;
use crate::cli::{SetupArgs, StoreChoice};
use crate::fields::{self, Field, FieldError, Instance};
use crate::profile::{Profile, Verification, new_secret_ref};
use crate::provider::Provider;
use crate::report::{test_failure_lines, test_ok_lines};
use crate::secret::Secret;
use crate::secret_store::SecretStoreKind;
use crate::timestamp;
use crate::token::test_credentials;

/// The checked fields of a new profile.
struct Draft {
    name: String,
    /// What kind of instance it is ("customer instance, test"), shown before the test.
    instance_kind: String,
    profile: Profile,
    secret: Secret,
}

pub async fn run(ctx: &Ctx, args: SetupArgs) -> Result<(), CmdError> {
    if !args.non_interactive {
        return Err(
            CmdError::usage("the interactive wizard is not available in this version")
                .with_fix("pass --non-interactive with the fields (see oauth-setup setup --help)"),
        );
    }
    let existing = ctx.profiles.load()?;
    let (draft, warnings) = check_fields(&args, &existing)?;
    crate::fault::panic_point("setup", "secret-read");
    for w in &warnings {
        eprintln!("{} {w}", ctx.style.warn("warning:"));
    }
    let req = draft.profile.token_request(draft.secret.clone());
    let client = ctx.client()?;
    let dctx = draft.profile.diagnosis_context();
    println!(
        "profile {}: {} ({})",
        draft.name, draft.profile.instance_url, draft.instance_kind
    );
    println!(
        "testing the credentials against {} ...",
        draft.profile.token_url
    );
    let mut draft = draft;
    let mut failed: Option<CmdError> = None;
    match test_credentials(&client, &req).await {
        Ok(ok) => {
            println!("{} the token request succeeded", ctx.style.ok("ok:"));
            for line in test_ok_lines(&ok, &req.scopes) {
                println!("  {line}");
            }
            if ok.auth != req.auth {
                println!(
                    "  note: the server accepted {} (not {}); the profile will use it",
                    ok.auth, req.auth
                );
                draft.profile.client_auth = ok.auth;
            }
            draft.profile.last_verification = Some(Verification {
                at: timestamp::now(),
                ok: true,
                result: "ok".into(),
            });
        }
        Err(f) => {
            let (summary, fix) = test_failure_lines(&f, &dctx);
            draft.profile.last_verification = Some(Verification {
                at: timestamp::now(),
                ok: false,
                result: summary.clone(),
            });
            failed = Some(CmdError::new(f.failure.exit_code(), summary).with_fix(fix));
        }
    }
    if let Some(err) = failed {
        if !args.save_unverified {
            return Err(CmdError {
                message: format!("{}; nothing was saved", err.message),
                ..err
            });
        }
        eprintln!("{} {}", ctx.style.fail("token test failed:"), err.message);
        if let Some(fix) = &err.fix {
            eprintln!("  fix: {fix}");
        }
        eprintln!("saving anyway (--save-unverified)");
    }
    save(ctx, draft, args.default)
}

fn save(ctx: &Ctx, draft: Draft, make_default: bool) -> Result<(), CmdError> {
    let Draft {
        name,
        profile,
        secret,
        ..
    } = draft;
    let kind = profile.secret_store;
    let stored_where = ctx.secrets.describe(kind, &profile.secret_ref);
    account::create(
        &ctx.profiles,
        &ctx.secrets,
        &name,
        &profile,
        &secret,
        make_default,
    )
    .map_err(|e| ctx.account_error(e))?;
    if kind == SecretStoreKind::File {
        eprintln!(
            "{} the secret is stored UNENCRYPTED in {} (readable only by you). Prefer the OS keyring where one is available.",
            ctx.style.warn("note:"),
            ctx.dir.secrets_path().display()
        );
    }
    println!(
        "{} saved profile {name} in {}",
        ctx.style.ok("saved:"),
        ctx.profiles.path().display()
    );
    println!("  secret: {stored_where}");
    println!("next:\n  oauth-setup verify {name}\n  oauth-setup token {name}");
    Ok(())
}

fn required(field: Field, value: Option<&String>) -> Result<&str, FieldError> {
    value
        .map(String::as_str)
        .ok_or_else(|| FieldError::new(field, format!("is missing; pass {}", field.flag())))
}

/// Check every field and collect every problem, so the user sees them all at once.
fn check_fields(
    args: &SetupArgs,
    existing: &crate::profile::ProfilesFile,
) -> Result<(Draft, Vec<String>), CmdError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let keep = |r: Result<String, FieldError>, errors: &mut Vec<FieldError>| {
        r.map_err(|e| errors.push(e)).ok()
    };

    let provider = match required(Field::Provider, args.provider.as_ref()) {
        Ok(id) => Provider::get(&id.trim().to_ascii_lowercase()).or_else(|| {
            errors.push(FieldError::new(
                Field::Provider,
                format!(
                    "\"{id}\" is not known; use one of {}",
                    Provider::ids().join(", ")
                ),
            ));
            None
        }),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let instance: Option<Instance> = provider.and_then(|p| {
        let raw = required(Field::InstanceUrl, args.instance.as_ref())
            .map_err(|e| errors.push(e))
            .ok()?;
        let v = fields::parse_instance_url(raw, p)
            .map_err(|e| errors.push(e))
            .ok()?;
        warnings.extend(v.warnings.into_iter().map(|w| format!("instance URL: {w}")));
        Some(v.value)
    });
    if let Err(e) = fields::parse_grant_type(&args.grant_type) {
        errors.push(e);
    }
    let scopes = provider.and_then(|p| {
        let v = fields::parse_scopes(args.scopes.as_deref().unwrap_or(""), p)
            .map_err(|e| errors.push(e))
            .ok()?;
        warnings.extend(v.warnings.into_iter().map(|w| format!("scopes: {w}")));
        Some(v.value)
    });
    let client_id = keep(
        required(Field::ClientId, args.client_id.as_ref()).and_then(fields::parse_client_id),
        &mut errors,
    );
    let optional = |value: &Option<String>,
                    rule: &dyn Fn(&str) -> Result<String, FieldError>,
                    errors: &mut Vec<FieldError>| {
        value
            .as_deref()
            .and_then(|v| rule(v).map_err(|e| errors.push(e)).ok())
    };
    let client_name = optional(&args.client_name, &fields::parse_client_name, &mut errors);
    let login = optional(&args.login, &fields::parse_login, &mut errors);
    let first = optional(
        &args.contact_first_name,
        &|v| fields::parse_contact_name(Field::ContactFirstName, v),
        &mut errors,
    );
    let last = optional(
        &args.contact_last_name,
        &|v| fields::parse_contact_name(Field::ContactLastName, v),
        &mut errors,
    );
    let email = optional(
        &args.contact_email,
        &fields::parse_contact_email,
        &mut errors,
    );
    if let (Some(login), Some(inst)) = (&login, &instance)
        && let Err(e) = fields::check_login_unique(login, &inst.url, existing.logins())
    {
        errors.push(e);
    }
    let auth = match &args.client_auth {
        Some(a) => fields::parse_client_auth(a)
            .map_err(|e| errors.push(e))
            .ok(),
        None => provider.map(|p| p.default_client_auth),
    };
    let name = match (&args.profile, &instance) {
        (Some(n), _) => keep(fields::parse_profile_name(n), &mut errors),
        (None, Some(inst)) => Some(fields::derive_profile_name(inst)),
        (None, None) => None,
    };
    if let Some(n) = &name
        && existing.profiles.contains_key(n)
    {
        errors.push(FieldError::new(
            Field::Profile,
            format!("\"{n}\" already exists; replace its secret with oauth-setup rotate {n}, choose another --profile, or delete it first"),
        ));
    }
    let secret = match read_secret::read(&args.secret) {
        Ok(v) => {
            warnings.extend(v.warnings);
            Some(v.value)
        }
        Err(e) => {
            errors.push(e);
            None
        }
    };
    match (
        errors.is_empty(),
        provider,
        instance,
        scopes,
        client_id,
        auth,
        name,
        secret,
    ) {
        (
            true,
            Some(p),
            Some(inst),
            Some(scopes),
            Some(client_id),
            Some(auth),
            Some(name),
            Some(secret),
        ) => {
            let instance_kind = inst.describe();
            let profile = Profile {
                provider: p.id.clone(),
                instance_url: inst.url,
                token_url: inst.token_url,
                grant_type: "client_credentials".into(),
                client_id,
                client_auth: auth,
                scopes,
                client_name,
                login,
                contact_first_name: first,
                contact_last_name: last,
                contact_email: email,
                secret_store: match args.secret_store {
                    StoreChoice::Keyring => SecretStoreKind::Keyring,
                    StoreChoice::File => SecretStoreKind::File,
                },
                secret_ref: new_secret_ref(&name),
                created_at: timestamp::now(),
                secret_rotated_at: None,
                last_verification: None,
            };
            Ok((
                Draft {
                    name,
                    instance_kind,
                    profile,
                    secret,
                },
                warnings,
            ))
        }
        _ => Err(CmdError::fields(&errors)),
    }
}
