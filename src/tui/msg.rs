//! Everything that can happen to the app: input, and the results of background work.

use ratatui::crossterm::event::KeyEvent;

use crate::profile::ProfilesFile;
use crate::token::{TestFailure, TestOk};
use crate::verify::ProfileReport;

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
    Saved(Result<Saved, String>),
    /// A new secret replaced the stored one: where it is kept.
    Rotated(Result<String, String>),
    Verified(Vec<ProfileReport>),
    Deleted {
        name: String,
        result: Result<String, String>,
    },
    Profiles(Result<ProfilesFile, String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub name: String,
    pub profiles_path: String,
    pub secret_location: String,
}

/// Whether saving failed because the keyring is unusable (the user may then choose the file store).
pub const KEYRING_PREFIX: &str = "keyring: ";
