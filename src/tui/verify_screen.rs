//! The verify screen: the layered checks of one profile or all, with a status for each.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::command::{Command, Ending, Outcome};
use super::layout::{self, Chrome};
use super::msg::Msg;
use super::theme::Paint;
use super::wrap;
use crate::verify::{ProfileReport, Status};

#[derive(Debug)]
pub struct VerifyScreen {
    pub names: Vec<String>,
    pub reports: Option<Vec<ProfileReport>>,
}

impl VerifyScreen {
    pub fn start(names: Vec<String>) -> (Self, Command) {
        let cmd = Command::Verify {
            names: names.clone(),
        };
        (
            Self {
                names,
                reports: None,
            },
            cmd,
        )
    }

    pub fn is_busy(&self) -> bool {
        self.reports.is_none()
    }

    pub fn update(&mut self, msg: Msg) -> Outcome {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Verified(reports) => {
                self.reports = Some(reports);
                vec![Command::LoadProfiles].into()
            }
            _ => Outcome::none(),
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Char('r') if self.reports.is_some() => {
                self.reports = None;
                vec![Command::Verify {
                    names: self.names.clone(),
                }]
                .into()
            }
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') if self.reports.is_some() => {
                Outcome::Done(Ending::Quiet)
            }
            _ => Outcome::none(),
        }
    }

    pub fn render(&self, frame: &mut Frame, paint: &Paint) {
        let theme = paint.theme;
        let keys = if self.reports.is_some() {
            vec![("r", "run again"), ("Esc", "back")]
        } else {
            vec![("…", "checking")]
        };
        let chrome = Chrome {
            title: format!("oauth-setup · verify {}", self.names.join(", ")),
            indicator: String::new(),
            steps: vec![],
            keys,
        };
        let area = layout::draw(frame, theme, &chrome);
        let Some(reports) = &self.reports else {
            let spin = paint.spin();
            frame.render_widget(Paragraph::new(format!("{spin} checking …")), area);
            return;
        };
        let mut lines = Vec::new();
        for r in reports {
            let verdict = if r.ok {
                Span::styled("✓ ok", theme.ok())
            } else {
                Span::styled(format!("✗ failed (exit {})", r.exit_code), theme.error())
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", r.name), theme.title()),
                verdict,
            ]));
            for c in &r.checks {
                let word = c.status.label();
                let style = match c.status {
                    Status::Ok => theme.ok(),
                    Status::Warn => theme.warn(),
                    Status::Fail => theme.error(),
                    Status::Skip => theme.dim(),
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {word} "), style),
                    Span::raw(format!("{:<11} {}", c.name, c.detail)),
                ]));
                if let Some(fix) = &c.fix {
                    lines.push(Line::raw(format!("       fix: {fix}")));
                }
            }
            lines.push(Line::raw(""));
        }
        frame.render_widget(wrap::paragraph(lines, area), area);
    }
}
