//! The rotate screen: a new secret, tested live, replaces the stored one only if it works.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::command::{Command, Ending, Outcome};
use super::layout::{self, Chrome};
use super::msg::Msg;
use super::secret_field::SecretField;
use super::theme::{Paint, Theme};
use super::wrap;
use crate::profile::Profile;
use crate::report::{overtaken, test_failure_lines, unchanged_secret};
use crate::rotate::{Progress, RotateError};

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

    fn on_key(&mut self, key: KeyEvent) -> Outcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match (&self.state, key.code) {
            (RotateState::Testing { .. }, KeyCode::Esc) => {
                self.state = RotateState::Editing;
                vec![Command::CancelRotate].into()
            }
            (RotateState::Testing { .. } | RotateState::Storing { .. }, _) => Outcome::none(),
            (RotateState::Done(_), KeyCode::Enter | KeyCode::Esc | KeyCode::Char('q')) => {
                Outcome::Done(Ending::Quiet)
            }
            (_, KeyCode::Esc) => {
                self.secret.clear();
                Outcome::Back
            }
            (_, KeyCode::Char('r')) if ctrl => {
                self.secret.toggle_reveal();
                Outcome::none()
            }
            (RotateState::Done(_), _) => Outcome::none(),
            (_, KeyCode::Enter) => self.start_test().into(),
            _ => {
                self.state = RotateState::Editing;
                self.secret.on_key(key);
                Outcome::none()
            }
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
        match self.state {
            RotateState::Testing { .. } => vec![("Esc", "cancel")],
            RotateState::Storing { .. } => vec![("…", "storing")],
            RotateState::Done(_) => vec![("Enter", "finish")],
            _ => vec![
                ("Enter", "test and replace"),
                ("Ctrl+R", "show/hide"),
                ("Esc", "back"),
                ("F1", "help"),
            ],
        }
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
                p.secret_rotated_at.as_deref().unwrap_or("never")
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
                let ctx = crate::token::Context {
                    surface: crate::token::Surface::App,
                    ..self.profile.diagnosis_context()
                };
                let (summary, fix) = test_failure_lines(f, &ctx);
                let kept = unchanged_secret(
                    self.profile.last_verification.as_ref(),
                    std::time::SystemTime::now(),
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
                Some(e.fix(paint.dir, name, crate::token::Surface::App)),
            ),
            RotateError::Store(e) => line(
                "✗ the new secret works but could not be stored: ",
                e.to_string(),
                e.fix(paint.dir, name, crate::token::Surface::App),
            ),
            RotateError::Cancelled => vec![],
        }
    }
}
