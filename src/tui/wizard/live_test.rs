//! The live-test step: start the token test, take its result, and the choices after a failure.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::step::Step;
use super::{TestState, Wizard};
use crate::token::{Failure, Layer, OAuthError, TestFailure, TestOk};
use crate::tui::command::Command;

impl Wizard {
    pub(super) fn start_test(&mut self) -> Vec<Command> {
        let Some(request) = self.request() else {
            // Unreachable through the steps, which validate first; go back rather than guess.
            self.step = Step::Review;
            return vec![];
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

    pub(super) fn on_test_done(&mut self, attempt: u64, result: Result<TestOk, TestFailure>) {
        if !matches!(self.test, TestState::Running { attempt: a } if a == attempt) {
            return; // a cancelled or superseded run
        }
        self.test = match result {
            Ok(ok) => {
                self.auth = ok.auth;
                TestState::Passed(Box::new(ok))
            }
            Err(failure) => TestState::Failed {
                failure: Box::new(failure),
                confirm_unverified: false,
            },
        };
    }

    pub(super) fn set_confirm(&mut self, on: bool) {
        if let TestState::Failed {
            confirm_unverified, ..
        } = &mut self.test
        {
            *confirm_unverified = on;
        }
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

    pub(super) fn on_test_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let code = key.code;
        match &self.test {
            TestState::Passed(_) if code == KeyCode::Enter => {
                self.save.verified = true;
                self.go(Step::Save)
            }
            TestState::Cancelled if matches!(code, KeyCode::Enter | KeyCode::Char('r')) => {
                self.start_test()
            }
            TestState::Failed {
                confirm_unverified: true,
                ..
            } => match code {
                KeyCode::Char('y') => {
                    self.save.verified = false;
                    self.go(Step::Save)
                }
                KeyCode::Char('n') => {
                    self.set_confirm(false);
                    vec![]
                }
                _ => vec![],
            },
            TestState::Failed { failure, .. } => match code {
                KeyCode::Char('r') | KeyCode::Enter => self.start_test(),
                KeyCode::Char('u') => {
                    self.set_confirm(true);
                    vec![]
                }
                KeyCode::Char('c') => {
                    let target = Self::failing_step(&failure.failure);
                    self.from_review = target < Step::Review;
                    self.go(target)
                }
                _ => vec![],
            },
            _ => vec![],
        }
    }
}
