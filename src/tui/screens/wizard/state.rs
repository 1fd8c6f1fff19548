//! What the wizard's steps hold between keys: each variant is a state the step can be in, so
//! no flag has to agree with another by hand.

use crate::protocol::token::{TestFailure, TestOk};
use crate::stores::account::AccountError;
use crate::stores::secret_store::{SecretStoreKind, StoreError};
use crate::stores::vault::VaultEnv;
use crate::tui::widgets::text_field::TextField;

/// The live test of a client-credentials setup.
#[derive(Debug)]
pub enum TestState {
    Idle,
    Running {
        attempt: u64,
    },
    Cancelled,
    Passed(Box<TestOk>),
    Failed(Box<TestFailure>),
    /// Failed, and the user asked to save anyway: the question is up.
    Confirming(Box<TestFailure>),
}

impl TestState {
    /// The failure, whether or not the question to save anyway is up.
    pub fn failure(&self) -> Option<&TestFailure> {
        match self {
            Self::Failed(f) | Self::Confirming(f) => Some(f),
            _ => None,
        }
    }
}

/// Whether the client is still to be created in the provider's console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    ToCreate,
    /// It exists already: its form and the checklist are skipped.
    Exists,
}

impl Client {
    pub fn other(self) -> Self {
        match self {
            Self::ToCreate => Self::Exists,
            Self::Exists => Self::ToCreate,
        }
    }
}

/// Where Enter leads once a step accepts its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// The next step of the route.
    Next,
    /// Back to the review, where the step was picked to be changed.
    Review,
}

/// What became of the address the instance step was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstanceNote {
    /// No metadata there: the address is the token URL.
    TakenAsTokenUrl,
    /// The server's metadata named its token endpoint.
    ReadMetadata { issuer: String, token_url: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveFocus {
    Name,
    Default,
    Store,
    /// The Vault address, or the password manager's command.
    Where,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactFocus {
    First,
    Last,
}

impl ContactFocus {
    pub fn other(self) -> Self {
        match self {
            Self::First => Self::Last,
            Self::Last => Self::First,
        }
    }
}

/// The secret store, as suggested (a keyring check may still change it) or as the user chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreChoice {
    Suggested(SecretStoreKind),
    Chosen(SecretStoreKind),
}

impl StoreChoice {
    pub fn kind(self) -> SecretStoreKind {
        match self {
            Self::Suggested(k) | Self::Chosen(k) => k,
        }
    }
}

/// Where the save is.
#[derive(Debug)]
pub enum SavePhase {
    Editing,
    Saving,
    /// Saving failed for a reason other than the keyring.
    Failed(AccountError),
}

#[derive(Debug)]
pub struct SaveForm {
    pub name: TextField,
    pub make_default: bool,
    pub store: StoreChoice,
    pub focus: SaveFocus,
    pub phase: SavePhase,
    /// Why the keyring could not take the secret; the user may then pick the file store.
    pub keyring_problem: Option<AccountError>,
    pub keyring: KeyringCheck,
    /// For Vault: its address; for a password manager: the command that prints the secret.
    pub place: TextField,
    pub preflight: Preflight,
    /// The environment's Vault settings, read before the app started.
    pub vault_env: VaultEnv,
}

impl SaveForm {
    pub fn new(make_default: bool, vault_env: VaultEnv) -> Self {
        Self {
            vault_env,
            name: TextField::new("Profile name"),
            make_default,
            store: StoreChoice::Suggested(SecretStoreKind::Keyring),
            focus: SaveFocus::Name,
            phase: SavePhase::Editing,
            keyring_problem: None,
            keyring: KeyringCheck::NotYet,
            place: TextField::new("Vault address"),
            preflight: Preflight::NotYet,
        }
    }

    pub fn saving(&self) -> bool {
        matches!(self.phase, SavePhase::Saving)
    }

    /// The Vault address or the password manager's command is asked for.
    pub fn has_place(&self) -> bool {
        matches!(
            self.store.kind(),
            SecretStoreKind::Vault | SecretStoreKind::Command
        )
    }
}

/// The Vault preflight of the save step.
#[derive(Debug)]
pub enum Preflight {
    NotYet,
    Checking(u64),
    Passed,
    Failed(StoreError),
}

/// What is known of the OS keyring when the save step opens.
#[derive(Debug)]
pub enum KeyringCheck {
    NotYet,
    Checking,
    Usable,
    /// The file store was pre-selected, for this reason.
    Unusable(StoreError),
}

/// Values to start the wizard with (from `setup` options).
#[derive(Debug, Default, Clone)]
pub struct Prefill {
    pub provider: Option<String>,
    pub instance: Option<String>,
    pub client_name: Option<String>,
    pub login: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub scopes: Option<String>,
    pub client_id: Option<String>,
    /// `--grant-type` as given (its default counts as given).
    pub grant: Option<String>,
}
