//! The app's sign-in: what the user sees while signing in with authorization code (the URL,
//! whether a browser opened, a field to paste the address the browser ended on, the time left)
//! or device code (the code, large, the address and a QR code), and the result. Shared by the
//! wizard's sign-in step and "log in again" on the home screen. Pure: the runtime runs the
//! sign-in and reports back.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent};

mod view;

use crate::flows::sign_in::{
    BrowserOutcome, DeviceEvent, Progress, SignInError, SignInEvent, SignedIn,
};
use crate::protocol::token::GrantType;
use crate::session::Session;
use crate::tui::msg::Msg;
use crate::tui::widgets::keymap::{Key, Keymap};
use crate::tui::widgets::text_field::TextField;

#[derive(Debug)]
pub enum PanelState {
    Starting,
    Browser {
        url: String,
        redirect_uri: String,
        browser: BrowserOutcome,
        listener_failed: Option<crate::protocol::authorize::BindError>,
        deadline: Instant,
    },
    Device {
        user_code: String,
        verification_uri: String,
        complete: Option<String>,
        deadline: Instant,
        slower: Option<Duration>,
    },
    Exchanging,
    /// Signed in: what to keep, and the access token's lifetime as the server gave it.
    Done {
        session: Box<Session>,
        expires_in: Option<u64>,
    },
    Failed(Box<SignInError>),
    Cancelled,
}

/// What a key asks of the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelKey {
    Cancel,
    UsePaste,
    Continue,
    Retry,
    Back,
    /// The sign-in address alone on the plain screen, to copy or click.
    ShowAddress,
    /// The sign-in address to the terminal's clipboard (OSC 52).
    CopyAddress,
}

/// What a key asks of the screen that holds the panel.
#[derive(Debug, PartialEq, Eq)]
pub enum PanelAction {
    None,
    /// Hand this pasted answer to the running sign-in.
    Paste(String),
    Cancel,
    Retry,
    /// Signed in; go on (save).
    Continue,
    /// Leave the panel (after a failure or a cancel).
    Back,
    /// Show this address alone, unwrapped, on the plain screen.
    ShowAddress(String),
    /// Send this address to the terminal's clipboard.
    CopyAddress(String),
}

#[derive(Debug)]
pub struct SignInPanel {
    pub attempt: u64,
    pub grant: GrantType,
    pub state: PanelState,
    pub paste: TextField,
    /// Why the last paste was not used.
    pub paste_note: Option<crate::protocol::authorize::CallbackError>,
    /// The address was sent to the clipboard (said until the next key).
    pub copied: bool,
    scopes: Vec<String>,
    refresh_scope: Option<String>,
}

impl SignInPanel {
    pub fn new(
        attempt: u64,
        grant: GrantType,
        scopes: Vec<String>,
        refresh_scope: Option<String>,
    ) -> Self {
        Self {
            attempt,
            grant,
            state: PanelState::Starting,
            paste: TextField::new("Address the browser ended on (or the code)"),
            paste_note: None,
            copied: false,
            scopes,
            refresh_scope,
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(
            self.state,
            PanelState::Starting
                | PanelState::Browser { .. }
                | PanelState::Device { .. }
                | PanelState::Exchanging
        )
    }

    /// Typing goes to the paste field while the browser sign-in waits.
    pub fn typing(&self) -> bool {
        matches!(self.state, PanelState::Browser { .. })
    }

    /// A report from the sign-in `attempt`, which arrived at `at`.
    pub fn on_update(&mut self, attempt: u64, update: Progress, at: Instant) {
        if attempt != self.attempt || !self.is_running() {
            return;
        }
        match update {
            Progress::Browser(SignInEvent::Waiting {
                url,
                redirect_uri,
                browser,
                listener_failed,
            }) => {
                self.state = PanelState::Browser {
                    url,
                    redirect_uri,
                    browser,
                    listener_failed,
                    deadline: at + crate::flows::sign_in::SIGN_IN_TIMEOUT,
                };
            }
            Progress::Browser(SignInEvent::PasteRefused(e)) => self.paste_note = Some(e),
            Progress::Browser(SignInEvent::Exchanging) => self.state = PanelState::Exchanging,
            Progress::Device(DeviceEvent::Show {
                user_code,
                verification_uri,
                complete,
                expires_in,
            }) => {
                self.state = PanelState::Device {
                    user_code,
                    verification_uri,
                    complete,
                    deadline: at + expires_in,
                    slower: None,
                };
            }
            Progress::Device(DeviceEvent::SlowDown { interval }) => {
                if let PanelState::Device { slower, .. } = &mut self.state {
                    *slower = Some(interval);
                }
            }
        }
    }

    pub fn on_result(&mut self, attempt: u64, result: Result<SignedIn, SignInError>) {
        if attempt != self.attempt || !self.is_running() {
            return;
        }
        self.state = match result {
            Ok(mut signed) => {
                let session = crate::flows::sign_in::session(&mut signed, &self.scopes);
                PanelState::Done {
                    session: Box::new(session),
                    expires_in: signed.granted.expires_in,
                }
            }
            Err(SignInError::Cancelled) => PanelState::Cancelled,
            Err(e) => PanelState::Failed(Box::new(e)),
        };
    }

    /// Take a message meant for the running sign-in; any other comes back.
    pub fn on_msg(&mut self, msg: Msg) -> Option<Msg> {
        match msg {
            Msg::SignInProgress {
                attempt,
                update,
                at,
            } => self.on_update(attempt, update, at),
            Msg::SignedIn { attempt, result } => self.on_result(attempt, *result),
            Msg::Paste(text) => self.on_paste(&text),
            other => return Some(other),
        }
        None
    }

    pub fn on_paste(&mut self, text: &str) {
        if self.typing() {
            self.paste.on_paste(text);
        }
    }

    /// The panel's keys in its state: the legend and the key handling both read it.
    pub fn keymap(&self) -> Keymap<PanelKey> {
        let running = Keymap::new().on(KeyCode::Esc, "Esc", "cancel", PanelKey::Cancel);
        match self.state {
            PanelState::Browser { .. } => Keymap::new()
                .on(
                    KeyCode::Enter,
                    "Enter",
                    "use the pasted address",
                    PanelKey::UsePaste,
                )
                .on(
                    Key::Ctrl('o'),
                    "Ctrl+O",
                    "address alone",
                    PanelKey::ShowAddress,
                )
                .on(Key::Ctrl('y'), "Ctrl+Y", "copy it", PanelKey::CopyAddress)
                .embed(running, |k| k),
            PanelState::Starting | PanelState::Device { .. } | PanelState::Exchanging => running,
            PanelState::Done { .. } => {
                Keymap::new().on(KeyCode::Enter, "Enter", "continue", PanelKey::Continue)
            }
            // q leaves a finished screen here as on verify and rotate.
            PanelState::Failed(_) | PanelState::Cancelled => Keymap::new()
                .on('r', "r", "try again", PanelKey::Retry)
                .quiet(KeyCode::Enter, PanelKey::Retry)
                .on(KeyCode::Esc, "Esc", "back", PanelKey::Back)
                .quiet('q', PanelKey::Back),
        }
    }

    pub fn on_key(&mut self, key: KeyEvent) -> PanelAction {
        match self.keymap().action(&key) {
            Some(act) => self.apply(act),
            None => {
                self.type_key(key);
                PanelAction::None
            }
        }
    }

    /// A key the table lacks: typed into the paste field while the browser sign-in waits.
    pub fn type_key(&mut self, key: KeyEvent) {
        self.copied = false;
        if self.typing() {
            self.paste.on_key(key);
        }
    }

    pub fn apply(&mut self, act: PanelKey) -> PanelAction {
        self.copied = act == PanelKey::CopyAddress;
        match act {
            PanelKey::ShowAddress | PanelKey::CopyAddress => {
                let Some(url) = self.url().map(str::to_string) else {
                    return PanelAction::None;
                };
                match act {
                    PanelKey::ShowAddress => PanelAction::ShowAddress(url),
                    _ => PanelAction::CopyAddress(url),
                }
            }
            PanelKey::Cancel => {
                self.state = PanelState::Cancelled;
                PanelAction::Cancel
            }
            PanelKey::UsePaste => {
                let text = self.paste.value().trim().to_string();
                self.paste.set_value("");
                self.paste_note = None;
                if text.is_empty() {
                    PanelAction::None
                } else {
                    PanelAction::Paste(text)
                }
            }
            PanelKey::Continue => PanelAction::Continue,
            PanelKey::Retry => PanelAction::Retry,
            PanelKey::Back => PanelAction::Back,
        }
    }

    /// The keys the legend shows.
    pub fn keys(&self) -> Vec<(&'static str, &'static str)> {
        self.keymap().legend()
    }

    /// The session to save, once signed in.
    pub fn session(&self) -> Option<Session> {
        match &self.state {
            PanelState::Done { session, .. } => Some((**session).clone()),
            _ => None,
        }
    }
}
