//! The live-test step: start the token test, take its result, and the choices after a failure.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::step::Step;
use super::{After, TestState, Wizard};
use crate::protocol::token::{Failure, Layer, OAuthError, TestFailure, TestOk};
use crate::report::{test_failure_lines, test_ok_lines};
use crate::tui::command::Command;
use crate::tui::widgets::theme::{Paint, Theme};
use crate::tui::widgets::wrap;

impl Wizard {
    pub(super) fn start_test(&mut self) -> Vec<Command> {
        let Some(request) = self.draft.request(self.provider, self.auth) else {
            // A value is still to be accepted (another provider was chosen from the review, say):
            // its step opens, and Enter there comes back to the review.
            return self.open_missing();
        };
        self.attempt += 1;
        self.test = TestState::Running {
            attempt: self.attempt,
        };
        vec![Command::Test {
            attempt: self.attempt,
            request,
        }]
    }

    /// The first step whose value the test needs and the draft lacks, opened to be answered.
    pub(super) fn open_missing(&mut self) -> Vec<Command> {
        let d = &self.draft;
        let missing = [
            (Step::Instance, d.instance.is_none()),
            (Step::GrantType, d.grant.is_none()),
            (Step::Scopes, d.scopes.is_none()),
            (Step::ClientId, d.client_id.is_none()),
            (Step::ClientSecret, d.secret.is_none() && !d.is_public()),
        ]
        .into_iter()
        .find_map(|(step, missing)| missing.then_some(step));
        match missing {
            Some(step) => {
                self.after = After::Review;
                self.go(step)
            }
            None => {
                self.step = Step::Review;
                vec![]
            }
        }
    }

    pub(super) fn on_test_done(&mut self, attempt: u64, result: Result<TestOk, TestFailure>) {
        if !matches!(self.test, TestState::Running { attempt: a } if a == attempt) {
            return; // a cancelled or superseded run
        }
        self.test = match result {
            Ok(ok) => {
                self.auth = ok.auth;
                TestState::Passed(Box::new(ok))
            }
            Err(failure) => {
                // Keep the method the server accepted, if the failure came after it did.
                self.auth = failure.auth;
                TestState::Failed(Box::new(failure))
            }
        };
    }

    /// `u` after a failure puts the question to save anyway; `n` or Esc takes it back.
    pub(super) fn ask_unverified(&mut self, ask: bool) {
        self.test = match std::mem::replace(&mut self.test, TestState::Idle) {
            TestState::Failed(f) | TestState::Confirming(f) if ask => TestState::Confirming(f),
            TestState::Failed(f) | TestState::Confirming(f) => TestState::Failed(f),
            other => other,
        };
    }

    /// `c` after a failure: the step of the field the failure points at, and back to the
    /// review from there.
    pub(super) fn change_failing_field(&mut self) -> Vec<Command> {
        let Some(failure) = self.test.failure() else {
            return vec![];
        };
        let target = Self::failing_step(&failure.failure);
        self.after = if target < Step::Review {
            After::Review
        } else {
            After::Next
        };
        self.go(target)
    }

    /// The step to change for a failure: where the field it points at is entered.
    pub fn failing_step(failure: &Failure) -> Step {
        match failure {
            Failure::OAuth {
                error: OAuthError::InvalidClient,
                ..
            }
            | Failure::Unauthorized { .. } => Step::ClientSecret,
            Failure::OAuth {
                error: OAuthError::InvalidScope,
                ..
            } => Step::Scopes,
            Failure::OAuth {
                error: OAuthError::UnauthorizedClient,
                ..
            } => Step::CreateClient,
            f if f.layer() == Layer::Connection => Step::Instance,
            Failure::NotFound | Failure::HtmlPage { .. } | Failure::Redirect { .. } => {
                Step::Instance
            }
            _ => Step::Review,
        }
    }
}

impl Wizard {
    pub(super) fn render_test(&self, frame: &mut Frame, area: Rect, paint: &Paint) {
        let theme = paint.theme;
        let lines = match &self.test {
            TestState::Idle => vec![],
            TestState::Running { .. } => {
                let url = self
                    .draft
                    .instance
                    .as_ref()
                    .map_or("", |i| i.token_url.as_str());
                vec![
                    Line::raw(format!("{} requesting a token from {url} …", paint.spin())),
                    Line::styled("  Esc cancels", theme.focus()),
                ]
            }
            TestState::Cancelled => vec![Line::styled(
                "Cancelled. Press r to run the test again.",
                theme.warn(),
            )],
            TestState::Passed(ok) => self.passed_lines(ok, theme),
            TestState::Failed(failure) => self.failed_lines(failure, false, theme),
            TestState::Confirming(failure) => self.failed_lines(failure, true, theme),
        };
        frame.render_widget(wrap::paragraph(lines, area), area);
    }

    fn passed_lines(&self, ok: &TestOk, theme: Theme) -> Vec<Line<'static>> {
        let asked = match self.draft.scopes() {
            [] => "(no scopes)".to_string(),
            s => s.join(" "),
        };
        // Working credentials without every scope asked for will fail later calls: a warning.
        let verdict = if ok.not_granted.is_empty() {
            Line::styled("✓ passed: the credentials work", theme.ok())
        } else {
            Line::styled(
                "! passed with a warning: the credentials work, but not every scope was granted",
                theme.warn(),
            )
        };
        let mut lines = vec![verdict, Line::raw(format!("  asked for:  {asked}"))];
        let refused = self.refused_additions();
        if !refused.is_empty() {
            lines.push(Line::styled(
                format!(
                    "✗ the server did not grant {}, which the edit adds: the profile stays as it is. c changes the scopes; u saves anyway, unverified",
                    refused.join(" ")
                ),
                theme.error(),
            ));
        }
        for l in test_ok_lines(ok, self.draft.scopes()) {
            lines.push(Line::raw(format!("  {l}")));
        }
        if ok.auth != self.provider.default_client_auth {
            lines.push(Line::raw(format!(
                "  note: the server accepts {}; the profile will use it",
                ok.auth
            )));
        }
        if refused.is_empty() {
            lines.push(Line::styled(
                "Press Enter to save the profile.",
                theme.focus(),
            ));
        }
        lines
    }

    fn failed_lines(
        &self,
        failure: &TestFailure,
        confirm_unverified: bool,
        theme: Theme,
    ) -> Vec<Line<'static>> {
        let (summary, fix) = test_failure_lines(failure, &self.diagnosis_context());
        let target = Self::failing_step(&failure.failure);
        let mut lines = vec![
            Line::from(vec![
                Span::styled("✗ failed: ", theme.error()),
                Span::raw(summary),
            ]),
            Line::from(vec![Span::styled("  fix: ", theme.warn()), Span::raw(fix)]),
            Line::raw(""),
            Line::raw(format!(
                "  c: change {} · r: retry · u: save unverified",
                target.title().to_lowercase()
            )),
        ];
        if confirm_unverified {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "Save without working credentials? verify will fail until they are fixed. y/n",
                theme.warn(),
            ));
        }
        lines
    }
}
