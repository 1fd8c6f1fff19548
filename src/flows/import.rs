//! Importing a teammate's profile: read the file written by `export`, check every field with
//! setup's rules, show what it would contact or run and get the importer's consent to each value
//! ([`plan`]), test a Vault or password-manager secret live, and save, replacing a profile only
//! once the new one has passed. The command line and the app share it; they only put its
//! outcome into words.

pub mod plan;

use std::io::Read;
use std::path::Path;

pub use plan::{Consent, Item, Kind, Plan, Role};

use crate::protocol::token::{TestFailure, TokenClient, test_credentials};
use crate::rules::fields::{FieldError, parse_profile_name};
use crate::stores::account::{AccountError, Accounts, NewProfile, Saved};
use crate::stores::profile::shared::{FORMAT_VERSION, KIND, SharedFile, check};
use crate::stores::profile::{Profile, Verdict};
use crate::stores::secret_store::StoreError;

/// What to do once imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Tested live: ready for `token`.
    Ready,
    /// A user grant: sign in.
    Login,
    /// A confidential user grant whose secret stays on the importer's machine: sign in and
    /// give the secret at once.
    LoginWithSecret,
    /// A keyring or file profile: its secret is to be added with `rotate`.
    AddSecret,
}

#[derive(Debug)]
pub struct Imported {
    pub saved: Saved,
    pub next: Next,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} is not a profile written by oauth-setup export: {reason}")]
    NotProfile { path: String, reason: String },
    #[error(
        "{path} is a \"{kind}\" file of format version {version}; this oauth-setup reads \"{KIND}\" version {FORMAT_VERSION}"
    )]
    Version {
        path: String,
        kind: String,
        version: u32,
    },
    #[error("{path} is {size} bytes or more; a profile file is at most {MAX_FILE} bytes")]
    TooLarge { path: String, size: u64 },
    /// Values that would run or receive a credential, not agreed to.
    #[error("the importer did not agree to {} value(s) of the file", .0.len())]
    NotAgreed(Vec<Item>),
    #[error("{} field(s) need fixing", .0.len())]
    Fields(Vec<FieldError>),
    #[error("profile \"{0}\" already exists")]
    Exists(String),
    #[error(
        "the file's profile cannot be tested here before it is saved (its secret or sign-in is yours to add), so it would replace {0} untested; nothing was changed"
    )]
    ReplaceUntested(String),
    #[error("the secret could not be read: {0}")]
    Secret(StoreError),
    #[error("the live test failed; nothing was imported")]
    Test {
        failure: Box<TestFailure>,
        /// For the diagnosis: the provider's words.
        context: Box<crate::protocol::token::Context>,
    },
    #[error(transparent)]
    Account(#[from] AccountError),
}

/// A path as a shell would take it: `~` and `~/…` are below `home` (when it is known).
pub fn expand_home(path: &str, home: Option<&Path>) -> std::path::PathBuf {
    match (path.strip_prefix('~'), home) {
        (Some(""), Some(h)) => h.to_path_buf(),
        (Some(rest), Some(h)) if rest.starts_with('/') => h.join(&rest[1..]),
        _ => std::path::PathBuf::from(path),
    }
}

/// A profile file is a few hundred bytes; anything far larger is not one.
pub const MAX_FILE: u64 = 64 * 1024;

pub fn read(path: &Path) -> Result<SharedFile, ImportError> {
    let shown = crate::rules::sanitize::one_line(&path.display().to_string(), 200);
    let failed = |e: std::io::Error| ImportError::Read {
        path: shown.clone(),
        reason: e.to_string(),
    };
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE + 1).read_to_string(&mut text))
        .map_err(failed)?;
    if text.len() as u64 > MAX_FILE {
        return Err(ImportError::TooLarge {
            path: shown,
            size: MAX_FILE + 1,
        });
    }
    let shared: SharedFile = toml::from_str(&text).map_err(|e| ImportError::NotProfile {
        path: shown.clone(),
        reason: e.message().to_string(),
    })?;
    if shared.kind != KIND || shared.format_version != FORMAT_VERSION {
        return Err(ImportError::Version {
            path: shown,
            kind: crate::rules::sanitize::one_line(&shared.kind, 60),
            version: shared.format_version,
        });
    }
    Ok(shared)
}

/// What the importer asked for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Save it under this name (else the name in the file).
    pub name: Option<String>,
    /// Replace a profile of that name, once the new one has passed.
    pub replace: bool,
    pub make_default: bool,
    /// The importer's own Vault address, in place of the file's.
    pub vault_addr: Option<String>,
}

/// A file that passed every rule, with what it would contact or run: nothing has been
/// contacted or run yet.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub new: NewProfile,
    pub plan: Plan,
    /// A profile of that name exists and will be replaced.
    pub replaces: bool,
}

/// Check `shared` for `request` without contacting anything.
pub fn prepare(
    accounts: &Accounts,
    shared: &SharedFile,
    request: &Request,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Prepared, ImportError> {
    let name = parse_profile_name(request.name.as_deref().unwrap_or(&shared.name))
        .map_err(|e| ImportError::Fields(vec![e]))?;
    let plan = Plan::of(&shared.profile, request.vault_addr.as_deref(), env);
    let mut profile = shared.profile.clone();
    profile.vault.clone_from(&plan.vault);
    let (account, secret) = check(&profile).map_err(ImportError::Fields)?;
    let exists = accounts
        .load()
        .map_err(AccountError::from)?
        .profiles
        .contains_key(&name);
    if exists && !request.replace {
        return Err(ImportError::Exists(name));
    }
    // Said before the user agrees to anything: see [`import`].
    if exists && !testable_here(&account.grant, &secret) {
        return Err(ImportError::ReplaceUntested(name));
    }
    Ok(Prepared {
        new: NewProfile {
            name,
            account,
            secret,
            verdict: Verdict::Untested,
            make_default: request.make_default,
        },
        plan,
        replaces: exists,
    })
}

/// Import what [`prepare`] checked, once the importer agreed to every value that would run or
/// receive a credential. A profile it replaces stays as it was until the new one has passed
/// its test and is saved.
pub async fn import(
    accounts: &Accounts,
    client: &TokenClient,
    prepared: Prepared,
    consent: &Consent,
) -> Result<Imported, ImportError> {
    let missing: Vec<Item> = prepared
        .plan
        .unconsented(consent)
        .into_iter()
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::NotAgreed(missing));
    }
    let mut new = prepared.new;
    let remote = new.secret.local_entry().is_none();
    let next = match (new.account.grant.is_user_grant(), remote) {
        (true, false) if new.account.client_auth != crate::protocol::token::ClientAuth::None => {
            Next::LoginWithSecret
        }
        (true, _) => Next::Login,
        (false, true) => {
            prove(accounts, client, &new).await?;
            new.verdict = Verdict::Passed;
            Next::Ready
        }
        (false, false) => Next::AddSecret,
    };
    // Only a profile that passed its test here may take the place of a working one: anything
    // else would leave the name without a secret (or a session) that worked.
    if prepared.replaces && next != Next::Ready {
        return Err(ImportError::ReplaceUntested(new.name.clone()));
    }
    let saved = accounts.create_replacing(&new, prepared.replaces)?;
    Ok(Imported { saved, next })
}

/// Whether an imported profile is tested live before it is saved: a client-credentials one
/// whose secret is in Vault or a password manager. The others wait for a secret or a sign-in.
fn testable_here(
    grant: &crate::protocol::token::GrantType,
    secret: &crate::stores::secret_store::SecretLocation,
) -> bool {
    !grant.is_user_grant() && secret.local_entry().is_none()
}

/// The live test with the secret read from Vault or the password manager.
async fn prove(
    accounts: &Accounts,
    client: &TokenClient,
    new: &NewProfile,
) -> Result<(), ImportError> {
    let probe = Profile::new(
        &new.account,
        new.secret.clone(),
        String::new(),
        "",
        &Verdict::Passed,
    );
    let secret = accounts
        .secret_for_run(&probe)
        .await
        .map(|(s, _)| s)
        .map_err(|e| match e {
            crate::stores::account::RunSecretError::Store(s) => ImportError::Secret(s),
            crate::stores::account::RunSecretError::Environment(f) => ImportError::Fields(vec![f]),
        })?;
    test_credentials(client, &new.account.client_side(secret))
        .await
        .map(|_| ())
        .map_err(|f| ImportError::Test {
            failure: Box::new(f),
            context: Box::new(new.account.diagnosis_context()),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tilde_is_the_home_folder() {
        let home = Path::new("/home/jane");
        assert_eq!(expand_home("~", Some(home)), home);
        assert_eq!(
            expand_home("~/acme.toml", Some(home)),
            home.join("acme.toml")
        );
        assert_eq!(expand_home("~bob/x", Some(home)), Path::new("~bob/x"));
        assert_eq!(expand_home("./~/x", Some(home)), Path::new("./~/x"));
        assert_eq!(expand_home("~/x", None), Path::new("~/x"));
    }
}
