//! The review: every accepted value on one screen; choose a line to change it, or run the test.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::Wizard;
use super::step::Step;
use crate::tui::command::Command;
use crate::tui::theme::Theme;
use crate::tui::wrap;

/// One line of the review: the step that sets it, its label and the value.
pub struct Row {
    pub step: Step,
    pub label: &'static str,
    pub value: String,
}

fn row(step: Step, label: &'static str, value: impl Into<String>) -> Row {
    Row {
        step,
        label,
        value: value.into(),
    }
}

impl Wizard {
    /// The review's rows; the last one runs the test.
    pub fn review_rows(&self) -> Vec<Row> {
        let d = &self.draft;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut rows = vec![
            row(Step::Provider, "Provider", &self.provider.display_name),
            self.instance_row(),
            row(
                Step::GrantType,
                "Grant type",
                d.grant
                    .map(|g| g.label().to_lowercase())
                    .unwrap_or_default(),
            ),
        ];
        if self.route().applies(Step::ClientName) {
            rows.push(row(Step::ClientName, "Client name", text(&d.form.name)));
        }
        if self.route().applies(Step::Login) {
            rows.push(row(Step::Login, "Login", text(&d.form.login)));
        }
        if self.route().applies(Step::Contact) {
            let (first, last) = (&d.form.contact_first_name, &d.form.contact_last_name);
            rows.push(row(
                Step::Contact,
                "Contact",
                format!("{} {}", text(first), text(last)),
            ));
        }
        if self.route().applies(Step::ContactEmail) {
            rows.push(row(
                Step::ContactEmail,
                "Contact email",
                text(&d.form.contact_email),
            ));
        }
        rows.push(row(Step::Scopes, "Scopes", d.scopes().join(" ")));
        rows.push(row(Step::ClientId, "Client id", text(&d.client_id)));
        let chars = d.secret.as_ref().map_or(0, |s| s.char_count());
        rows.push(row(
            Step::ClientSecret,
            "Client secret",
            format!("{}, hidden", crate::fields::count(chars, "character")),
        ));
        let proof = if self.route().signs_in() {
            "Sign in"
        } else {
            "Run the live test"
        };
        rows.push(row(Step::Test, "", proof));
        rows
    }

    /// What the test will use: the instance, or for a server given by its token URL, that URL.
    fn instance_row(&self) -> Row {
        match (&self.draft.instance, &self.provider.token_path) {
            (Some(i), None) => row(Step::Instance, "Token URL", &i.token_url),
            (Some(i), Some(_)) => row(
                Step::Instance,
                "Instance",
                format!("{} ({})", i.url, i.describe()),
            ),
            (None, _) => row(Step::Instance, "Instance", ""),
        }
    }

    /// The index of the row the cursor is on.
    fn review_index(&self, rows: &[Row]) -> usize {
        rows.iter()
            .position(|r| r.step == self.review_at)
            .unwrap_or(rows.len() - 1)
    }

    pub(super) fn on_review_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let rows = self.review_rows();
        let i = self.review_index(&rows);
        match key.code {
            KeyCode::Up => self.review_at = rows[i.saturating_sub(1)].step,
            KeyCode::Down => self.review_at = rows[(i + 1).min(rows.len() - 1)].step,
            KeyCode::Enter if self.review_at == Step::Test => return self.go(Step::Test),
            KeyCode::Enter => {
                self.from_review = true;
                return self.go(rows[i].step);
            }
            _ => {}
        }
        vec![]
    }

    pub(super) fn render_review(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let rows = self.review_rows();
        let cursor = self.review_index(&rows);
        let lines: Vec<Line> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let here = if i == cursor { "▸" } else { " " };
                let text = if r.step == Step::Test {
                    format!("{here} ▶ {}", r.value)
                } else {
                    format!("{here} {:<14} {}", r.label, r.value)
                };
                let line = Line::raw(text);
                if i == cursor {
                    line.style(theme.selected())
                } else {
                    line
                }
            })
            .collect();
        frame.render_widget(wrap::paragraph(lines, area), area);
    }
}
