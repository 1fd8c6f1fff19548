//! Profiles as living things: rename, copy, make default, and the plan of an edit. Both front
//! ends call these and put the typed outcome into words.

use crate::rules::fields::{FieldError, parse_profile_name};
use crate::rules::secret::ClientSecret;
use crate::rules::timestamp;
use crate::stores::account::{
    AccountError, Accounts, NewProfile, Rewrite, Rewritten, SessionCarry, renamed,
    server_sees_change,
};
use crate::stores::profile::{
    NewAccount, Profile, ProfilesFile, UserGrant, Verdict, new_secret_ref,
};
use crate::stores::secret_store::SecretLocation;
use crate::stores::vault::VaultLocation;

#[derive(Debug, thiserror::Error)]
pub enum ManageError {
    #[error(transparent)]
    Name(FieldError),
    #[error("there is no profile \"{0}\"")]
    Unknown(String),
    #[error("profile \"{0}\" already exists")]
    Exists(String),
    #[error("\"{0}\" is the profile's name already")]
    SameName(String),
    /// A copy of a profile whose secret is in a password manager: oauth-setup cannot make it
    /// an entry of its own there.
    #[error(
        "the secret is in a password manager, which oauth-setup cannot copy into an entry of its own"
    )]
    CannotCopyCommand,
    #[error(transparent)]
    Account(AccountError),
}

impl From<AccountError> for ManageError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Exists(n) => Self::Exists(n),
            AccountError::Missing(n) => Self::Unknown(n),
            other => Self::Account(other),
        }
    }
}

/// Where a copy keeps its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopySecret {
    /// An entry of its own: a new local entry, or for Vault the default path of the new name.
    Own,
    /// For Vault: this path (below the same mount), instead of the default one.
    VaultPath(String),
    /// The same Vault path or password-manager entry as the original (chosen explicitly:
    /// a rotation of one then changes both).
    Share,
}

fn profile<'a>(file: &'a ProfilesFile, name: &str) -> Result<&'a Profile, ManageError> {
    file.get(name)
        .ok_or_else(|| ManageError::Unknown(name.to_string()))
}

/// The new name, checked by the field rule and against the profiles there are.
fn free_name(file: &ProfilesFile, from: &str, to: &str) -> Result<String, ManageError> {
    let to = parse_profile_name(to).map_err(ManageError::Name)?;
    if to == from {
        return Err(ManageError::SameName(to));
    }
    if file.get(&to).is_some() {
        return Err(ManageError::Exists(to));
    }
    Ok(to)
}

/// `rename OLD NEW`: the same profile, secret, tokens, cache and history under the new name;
/// nothing stays under the old one (a Vault path or a password manager's entry is a location
/// of its own and stays as it is).
pub fn rename(
    accounts: &Accounts,
    from: &str,
    to: &str,
) -> Result<(String, Rewritten), ManageError> {
    let file = accounts.load().map_err(AccountError::from)?;
    let old = profile(&file, from)?;
    let to = free_name(&file, from, to)?;
    let done = accounts.rewrite(Rewrite {
        from_name: from,
        from: old,
        to_name: &to,
        to: renamed(old, &to),
        keep_from: false,
        secret: None,
        session: SessionCarry::All,
        make_default: false,
    })?;
    Ok((to, done))
}

/// `copy FROM TO`: a second profile of the same client, with its own secret entry unless
/// `Share` says otherwise. The copy signs in on its own: a refresh token is one client's
/// session and is not shared.
pub fn copy(
    accounts: &Accounts,
    from: &str,
    to: &str,
    how: &CopySecret,
) -> Result<(String, Rewritten), ManageError> {
    let file = accounts.load().map_err(AccountError::from)?;
    let old = profile(&file, from)?;
    let to = free_name(&file, from, to)?;
    let mut copy = renamed(old, &to);
    copy.created_at = timestamp::now();
    copy.secret_rotated_at = None;
    // The copy has not been verified yet: the original's record is not its own.
    copy.last_verification = None;
    copy.secret = copy_location(&old.secret, &to, how)?;
    let done = accounts.rewrite(Rewrite {
        from_name: from,
        from: old,
        to_name: &to,
        to: copy,
        keep_from: true,
        secret: None,
        session: SessionCarry::None,
        make_default: false,
    })?;
    Ok((to, done))
}

fn copy_location(
    at: &SecretLocation,
    to: &str,
    how: &CopySecret,
) -> Result<SecretLocation, ManageError> {
    Ok(match (at, how) {
        (SecretLocation::Keyring | SecretLocation::File, _) | (_, CopySecret::Share) => at.clone(),
        (SecretLocation::Vault(v), CopySecret::Own) => SecretLocation::Vault(VaultLocation {
            path: crate::stores::vault::default_path(to),
            ..v.clone()
        }),
        (SecretLocation::Vault(v), CopySecret::VaultPath(p)) => {
            let moved = VaultLocation {
                path: p.clone(),
                ..v.clone()
            };
            moved.check().map_err(ManageError::Name)?;
            SecretLocation::Vault(moved)
        }
        (SecretLocation::Command(_), _) => return Err(ManageError::CannotCopyCommand),
    })
}

/// `default PROFILE`; `Ok(false)` when it was the default already.
pub fn make_default(accounts: &Accounts, name: &str) -> Result<bool, ManageError> {
    Ok(accounts.set_default(name)?)
}

/// The same grant at the same instance keeps the endpoints the profile found (an issuer's
/// metadata included): an edit has no step for them. Only the redirect URIs are the new ones.
pub fn keep_endpoints(before: &Profile, account: &mut NewAccount) {
    let same = before.grant_type == account.grant && before.instance_url == account.instance.url;
    if let (true, Some(old), Some(grant)) = (same, &before.user_grant, account.user_grant.as_mut())
    {
        let redirect_uris = std::mem::take(&mut grant.redirect_uris);
        *grant = UserGrant {
            redirect_uris,
            ..old.clone()
        };
    }
}

/// The scopes an edit adds that the server did not grant: such an edit is refused (the
/// client lacks them), unless saved unverified on purpose.
pub fn refused_additions(
    before: &[String],
    asked: &[String],
    not_granted: &[String],
) -> Vec<String> {
    asked
        .iter()
        .filter(|s| !before.contains(s) && not_granted.contains(s))
        .cloned()
        .collect()
}

/// What an edit changes, field by field (words at the edges).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Instance,
    GrantType,
    ClientId,
    Secret,
    ClientAuth,
    Scopes,
    RedirectUris,
    ClientForm,
    SecretStore,
}

/// An edit ready to be tested and saved: the profile as it would be afterwards.
#[derive(Debug)]
pub struct EditPlan {
    pub name: String,
    pub before: Profile,
    pub after: Profile,
    pub changes: Vec<Change>,
    /// Something the token server sees changed (or a new secret was given): test it live.
    pub needs_test: bool,
    /// The new secret given with the edit, if any.
    pub secret: Option<ClientSecret>,
}

/// The plan of `name`'s edit into `new` (built by setup's field rules from the profile and
/// what the user changed). `secret`: a new one given with the edit (`None` keeps the stored one).
pub fn plan_edit(
    name: &str,
    before: &Profile,
    new: &NewProfile,
    secret: Option<ClientSecret>,
) -> EditPlan {
    let given_secret = secret.is_some();
    let mut after = Profile::new(
        &new.account,
        new.secret.clone(),
        new_secret_ref(name),
        &before.created_at,
        &Verdict::Untested,
    );
    after.secret_rotated_at = before.secret_rotated_at.clone();
    after.last_verification = before.last_verification.clone();
    let changes = changes(before, &after, given_secret);
    EditPlan {
        name: name.to_string(),
        needs_test: server_sees_change(before, &after) || given_secret,
        before: before.clone(),
        after,
        changes,
        secret,
    }
}

fn changes(a: &Profile, b: &Profile, given_secret: bool) -> Vec<Change> {
    let form = |p: &Profile| {
        (
            p.client_name.clone(),
            p.login.clone(),
            p.contact_first_name.clone(),
            p.contact_last_name.clone(),
            p.contact_email.clone(),
        )
    };
    let redirects = |p: &Profile| p.user_grant.as_ref().map(|g| g.redirect_uris.clone());
    [
        (
            a.instance_url != b.instance_url || a.token_url != b.token_url,
            Change::Instance,
        ),
        (a.grant_type != b.grant_type, Change::GrantType),
        (a.client_id != b.client_id, Change::ClientId),
        (given_secret, Change::Secret),
        (a.client_auth != b.client_auth, Change::ClientAuth),
        (a.scopes != b.scopes, Change::Scopes),
        (redirects(a) != redirects(b), Change::RedirectUris),
        (form(a) != form(b), Change::ClientForm),
        (a.secret != b.secret, Change::SecretStore),
    ]
    .into_iter()
    .filter_map(|(changed, c)| changed.then_some(c))
    .collect()
}

/// Save a planned edit, once its test (if it needed one) said `verdict`; `session` is what a
/// sign-in (the test of a user grant) left.
pub fn save_edit(
    accounts: &Accounts,
    mut plan: EditPlan,
    verdict: &Verdict,
    session: Option<&crate::session::response::Session>,
    make_default: bool,
) -> Result<Rewritten, AccountError> {
    let now = timestamp::now();
    plan.after.record(verdict, now.clone());
    if plan.changes.contains(&Change::Secret) {
        plan.after.secret_rotated_at = Some(now);
    }
    let carry = match session {
        Some(s) => SessionCarry::New(s),
        // Nothing the server sees changed: the tokens are as good as before.
        None if !plan.needs_test => SessionCarry::All,
        None => SessionCarry::None,
    };
    accounts.rewrite(Rewrite {
        from_name: &plan.name,
        from: &plan.before,
        to_name: &plan.name,
        to: plan.after.clone(),
        keep_from: false,
        secret: plan.secret.as_ref(),
        session: carry,
        make_default,
    })
}

#[cfg(test)]
mod tests;
