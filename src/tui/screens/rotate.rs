//! The rotate screen: a new secret, tested live, replaces the stored one only if it works.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::flows::rotate::{Progress, RotateError};
use crate::report::{overtaken, test_failure_lines, unchanged_secret};
use crate::stores::profile::Profile;
use crate::tui::command::{Command, Ending, Outcome};
use crate::tui::msg::Msg;
use crate::tui::widgets::keymap::{Key, Keymap};
use crate::tui::widgets::layout::{self, Chrome};
use crate::tui::widgets::secret_field::SecretField;
use crate::tui::widgets::theme::{Paint, Theme};
use crate::tui::widgets::wrap;

/// What a key does on the rotate screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Test,
    Reveal,
    Back,
    Cancel,
    Finish,
}

#[derive(Debug)]
pub enum RotateState {
    Editing,
    /// The rotation `attempt` tests the new secret; it is stored if the test passes.
    Testing {
        attempt: u64,
    },
    Storing {
        attempt: u64,
    },
    /// Why the rotation changed nothing (never `Cancelled`: a stop returns to `Editing`).
    Failed(Box<RotateError>),
    Done(String),
}

#[derive(Debug)]
pub struct Rotate {
    pub name: String,
    pub profile: Profile,
    pub secret: SecretField,
    pub state: RotateState,
    attempt: u64,
}

impl Rotate {
    pub fn new(name: String, profile: Profile) -> Self {
        Self {
            name,
            profile,
            secret: SecretField::new("New client secret"),
            state: RotateState::Editing,
            attempt: 0,
        }
    }

    /// The secret field takes keys (so `?` is a character) while a secret can be entered.
    pub fn typing(&self) -> bool {
        matches!(self.state, RotateState::Editing | RotateState::Failed(_))
    }

    pub fn is_busy(&self) -> bool {
        matches!(
            self.state,
            RotateState::Testing { .. } | RotateState::Storing { .. }
        )
    }

    /// The rotation running now, if any.
    fn running(&self) -> Option<u64> {
        match self.state {
            RotateState::Testing { attempt } | RotateState::Storing { attempt } => Some(attempt),
            _ => None,
        }
    }

    pub fn update(&mut self, msg: Msg) -> Outcome {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Paste(text)
                if matches!(self.state, RotateState::Editing | RotateState::Failed(_)) =>
            {
                self.state = RotateState::Editing;
                self.secret.on_paste(&text);
                Outcome::none()
            }
            Msg::RotateProgress { attempt, update } if self.running() == Some(attempt) => {
                if let Progress::Tested(_) = update {
                    self.state = RotateState::Storing { attempt };
                }
                Outcome::none()
            }
            Msg::Rotated { attempt, result } if self.running() == Some(attempt) => {
                self.state = match *result {
                    Ok(done) => {
                        self.secret.clear();
                        RotateState::Done(done.location)
                    }
                    Err(RotateError::Cancelled) => RotateState::Editing,
                    Err(e) => RotateState::Failed(Box::new(e)),
                };
                Outcome::none()
            }
            _ => Outcome::none(),
        }
    }

    /// The keys of the screen as it is now: the key handling and the legend read this table.
    /// F1 is the app's (help over every screen); the table names it where it works.
    fn keymap(&self) -> Keymap<Act> {
        match self.state {
            RotateState::Testing { .. } => {
                Keymap::new().on(KeyCode::Esc, "Esc", "cancel", Act::Cancel)
            }
            RotateState::Storing { .. } => Keymap::new().keys("…", "storing", &[]),
            RotateState::Done(_) => Keymap::new()
                .on(KeyCode::Enter, "Enter", "finish", Act::Finish)
                .quiet(KeyCode::Esc, Act::Finish)
                .quiet('q', Act::Finish)
                .keys("?", "help", &[]),
            RotateState::Editing | RotateState::Failed(_) => Keymap::new()
                .on(KeyCode::Enter, "Enter", "test and replace", Act::Test)
                .on(Key::Ctrl('r'), "Ctrl+R", "show/hide", Act::Reveal)
                .on(KeyCode::Esc, "Esc", "back", Act::Back)
                .keys("F1", "help", &[]),
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Outcome {
        match self.keymap().action(&key) {
            Some(Act::Cancel) => {
                self.state = RotateState::Editing;
                vec![Command::CancelRotate].into()
            }
            Some(Act::Finish) => Outcome::Done(Ending::Quiet),
            Some(Act::Back) => {
                self.secret.clear();
                Outcome::Back
            }
            Some(Act::Reveal) => {
                self.secret.toggle_reveal();
                Outcome::none()
            }
            Some(Act::Test) => self.start_test().into(),
            // Typed into the secret while it can be edited; a new value clears a failure.
            None if matches!(self.state, RotateState::Editing | RotateState::Failed(_)) => {
                self.state = RotateState::Editing;
                self.secret.on_key(key);
                Outcome::none()
            }
            None => Outcome::none(),
        }
    }

    fn start_test(&mut self) -> Vec<Command> {
        match self.secret.validated() {
            Ok(v) => {
                self.attempt += 1;
                self.state = RotateState::Testing {
                    attempt: self.attempt,
                };
                vec![Command::Rotate {
                    attempt: self.attempt,
                    name: self.name.clone(),
                    profile: Box::new(self.profile.clone()),
                    secret: v.value,
                }]
            }
            Err(e) => {
                self.secret.field.error = Some(e.message);
                vec![]
            }
        }
    }

    pub fn keys(&self) -> Vec<(&'static str, &'static str)> {
        self.keymap().legend()
    }

    pub fn render(&self, frame: &mut Frame, paint: &Paint) {
        let theme = paint.theme;
        let chrome = Chrome {
            title: format!("oauth-setup · rotate the secret of {}", self.name),
            indicator: String::new(),
            steps: vec![],
            keys: self.keys(),
        };
        let area = layout::draw(frame, theme, &chrome);
        frame.render_widget(
            Paragraph::new(self.summary_lines(theme)).wrap(Wrap { trim: true }),
            Rect {
                height: 4.min(area.height),
                ..area
            },
        );
        let field = Rect {
            y: area.y + 4,
            height: area.height.saturating_sub(4).min(6),
            ..area
        };
        let editable = !matches!(self.state, RotateState::Done(_));
        self.secret.render(frame, field, editable, theme);
        let rest = Rect {
            y: field.bottom(),
            height: area.bottom().saturating_sub(field.bottom()),
            ..area
        };
        let lines = self.state_lines(paint);
        frame.render_widget(wrap::paragraph(lines, rest), rest);
    }

    /// When the secret was last replaced, as an age ("3 days ago"); "just now" once this
    /// screen's rotation is done.
    fn last_rotated(&self) -> String {
        if matches!(self.state, RotateState::Done(_)) {
            return "just now".into();
        }
        match &self.profile.secret_rotated_at {
            Some(at) => crate::rules::timestamp::age(at, std::time::SystemTime::now())
                .unwrap_or_else(|| at.clone()),
            None => "never".into(),
        }
    }

    fn summary_lines(&self, theme: Theme) -> Vec<Line<'static>> {
        let p = &self.profile;
        vec![
            Line::raw(format!(
                "  {} client {} at {}",
                p.provider, p.client_id, p.instance_url
            )),
            Line::raw(format!(
                "  secret kept in the {} store; last rotated {}",
                p.secret.kind().as_str(),
                self.last_rotated()
            )),
            Line::styled(
                "  Paste the new secret. It is tested first; the stored one is replaced only if it works.",
                theme.focus(),
            ),
        ]
    }

    /// What is happening, or what came of it.
    fn state_lines(&self, paint: &Paint) -> Vec<Line<'static>> {
        let theme = paint.theme;
        match &self.state {
            RotateState::Editing => vec![],
            RotateState::Testing { .. } => vec![Line::raw(format!(
                "{} testing the new secret …",
                paint.spin()
            ))],
            RotateState::Storing { .. } => vec![Line::raw("storing the new secret …")],
            RotateState::Failed(e) => self.failure_lines(e, paint),
            RotateState::Done(location) => vec![Line::styled(
                format!("✓ the new secret works and replaced the old one in the {location}"),
                theme.ok(),
            )],
        }
    }

    /// Why nothing changed, in the app's words.
    fn failure_lines(&self, e: &RotateError, paint: &Paint) -> Vec<Line<'static>> {
        let theme = paint.theme;
        let line = |head: &'static str, text: String, fix: Option<String>| {
            let mut lines = vec![Line::from(vec![
                Span::styled(head, theme.error()),
                Span::raw(text),
            ])];
            if let Some(fix) = fix {
                lines.push(Line::from(vec![
                    Span::styled("  fix: ", theme.warn()),
                    Span::raw(fix),
                ]));
            }
            lines
        };
        let name = &self.name;
        match e {
            RotateError::Refused(f) => {
                let ctx = crate::protocol::token::Context {
                    surface: crate::protocol::token::Surface::App,
                    ..self.profile.diagnosis_context()
                };
                let (summary, fix) = test_failure_lines(f, &ctx);
                let kept = unchanged_secret(
                    self.profile.last_verification.as_ref(),
                    std::time::SystemTime::now(),
                    &summary,
                );
                let mut lines = line("✗ refused: ", summary, Some(fix));
                lines.push(Line::styled(format!("  {kept}"), theme.warn()));
                lines
            }
            RotateError::Overtaken { now } => line(
                "✗ ",
                overtaken("the secret", now.as_ref()),
                Some(format!(
                    "check that the secret in Vault works: verify {name} from home (v)"
                )),
            ),
            RotateError::Version(e) => line(
                "✗ the secret's current version could not be read: ",
                e.to_string(),
                Some(e.fix(paint.dir, name, crate::protocol::token::Surface::App)),
            ),
            RotateError::Store(e) => line(
                "✗ the new secret works but could not be stored: ",
                e.to_string(),
                e.fix(paint.dir, name, crate::protocol::token::Surface::App),
            ),
            RotateError::Cancelled => vec![],
        }
    }
}
