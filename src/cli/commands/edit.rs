//! `edit --non-interactive`: setup's options over a saved profile. The profile fills in every
//! option not given, setup's field rules check the result, a change the server sees is tested
//! as setup tests, and [`crate::flows::manage::save_edit`] writes it.

use super::setup::{EditOf, Target, check, finish, save_edit};
use super::{CmdError, Ctx, unknown_profile};
use crate::cli::args::{EditArgs, SetupArgs, StoreChoice};
use crate::flows::manage::{self, Change};
use crate::rules::secret::ClientSecret;
use crate::stores::profile::{Profile, Verdict};
use crate::stores::secret_store::{SecretLocation, SecretStoreKind};

pub async fn run(ctx: &Ctx, args: EditArgs) -> Result<(), CmdError> {
    let EditArgs { name, mut setup } = args;
    if setup.profile.is_some() {
        return Err(
            CmdError::usage("edit keeps the profile's name").with_fix(format!(
                "drop --profile; to rename: oauth-setup rename {name} NEW"
            )),
        );
    }
    let file = ctx.accounts.load()?;
    let Some(before) = file.get(&name).cloned() else {
        return Err(unknown_profile(&name, &file));
    };
    let given_secret = setup.secret.given();
    prefill(&mut setup, &name, &before);
    let discovered = match setup.issuer.clone() {
        Some(issuer) => Some((
            issuer.clone(),
            super::setup::from_issuer(ctx, &mut setup, &issuer).await?,
        )),
        None => None,
    };
    let own = own_secret(ctx, &name, &before, &setup, given_secret)?;
    let mut others = file.clone();
    others.profiles.remove(&name);
    let checked = check::check_fields(&setup, &others, own)?;
    for w in &checked.warnings {
        crate::tell!("{} {w}", ctx.style.warn("warning:"));
    }
    let mut new = checked.new;
    if setup.issuer.is_none() {
        manage::keep_endpoints(&before, &mut new.account);
    }
    let new_secret = checked.secret.clone().filter(|_| given_secret);
    let plan = manage::plan_edit(&name, &before, &new, new_secret);
    if plan.changes.is_empty() {
        crate::say!("profile {name}: nothing to change");
        return Ok(());
    }
    crate::say!("changing profile {name}: {}", changes(&plan.changes));
    let edit = EditOf {
        before,
        given_secret,
    };
    if !plan.needs_test {
        new.verdict = Verdict::Untested;
        return save_edit(ctx, &new, checked.secret.as_ref(), None, &[], &edit);
    }
    finish(
        ctx,
        new,
        checked.secret,
        &setup,
        discovered.as_ref(),
        &Target::Edit(Box::new(edit)),
    )
    .await
}

/// Every option not given takes the profile's value, so setup's rules check the whole result.
fn prefill(setup: &mut SetupArgs, name: &str, p: &Profile) {
    setup.profile = Some(name.to_string());
    let keep = |slot: &mut Option<String>, value: Option<&String>| {
        if slot.is_none() {
            *slot = value.cloned();
        }
    };
    keep(&mut setup.provider, Some(&p.provider));
    if setup.issuer.is_none() {
        keep(&mut setup.instance, Some(&p.instance_input()));
    }
    keep(
        &mut setup.grant_type,
        Some(&p.grant_type.flag_value().to_string()),
    );
    keep(&mut setup.client_name, p.client_name.as_ref());
    keep(&mut setup.login, p.login.as_ref());
    keep(&mut setup.contact_first_name, p.contact_first_name.as_ref());
    keep(&mut setup.contact_last_name, p.contact_last_name.as_ref());
    keep(&mut setup.contact_email, p.contact_email.as_ref());
    keep(&mut setup.scopes, Some(&p.scopes.join(" ")));
    keep(&mut setup.client_id, Some(&p.client_id));
    let auth_code = setup.grant_type.as_deref() == Some("authorization-code");
    if setup.client_auth.is_none() && !setup.public_client {
        if p.has_secret() {
            setup.client_auth = Some(p.client_auth.as_str().to_string());
        } else {
            setup.public_client = auth_code;
        }
    }
    if setup.redirect_uri.is_empty()
        && auth_code
        && let Some(g) = &p.user_grant
    {
        setup.redirect_uri.clone_from(&g.redirect_uris);
    }
    prefill_store(setup, &p.secret);
}

/// The store stays where it is unless another is given; its settings come along.
fn prefill_store(setup: &mut SetupArgs, at: &SecretLocation) {
    let kind = match at.kind() {
        SecretStoreKind::Keyring => StoreChoice::Keyring,
        SecretStoreKind::File => StoreChoice::File,
        SecretStoreKind::Vault => StoreChoice::Vault,
        SecretStoreKind::Command => StoreChoice::Command,
    };
    let store = *setup.secret_store.get_or_insert(kind);
    if store != kind {
        return;
    }
    if let SecretLocation::Vault(v) = at {
        let vault = &mut setup.vault;
        vault.vault_addr.get_or_insert_with(|| v.addr.clone());
        vault.vault_mount.get_or_insert_with(|| v.mount.clone());
        vault.vault_path.get_or_insert_with(|| v.path.clone());
        if vault.vault_namespace.is_none() {
            vault.vault_namespace.clone_from(&v.namespace);
        }
    }
    if let SecretLocation::Command(c) = at
        && setup.secret_command.is_none()
    {
        setup.secret_command = Some(c.read.clone());
        setup.secret_write_command.clone_from(&c.write);
    }
}

/// The profile's own secret, for the test and the move, unless a new one is given or the
/// client becomes public.
fn own_secret(
    ctx: &Ctx,
    name: &str,
    before: &Profile,
    setup: &SetupArgs,
    given: bool,
) -> Result<Option<ClientSecret>, CmdError> {
    if given || !before.has_secret() || setup.public_client {
        return Ok(None);
    }
    ctx.accounts
        .client_secret(before)
        .map(Some)
        .map_err(|e| CmdError::store(&e, ctx.accounts.dir(), name))
}

fn changes(list: &[Change]) -> String {
    let words: Vec<&str> = list
        .iter()
        .map(|c| crate::report::change_word(*c))
        .collect();
    words.join(", ")
}
