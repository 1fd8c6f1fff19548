//! Importing a teammate's profile: read the file written by `export`, check every field with
//! setup's rules, test a Vault or password-manager secret live, and save. The command line and
//! the app share it; they only put its outcome into words.

use std::path::Path;

use crate::account::{AccountError, Accounts, NewProfile, Saved};
use crate::fields::{FieldError, parse_profile_name};
use crate::profile::shared::{FORMAT_VERSION, KIND, SharedFile, check};
use crate::profile::{Profile, Verdict};
use crate::secret_store::{SecretStoreKind, StoreError};
use crate::token::{TestFailure, TokenClient, test_credentials};

/// What to do once imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Tested live: ready for `token`.
    Ready,
    /// A user grant: sign in.
    Login,
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
    #[error("{} field(s) need fixing", .0.len())]
    Fields(Vec<FieldError>),
    #[error("profile \"{0}\" already exists")]
    Exists(String),
    #[error("the secret could not be read: {0}")]
    Secret(StoreError),
    #[error("the live test failed; nothing was imported")]
    Test {
        failure: Box<TestFailure>,
        /// For the diagnosis: the provider's words.
        context: Box<crate::token::Context>,
    },
    #[error(transparent)]
    Account(#[from] AccountError),
}

pub fn read(path: &Path) -> Result<SharedFile, ImportError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::Read {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    let shared: SharedFile = toml::from_str(&text).map_err(|e| ImportError::NotProfile {
        path: shown.clone(),
        reason: e.message().to_string(),
    })?;
    if shared.kind != KIND || shared.format_version != FORMAT_VERSION {
        return Err(ImportError::Version {
            path: shown,
            kind: shared.kind,
            version: shared.format_version,
        });
    }
    Ok(shared)
}

/// Import `shared` as `name` (else the name in the file). `replace` allows a clash.
pub async fn import(
    accounts: &Accounts,
    client: &TokenClient,
    shared: &SharedFile,
    name: Option<&str>,
    replace: bool,
    make_default: bool,
) -> Result<Imported, ImportError> {
    let name = parse_profile_name(name.unwrap_or(&shared.name))
        .map_err(|e| ImportError::Fields(vec![e]))?;
    let account = check(&shared.profile).map_err(ImportError::Fields)?;
    if accounts
        .load()
        .map_err(AccountError::from)?
        .profiles
        .contains_key(&name)
    {
        if !replace {
            return Err(ImportError::Exists(name));
        }
        accounts.delete(&name)?;
    }
    let store = shared.profile.secret_store;
    let mut new = NewProfile {
        name,
        account,
        store,
        vault: shared.profile.vault.clone(),
        command: shared.profile.command.clone(),
        verdict: Verdict::Untested,
        make_default,
    };
    let remote = matches!(store, SecretStoreKind::Vault | SecretStoreKind::Command);
    let next = match (new.account.grant.is_user_grant(), remote) {
        (true, _) => Next::Login,
        (false, true) => {
            prove(accounts, client, &new).await?;
            new.verdict = Verdict::Passed;
            Next::Ready
        }
        (false, false) => Next::AddSecret,
    };
    let saved = accounts.create_with(&new, None, None)?;
    Ok(Imported { saved, next })
}

/// The live test with the secret read from Vault or the password manager.
async fn prove(
    accounts: &Accounts,
    client: &TokenClient,
    new: &NewProfile,
) -> Result<(), ImportError> {
    let probe = Profile {
        vault: new.vault.clone(),
        command: new.command.clone(),
        ..Profile::new(&new.account, new.store, String::new(), "", &Verdict::Passed)
    };
    let secret = accounts
        .secret_for_run(&probe)
        .await
        .map(|(s, _)| s)
        .map_err(|e| match e {
            crate::account::RunSecretError::Store(s) => ImportError::Secret(s),
            crate::account::RunSecretError::Environment(f) => ImportError::Fields(vec![f]),
        })?;
    test_credentials(client, &new.account.token_request(secret))
        .await
        .map(|_| ())
        .map_err(|f| ImportError::Test {
            failure: Box::new(f),
            context: Box::new(new.account.diagnosis_context()),
        })
}
