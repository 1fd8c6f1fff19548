//! The rotate screen: a new secret, tested live, replaces the stored one only if it works.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::command::Command;
use super::layout::{self, Chrome};
use super::msg::Msg;
use super::secret_field::SecretField;
use super::theme::{Theme, spinner};
use crate::profile::Profile;
use crate::report::test_failure_lines;
use crate::token::TestFailure;

#[derive(Debug)]
pub enum RotateState {
    Editing,
    Testing { attempt: u64 },
    Storing,
    Failed(Box<TestFailure>),
    StoreFailed(String),
    Done(String),
}

#[derive(Debug)]
pub struct Rotate {
    pub name: String,
    pub profile: Profile,
    pub secret: SecretField,
    pub state: RotateState,
    pub spinner: usize,
    pub leave: bool,
    attempt: u64,
}

impl Rotate {
    pub fn new(name: String, profile: Profile) -> Self {
        Self {
            name,
            profile,
            secret: SecretField::new("New client secret"),
            state: RotateState::Editing,
            spinner: 0,
            leave: false,
            attempt: 0,
        }
    }

    pub fn is_busy(&self) -> bool {
        matches!(
            self.state,
            RotateState::Testing { .. } | RotateState::Storing
        )
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Paste(text)
                if matches!(self.state, RotateState::Editing | RotateState::Failed(_)) =>
            {
                self.state = RotateState::Editing;
                self.secret.on_paste(&text);
                vec![]
            }
            Msg::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                vec![]
            }
            Msg::TestDone { attempt, result } if matches!(self.state, RotateState::Testing { attempt: a } if a == attempt) => {
                match *result {
                    Ok(ok) => {
                        self.state = RotateState::Storing;
                        let secret = match self.secret.validated() {
                            Ok(v) => v.value,
                            Err(_) => return vec![],
                        };
                        vec![Command::Rotate {
                            name: self.name.clone(),
                            client_id: self.profile.client_id.clone(),
                            auth: ok.auth,
                            secret,
                        }]
                    }
                    Err(f) => {
                        self.state = RotateState::Failed(Box::new(f));
                        vec![]
                    }
                }
            }
            Msg::Rotated(result) => {
                self.state = match result {
                    Ok(location) => {
                        self.secret.clear();
                        RotateState::Done(location)
                    }
                    Err(e) => RotateState::StoreFailed(e),
                };
                vec![]
            }
            _ => vec![],
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match (&self.state, key.code) {
            (RotateState::Testing { .. }, KeyCode::Esc) => {
                self.state = RotateState::Editing;
                vec![Command::CancelTest]
            }
            (RotateState::Testing { .. } | RotateState::Storing, _) => vec![],
            (RotateState::Done(_), KeyCode::Enter | KeyCode::Esc | KeyCode::Char('q'))
            | (_, KeyCode::Esc) => {
                self.secret.clear();
                self.leave = true;
                vec![]
            }
            (_, KeyCode::Char('r')) if ctrl => {
                self.secret.toggle_reveal();
                vec![]
            }
            (RotateState::Done(_), _) => vec![],
            (_, KeyCode::Enter) => self.start_test(),
            _ => {
                self.state = RotateState::Editing;
                self.secret.on_key(key);
                vec![]
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
                vec![Command::Test {
                    attempt: self.attempt,
                    request: self.profile.token_request(v.value),
                }]
            }
            Err(e) => {
                self.secret.field.error = Some(e.message);
                vec![]
            }
        }
    }

    pub fn render(&self, frame: &mut Frame, theme: Theme) {
        let keys = match self.state {
            RotateState::Testing { .. } => vec![("Esc", "cancel")],
            RotateState::Done(_) => vec![("Enter", "finish")],
            _ => vec![
                ("Enter", "test and replace"),
                ("Ctrl+R", "show/hide"),
                ("Esc", "back"),
                ("F1", "help"),
            ],
        };
        let chrome = Chrome {
            title: format!("oauth-setup · rotate the secret of {}", self.name),
            indicator: String::new(),
            steps: vec![],
            keys,
        };
        let area = layout::draw(frame, theme, &chrome);
        let p = &self.profile;
        let summary = vec![
            Line::raw(format!(
                "  {} client {} at {}",
                p.provider, p.client_id, p.instance_url
            )),
            Line::raw(format!(
                "  secret kept in the {} store; last rotated {}",
                p.secret_store.as_str(),
                p.secret_rotated_at.as_deref().unwrap_or("never")
            )),
            Line::styled(
                "  Paste the new secret. It is tested first; the stored one is replaced only if it works.",
                theme.dim(),
            ),
        ];
        frame.render_widget(
            Paragraph::new(summary).wrap(Wrap { trim: true }),
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
        self.secret.render(
            frame,
            field,
            !matches!(self.state, RotateState::Done(_)),
            theme,
        );
        let mut lines = Vec::new();
        match &self.state {
            RotateState::Editing => {}
            RotateState::Testing { .. } => lines.push(Line::raw(format!(
                "{} testing the new secret …",
                spinner(self.spinner)
            ))),
            RotateState::Storing => lines.push(Line::raw("storing the new secret …")),
            RotateState::Failed(f) => {
                let (summary, fix) = test_failure_lines(f, &p.diagnosis_context());
                lines.push(Line::from(vec![
                    Span::styled("✗ refused: ", theme.error()),
                    Span::raw(summary),
                ]));
                lines.push(Line::from(vec![
                    Span::styled("  fix: ", theme.warn()),
                    Span::raw(fix),
                ]));
                lines.push(Line::styled(
                    "  the stored secret was not changed and still works as before",
                    theme.ok(),
                ));
            }
            RotateState::StoreFailed(e) => {
                lines.push(Line::from(vec![
                    Span::styled(
                        "✗ the new secret works but could not be stored: ",
                        theme.error(),
                    ),
                    Span::raw(e.clone()),
                ]));
            }
            RotateState::Done(location) => {
                lines.push(Line::styled(
                    format!("✓ the new secret works and replaced the old one in the {location}"),
                    theme.ok(),
                ));
            }
        }
        let rest = Rect {
            y: field.bottom(),
            height: area.bottom().saturating_sub(field.bottom()),
            ..area
        };
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), rest);
    }
}
