//! Work the pure update asks the runtime to do (network and keyring calls, file writes), and
//! what screens tell the app when they are done.

use crate::base::exit::ExitCode;
use crate::protocol::token::ClientSide;
use crate::protocol::token::GrantType;
use crate::rules::secret::ClientSecret;
use crate::session::Session;
use crate::stores::account::NewProfile;
use crate::stores::profile::Profile;
use crate::stores::profile::UserGrant;

#[derive(Debug)]
pub enum Command {
    /// Leave the full screen for a moment to show `0` alone (a link where the terminal makes
    /// one), unwrapped, until a key is pressed.
    ShowAlone(String),
    /// Send `0` to the terminal's clipboard (OSC 52).
    CopyToClipboard(String),
    /// Run the token test in a task; its result comes back as `Msg::TestDone` with `attempt`.
    Test {
        attempt: u64,
        request: ClientSide,
    },
    CancelTest,
    /// Run a sign-in in a task; it reports as `Msg::SignInProgress`, then `Msg::SignedIn`.
    SignIn {
        attempt: u64,
        job: Box<SignInJob>,
    },
    /// Text the user pasted, for the running sign-in.
    SignInPaste(String),
    CancelSignIn,
    Save {
        new: Box<NewProfile>,
        /// `None` for a public client.
        secret: Option<ClientSecret>,
        session: Option<Box<Session>>,
    },
    /// Keep a new sign-in's tokens for an existing profile; the answer is `Msg::SessionSaved`.
    SaveSession {
        name: String,
        session: Box<Session>,
    },
    /// Rotate `name`'s secret to `secret` in a task: it reports as `Msg::RotateProgress`,
    /// then `Msg::Rotated`, each with `attempt`.
    Rotate {
        attempt: u64,
        name: String,
        profile: Box<Profile>,
        secret: ClientSecret,
    },
    /// Stop the running rotation before it stores anything.
    CancelRotate,
    /// Verify in a task; each report comes back as `Msg::Verified`, then `Msg::VerifyDone`.
    Verify {
        names: Vec<String>,
    },
    CancelVerify,
    Delete {
        name: String,
    },
    /// Check a Vault location (KV version 2, rights); the answer is `Msg::VaultChecked`.
    CheckVault {
        attempt: u64,
        at: crate::stores::vault::VaultLocation,
    },
    /// Read a server's metadata; the answer is `Msg::Discovered`.
    Discover {
        attempt: u64,
        issuer: String,
    },
    /// Read and check a profile file, contacting and running nothing; the answer is
    /// `Msg::ImportPlanned`.
    PlanImport {
        path: String,
        /// Another name for it, or leave to replace the profile of its name (after a clash).
        request: crate::flows::import::Request,
    },
    /// Import a file whose plan the user confirmed; the answer is `Msg::Imported`.
    Import {
        prepared: Box<crate::flows::import::Prepared>,
    },
    /// Read what one profile holds (secret's presence, session, Vault history); the answer is
    /// `Msg::Described`.
    Describe {
        name: String,
    },
    /// Read a profile to edit afresh from profiles.toml, and its stored secret; the answer is
    /// `Msg::EditReady`.
    ReadForEdit {
        name: String,
    },
    /// Save an edit of `name` (as it was: `before`); the answer is `Msg::Saved`.
    SaveEdit {
        name: String,
        before: Box<Profile>,
        new: Box<NewProfile>,
        /// A new secret typed in the edit; `None` keeps the stored one.
        secret: Option<ClientSecret>,
        session: Option<Box<Session>>,
    },
    /// The answer is `Msg::Renamed`.
    Rename {
        from: String,
        to: String,
    },
    /// The answer is `Msg::Copied`.
    Copy {
        from: String,
        to: String,
        /// Share a Vault path or password-manager entry instead of an entry of its own.
        share: bool,
    },
    /// The answer is `Msg::DefaultMade`.
    MakeDefault {
        name: String,
    },
    LoadProfiles,
    /// Read what each profile holds beside its secret; the answer is `Msg::Statuses`.
    LoadStatuses,
    /// Find out whether the OS keyring works here; the answer is `Msg::KeyringProbed`.
    ProbeKeyring,
    Quit(Ending),
}

/// What a sign-in needs: the grant, the client's request (secret, scopes, authentication) and
/// the endpoints.
#[derive(Debug)]
pub struct SignInJob {
    pub grant: GrantType,
    pub request: ClientSide,
    pub user_grant: UserGrant,
    /// Sign in again for this saved profile: its secret is read from its store first.
    pub secret_of: Option<Box<Profile>>,
}

/// How the app ended, put into words once the terminal is back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The user left; nothing to add.
    Quiet,
    Saved {
        name: String,
    },
    /// Signed in again for a profile; its tokens were saved.
    SignedIn {
        name: String,
    },
    /// Left a screen before its work was done (Esc, or Ctrl+C confirmed).
    Cancelled,
    /// Ctrl+C where nothing would be lost.
    Interrupted,
    /// SIGTERM or SIGINT from outside.
    Stopped,
    /// Opened on a profile that does not exist.
    NoProfile(String),
}

impl Ending {
    /// The exit code: scripts must not go on after a cancelled or failed run.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::Quiet | Self::Saved { .. } | Self::SignedIn { .. } => ExitCode::Ok,
            Self::Cancelled | Self::Interrupted | Self::Stopped => ExitCode::Cancelled,
            Self::NoProfile(_) => ExitCode::Usage,
        }
    }

    /// The line printed after the terminal is restored.
    pub fn farewell(&self) -> Option<String> {
        match self {
            Self::Quiet | Self::Interrupted => None,
            Self::Saved { name } => Some(format!("saved profile {name}")),
            Self::SignedIn { name } => Some(format!(
                "signed in again to {name}; its new tokens were saved"
            )),
            Self::Cancelled => Some("cancelled; nothing was saved".into()),
            Self::Stopped => Some("stopped by a signal; nothing more was saved".into()),
            Self::NoProfile(name) => Some(format!("no profile named \"{name}\"")),
        }
    }
}

/// What a screen's update decided.
#[derive(Debug)]
pub enum Outcome {
    /// The screen goes on; the runtime runs these.
    Stay(Vec<Command>),
    /// The user left the screen without finishing.
    Back,
    /// The screen's work is done.
    Done(Ending),
}

impl Outcome {
    pub fn none() -> Self {
        Self::Stay(Vec::new())
    }
}

impl From<Vec<Command>> for Outcome {
    fn from(commands: Vec<Command>) -> Self {
        Self::Stay(commands)
    }
}
