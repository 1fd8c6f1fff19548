//! Everything that can happen to the app: input, and the results of background work.

use ratatui::crossterm::event::KeyEvent;

use crate::flows::sign_in::{Progress, SignInError, SignedIn};
use crate::flows::verify::ProfileReport;
use crate::protocol::discovery::{DiscoveryError, Metadata};
use crate::protocol::token::{TestFailure, TestOk};
use crate::session::status::SessionStatus;
use crate::stores::account::{AccountError, Deleted, Saved};
use crate::stores::profile::{ProfileError, ProfilesFile};
use crate::stores::secret_store::StoreError;
use std::time::Instant;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// Spinner frames while something runs.
    Tick,
    /// SIGTERM or SIGINT from outside: leave now, restoring the terminal.
    Terminate,
    TestDone {
        attempt: u64,
        result: Box<Result<TestOk, TestFailure>>,
    },
    /// A profile was saved: where the profile and the secret went.
    Saved(Result<Saved, AccountError>),
    /// The running rotation's report.
    RotateProgress {
        attempt: u64,
        update: crate::flows::rotate::Progress,
    },
    /// A rotation ended: the new secret replaced the stored one, or why not.
    Rotated {
        attempt: u64,
        result: Box<Result<crate::flows::rotate::Rotated, crate::flows::rotate::RotateError>>,
    },
    /// One profile's checks, `index` into the names verified.
    Verified {
        index: usize,
        report: Box<ProfileReport>,
    },
    /// Every profile was checked; whether the results could be recorded.
    VerifyDone(Result<(), ProfileError>),
    Deleted {
        name: String,
        result: Result<Deleted, AccountError>,
    },
    Profiles(Result<ProfilesFile, ProfileError>),
    /// Why the OS keyring cannot be used here, or `None` when it can.
    KeyringProbed(Option<StoreError>),
    /// A running sign-in's report, stamped with when it arrived (for the time left).
    SignInProgress {
        attempt: u64,
        update: Progress,
        at: Instant,
    },
    SignedIn {
        attempt: u64,
        result: Box<Result<SignedIn, SignInError>>,
    },
    /// A server's metadata, read from the URL given first.
    Discovered {
        attempt: u64,
        result: Box<Result<(String, Metadata), DiscoveryError>>,
    },
    /// The Vault preflight of the save step.
    VaultChecked {
        attempt: u64,
        result: Result<(), StoreError>,
    },
    /// What a profile file would contact or run, for the user to confirm.
    ImportPlanned(Box<Result<crate::flows::import::Prepared, crate::flows::import::ImportError>>),
    Imported(Box<Result<crate::flows::import::Imported, crate::flows::import::ImportError>>),
    /// A new sign-in's tokens were kept for a profile.
    SessionSaved(Result<(), crate::stores::account::AccountError>),
    /// What one profile holds; `None` when it is gone.
    Described(Box<Option<crate::flows::show::ProfileInfo>>),
    /// A profile to edit, with its stored secret (`None` for a public client) or why it could
    /// not be read.
    EditReady {
        name: String,
        /// The profile as profiles.toml holds it now (`None`: gone meanwhile).
        profile: Option<Box<crate::stores::profile::Profile>>,
        secret: Result<Option<crate::rules::secret::ClientSecret>, StoreError>,
    },
    Renamed {
        from: String,
        result: Result<String, crate::flows::manage::ManageError>,
    },
    Copied {
        from: String,
        result:
            Result<(String, crate::stores::account::Rewritten), crate::flows::manage::ManageError>,
    },
    DefaultMade {
        name: String,
        result: Result<(), crate::flows::manage::ManageError>,
    },
    /// What each profile holds beside its secret (token expiry, refresh-token age).
    Statuses(Vec<(String, SessionStatus)>),
}
