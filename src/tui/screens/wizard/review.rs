//! The review: every accepted value on one screen; choose a line to change it, or run the test.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::step::Step;
use super::{After, Wizard};
use crate::tui::command::Command;
use crate::tui::widgets::theme::Theme;
use crate::tui::widgets::wrap;

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
        let mut rows = Vec::new();
        // An edit keeps the profile's provider: another one is another profile (setup).
        if !self.is_edit() {
            rows.push(row(Step::Provider, "Provider", &self.provider.display_name));
        }
        rows.extend([
            self.instance_row(),
            row(
                Step::GrantType,
                "Grant type",
                d.grant
                    .map(|g| g.label().to_lowercase())
                    .unwrap_or_default(),
            ),
        ]);
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
            format!(
                "{}, hidden",
                crate::rules::fields::count(chars, "character")
            ),
        ));
        let proof = if self.saves_untested() {
            "Save the changes"
        } else if self.route().signs_in() {
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
            (Some(i), None) => row(Step::Instance, "Token URL", i.token_url.as_str()),
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

    pub(super) fn move_review(&mut self, by: isize) {
        let rows = self.review_rows();
        let i = self.review_index(&rows).saturating_add_signed(by);
        self.review_at = rows[i.min(rows.len() - 1)].step;
    }

    /// Enter on a row: the test runs, or the step of the row opens and Enter comes back here.
    pub(super) fn submit_review(&mut self) -> Vec<Command> {
        if self.review_at == Step::Test {
            // Nothing the server sees changed: nothing to prove, straight to the save.
            if self.saves_untested() {
                return self.go(Step::Save);
            }
            return self.go(Step::Test);
        }
        self.after = After::Review;
        self.go(self.review_at)
    }

    /// The rows, each wrapped under its value; scrolled so the row the cursor is on is always
    /// in view, however many scopes or however small the terminal.
    pub(super) fn render_review(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let rows = self.review_rows();
        let cursor = self.review_index(&rows);
        let mut lines: Vec<Line> = Vec::new();
        let (mut cursor_start, mut cursor_end) = (0, 0);
        for (i, r) in rows.iter().enumerate() {
            let here = if i == cursor { "▸" } else { " " };
            let prefix = if r.step == Step::Test {
                format!("{here} ▶ ")
            } else {
                format!("{here} {:<14} ", r.label)
            };
            let mut line = Line::from(vec![Span::raw(prefix), Span::raw(r.value.clone())]);
            if i == cursor {
                line = line.style(theme.selected());
                cursor_start = lines.len();
            }
            lines.extend(wrap::hanging(line, area.width));
            if i == cursor {
                cursor_end = lines.len() - 1;
            }
        }
        let height = usize::from(area.height);
        // The whole row when it fits, else its first lines: the marker is always seen.
        let top = (cursor_end + 1).saturating_sub(height).min(cursor_start);
        let shown: Vec<Line> = lines.into_iter().skip(top).take(height).collect();
        frame.render_widget(Paragraph::new(shown), area);
    }
}
