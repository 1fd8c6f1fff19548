//! "Log in again" from the home screen: a new sign-in for a profile of a user grant, its tokens
//! kept for the profile (which is otherwise unchanged).

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::stores::profile::Profile;
use crate::tui::command::{Command, Ending, Outcome, SignInJob};
use crate::tui::msg::Msg;
use crate::tui::widgets::keymap::Keymap;
use crate::tui::widgets::layout::{self, Chrome};
use crate::tui::widgets::sign_in_panel::{PanelAction, PanelKey, SignInPanel};
use crate::tui::widgets::theme::Paint;
use crate::tui::widgets::wrap;

/// What a key does on the screen: the panel's keys, or leaving after a failed save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Panel(PanelKey),
    Back,
}

#[derive(Debug)]
pub struct LoginScreen {
    pub name: String,
    pub profile: Profile,
    pub panel: SignInPanel,
    pub saving: bool,
    pub save_error: Option<crate::stores::account::AccountError>,
    attempt: u64,
}

impl LoginScreen {
    pub fn start(name: String, profile: Profile) -> (Self, Vec<Command>) {
        let panel = Self::panel(&profile, 1);
        let mut screen = Self {
            name,
            profile,
            panel,
            saving: false,
            save_error: None,
            attempt: 0,
        };
        let cmds = screen.sign_in();
        (screen, cmds)
    }

    fn panel(p: &Profile, attempt: u64) -> SignInPanel {
        let refresh_scope = p.user_grant.as_ref().and_then(|g| g.refresh_scope.clone());
        SignInPanel::new(attempt, p.grant_type, p.scopes.clone(), refresh_scope)
    }

    fn sign_in(&mut self) -> Vec<Command> {
        self.attempt += 1;
        self.panel = Self::panel(&self.profile, self.attempt);
        let p = &self.profile;
        vec![Command::SignIn {
            attempt: self.attempt,
            job: Box::new(SignInJob {
                grant: p.grant_type,
                // The runtime reads the stored secret (a keyring call) before it starts.
                request: p.client_side(None),
                user_grant: p.user_grant.clone().unwrap_or_default(),
                secret_of: Some(Box::new(p.clone())),
            }),
        }]
    }

    pub fn is_busy(&self) -> bool {
        self.panel.is_running() || self.saving
    }

    pub fn update(&mut self, msg: Msg) -> Outcome {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Paste(text) => {
                self.panel.on_paste(&text);
                Outcome::none()
            }
            Msg::SignInProgress {
                attempt,
                update,
                at,
            } => {
                self.panel.on_update(attempt, update, at);
                Outcome::none()
            }
            Msg::SignedIn { attempt, result } => {
                self.panel.on_result(attempt, *result);
                Outcome::none()
            }
            Msg::SessionSaved(result) => {
                self.saving = false;
                match result {
                    Ok(()) => Outcome::Done(Ending::SignedIn {
                        name: self.name.clone(),
                    }),
                    Err(e) => {
                        self.save_error = Some(e);
                        Outcome::none()
                    }
                }
            }
            _ => Outcome::none(),
        }
    }

    /// The keys of the screen as it is now: the key handling and the legend read this table.
    fn keymap(&self) -> Keymap<Act> {
        if self.saving {
            Keymap::new().keys("…", "saving", &[])
        } else if self.save_error.is_some() {
            Keymap::new()
                .on(
                    KeyCode::Enter,
                    "Enter",
                    "save again",
                    Act::Panel(PanelKey::Continue),
                )
                .on(KeyCode::Esc, "Esc", "back", Act::Back)
        } else {
            // Help is the app's key; the legend names the one that works here.
            let help = if self.typing() { "F1" } else { "?" };
            Keymap::new()
                .embed(self.panel.keymap(), Act::Panel)
                .keys(help, "help", &[])
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Outcome {
        let action = match self.keymap().action(&key) {
            Some(Act::Back) => return Outcome::Back,
            Some(Act::Panel(k)) => self.panel.apply(k),
            None if self.saving => return Outcome::none(),
            None => {
                self.panel.type_key(key);
                PanelAction::None
            }
        };
        match action {
            PanelAction::None => Outcome::none(),
            PanelAction::ShowAddress(url) => vec![Command::ShowAlone(url)].into(),
            PanelAction::CopyAddress(url) => vec![Command::CopyToClipboard(url)].into(),
            PanelAction::Paste(text) => vec![Command::SignInPaste(text)].into(),
            PanelAction::Cancel => vec![Command::CancelSignIn].into(),
            PanelAction::Retry => self.sign_in().into(),
            PanelAction::Back => Outcome::Back,
            PanelAction::Continue => match self.panel.session() {
                Some(session) => {
                    self.saving = true;
                    self.save_error = None;
                    vec![Command::SaveSession {
                        name: self.name.clone(),
                        session: Box::new(session),
                    }]
                    .into()
                }
                None => Outcome::none(),
            },
        }
    }

    pub fn keys(&self) -> Vec<(&'static str, &'static str)> {
        self.keymap().legend()
    }

    pub fn typing(&self) -> bool {
        self.panel.typing()
    }

    pub fn render(&self, frame: &mut Frame, paint: &Paint) {
        let chrome = Chrome {
            title: format!("oauth-setup · log in again to {}", self.name),
            indicator: self.profile.grant_type.label().to_string(),
            steps: vec![],
            keys: self.keys(),
        };
        let area = layout::draw(frame, paint.theme, &chrome);
        let mut head = vec![Line::raw(format!(
            "{} client {} at {}",
            self.profile.provider, self.profile.client_id, self.profile.instance_url
        ))];
        if let Some(e) = &self.save_error {
            head.push(Line::styled(
                format!("✗ the tokens could not be saved: {e}"),
                paint.theme.error(),
            ));
        }
        let head = wrap::hanging_all(head, area.width);
        let head_h = u16::try_from(head.len() + 1)
            .unwrap_or(u16::MAX)
            .min(area.height);
        let top = Rect {
            height: head_h,
            ..area
        };
        frame.render_widget(wrap::paragraph(head, top), top);
        let body = Rect {
            y: area.y + head_h,
            height: area.height - head_h,
            ..area
        };
        let dctx = crate::protocol::token::Context {
            surface: crate::protocol::token::Surface::App,
            ..self.profile.diagnosis_context()
        };
        self.panel.render(frame, body, paint, &dctx);
    }
}
