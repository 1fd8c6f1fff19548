//! The app's sign-in: what the user sees while signing in with authorization code (the URL,
//! whether a browser opened, a field to paste the address the browser ended on, the time left)
//! or device code (the code, large, the address and a QR code), and the result. Shared by the
//! wizard's sign-in step and "log in again" on the home screen. Pure: the runtime runs the
//! sign-in and reports back.

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::msg::Msg;
use super::text_field::TextField;
use super::theme::Paint;
use super::wrap;
use crate::account::Session;
use crate::authorize::SkipReason;
use crate::sign_in::{BrowserOutcome, DeviceEvent, Progress, SignInError, SignInEvent, SignedIn};
use crate::token::{Context, GrantType};

#[derive(Debug)]
pub enum PanelState {
    Starting,
    Browser {
        url: String,
        redirect_uri: String,
        browser: BrowserOutcome,
        listener_failed: Option<crate::authorize::BindError>,
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
}

#[derive(Debug)]
pub struct SignInPanel {
    pub attempt: u64,
    pub grant: GrantType,
    pub state: PanelState,
    pub paste: TextField,
    /// Why the last paste was not used.
    pub paste_note: Option<String>,
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
                    deadline: at + crate::sign_in::SIGN_IN_TIMEOUT,
                };
            }
            Progress::Browser(SignInEvent::PasteRefused(e)) => {
                self.paste_note = Some(e.to_string())
            }
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
                let session = crate::sign_in::session(&mut signed, &self.scopes);
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

    pub fn on_key(&mut self, key: KeyEvent) -> PanelAction {
        let plain = !key.modifiers.contains(KeyModifiers::CONTROL);
        match (&self.state, key.code) {
            (_, KeyCode::Esc) if self.is_running() => {
                self.state = PanelState::Cancelled;
                PanelAction::Cancel
            }
            (PanelState::Browser { .. }, KeyCode::Enter) => {
                let text = self.paste.value().trim().to_string();
                self.paste.set_value("");
                self.paste_note = None;
                if text.is_empty() {
                    PanelAction::None
                } else {
                    PanelAction::Paste(text)
                }
            }
            (PanelState::Browser { .. }, _) => {
                self.paste.on_key(key);
                PanelAction::None
            }
            (PanelState::Done { .. }, KeyCode::Enter) => PanelAction::Continue,
            (
                PanelState::Failed(_) | PanelState::Cancelled,
                KeyCode::Char('r') | KeyCode::Enter,
            ) if plain => PanelAction::Retry,
            (PanelState::Failed(_) | PanelState::Cancelled, KeyCode::Esc) => PanelAction::Back,
            _ => PanelAction::None,
        }
    }

    /// The keys the legend shows.
    pub fn keys(&self) -> Vec<(&'static str, &'static str)> {
        match self.state {
            PanelState::Browser { .. } => {
                vec![("Enter", "use the pasted address"), ("Esc", "cancel")]
            }
            PanelState::Starting | PanelState::Device { .. } | PanelState::Exchanging => {
                vec![("Esc", "cancel")]
            }
            PanelState::Done { .. } => vec![("Enter", "continue")],
            PanelState::Failed(_) | PanelState::Cancelled => {
                vec![("r", "try again"), ("Esc", "back")]
            }
        }
    }

    /// The session to save, once signed in.
    pub fn session(&self) -> Option<Session> {
        match &self.state {
            PanelState::Done { session, .. } => Some((**session).clone()),
            _ => None,
        }
    }

    /// Text above the paste field (or all of it, for the other states), given `now`.
    pub fn lines(&self, paint: &Paint, now: Instant, dctx: &Context) -> Vec<Line<'static>> {
        let theme = paint.theme;
        match &self.state {
            PanelState::Starting => vec![Line::raw(format!(
                "{} starting the sign-in …",
                paint.spin()
            ))],
            PanelState::Browser { .. } => self.browser_lines(paint, now),
            PanelState::Device { .. } => self.device_lines(paint, now),
            PanelState::Exchanging => vec![Line::raw(format!(
                "{} answer received; exchanging the code …",
                paint.spin()
            ))],
            PanelState::Done {
                session,
                expires_in,
            } => vec![
                Line::styled("✓ signed in", theme.ok()),
                Line::raw(format!(
                    "  {}",
                    crate::report::signed_in(
                        *expires_in,
                        session.refresh.is_some(),
                        self.refresh_scope.as_deref(),
                        crate::token::Surface::App,
                    )
                )),
            ],
            PanelState::Failed(e) => {
                let (what, fix) = e.explain(dctx);
                let mut lines = vec![Line::styled(format!("✗ {what}"), theme.error())];
                if let Some(f) = fix {
                    lines.push(Line::raw(format!("  fix: {f}")));
                }
                lines
            }
            PanelState::Cancelled => vec![Line::styled(
                "Cancelled; nothing was exchanged. Press r to sign in again.",
                theme.warn(),
            )],
        }
    }

    fn browser_lines(&self, paint: &Paint, now: Instant) -> Vec<Line<'static>> {
        let PanelState::Browser {
            redirect_uri,
            browser,
            listener_failed,
            deadline,
            ..
        } = &self.state
        else {
            return vec![];
        };
        let theme = paint.theme;
        // The waiting line first and the address last, so a small terminal still shows both
        // the time left and the whole address above the paste field.
        let mut lines = vec![Line::raw(format!(
            "{} waiting for the answer on {redirect_uri} ({})",
            paint.spin(),
            left(*deadline, now)
        ))];
        if let Some(e) = listener_failed {
            lines.push(Line::styled(format!("! {e}"), theme.warn()));
        }
        if let Some(note) = &self.paste_note {
            lines.push(Line::styled(format!("✗ not used: {note}"), theme.error()));
        }
        lines.push(Line::raw(browser_words(browser).to_string()));
        lines
    }

    /// The address to open, when there is one (drawn cut hard at the width: a URL must not be
    /// broken at its hyphens).
    pub fn url(&self) -> Option<&str> {
        match &self.state {
            PanelState::Browser { url, .. } => Some(url),
            _ => None,
        }
    }

    fn device_lines(&self, paint: &Paint, now: Instant) -> Vec<Line<'static>> {
        let PanelState::Device {
            user_code,
            verification_uri,
            complete,
            deadline,
            slower,
        } = &self.state
        else {
            return vec![];
        };
        let theme = paint.theme;
        let mut lines = vec![
            Line::raw(format!(
                "On any device, open {verification_uri} and enter the code:"
            )),
            Line::raw(""),
            Line::styled(format!("    {}", spaced(user_code)), theme.title()),
            Line::raw(""),
            Line::raw(format!(
                "{} waiting for the sign-in ({}). Only enter the code if you started this sign-in.",
                paint.spin(),
                left(*deadline, now)
            )),
        ];
        if let Some(i) = slower {
            lines.push(Line::styled(
                format!(
                    "! the server asked to poll more slowly: every {} s",
                    i.as_secs()
                ),
                theme.warn(),
            ));
        }
        if let Some(c) = complete {
            lines.push(Line::raw(format!("Or scan (opens {c})")));
        }
        lines
    }

    /// The QR code of the address with the code filled in, when the server sent one.
    pub fn qr(&self) -> Option<Vec<Line<'static>>> {
        match &self.state {
            PanelState::Device {
                complete: Some(c), ..
            } => Some(qr_lines(c)),
            _ => None,
        }
    }
}

/// "4:59 left".
fn left(deadline: Instant, now: Instant) -> String {
    let secs = deadline.saturating_duration_since(now).as_secs();
    format!("{}:{:02} left", secs / 60, secs % 60)
}

impl SignInPanel {
    /// Draw the panel: its text, and the paste field while the browser sign-in waits.
    pub fn render(&self, frame: &mut Frame, area: Rect, paint: &Paint, dctx: &Context) {
        let mut lines = wrap::hanging_all(self.lines(paint, Instant::now(), dctx), area.width);
        if let Some(qr) = self.qr() {
            // Only whole: a QR code cut at the bottom does not scan.
            let room = usize::from(area.height).saturating_sub(lines.len());
            if qr.len() <= room {
                lines.extend(qr);
            } else {
                lines.push(Line::styled(
                    "(a taller terminal shows a QR code here)",
                    paint.theme.dim(),
                ));
            }
        }
        if let Some(url) = self.url() {
            let chars: Vec<char> = url.chars().collect();
            let w = usize::from(area.width.max(1));
            lines.extend(
                chars
                    .chunks(w)
                    .map(|c| Line::styled(c.iter().collect::<String>(), paint.theme.focus())),
            );
        }
        let text_h = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        let field_h = if self.typing() { 3 } else { 0 };
        let text_area = Rect {
            height: area.height.saturating_sub(field_h).min(text_h),
            ..area
        };
        frame.render_widget(wrap::paragraph(lines, text_area), text_area);
        if self.typing() && area.height > text_area.height {
            let field = Rect {
                y: area.y + text_area.height,
                height: area.height - text_area.height,
                ..area
            };
            self.paste.render(frame, field, true, paint.theme, None);
        }
    }
}

fn browser_words(b: &BrowserOutcome) -> &'static str {
    match b {
        BrowserOutcome::Opened => {
            "A browser opened this address; sign in there, or paste below the address it ends on:"
        }
        BrowserOutcome::Skipped(SkipReason::Remote) => {
            "SSH session: open this on your own machine, sign in, paste below the address it ends on:"
        }
        BrowserOutcome::Skipped(_) | BrowserOutcome::Failed(_) => {
            "Open this in a browser, sign in, and paste below the address it ends on:"
        }
    }
}

/// "ABCD-EFGH" as "A B C D - E F G H", easier to read off a screen.
fn spaced(code: &str) -> String {
    code.chars().map(String::from).collect::<Vec<_>>().join(" ")
}

fn qr_lines(text: &str) -> Vec<Line<'static>> {
    crate::sign_in::qr_code(text)
        .map(|art| {
            art.lines()
                .map(|l| Line::from(Span::raw(l.to_string())))
                .collect()
        })
        .unwrap_or_default()
}
