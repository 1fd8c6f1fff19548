//! The proof step of a user grant: the user signs in (browser or device code) instead of a
//! token request, through the shared sign-in panel.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::Wizard;
use super::step::Step;
use crate::tui::command::{Command, SignInJob};
use crate::tui::widgets::sign_in_panel::{PanelAction, PanelKey, SignInPanel};
use crate::tui::widgets::theme::Paint;

impl Wizard {
    pub(super) fn start_sign_in(&mut self) -> Vec<Command> {
        let account = self.draft.account(self.provider, self.auth);
        let (Some(account), Some(request)) =
            (account, self.draft.request(self.provider, self.auth))
        else {
            // Unreachable through the steps, which validate first; go back rather than guess.
            self.step = Step::Review;
            return vec![];
        };
        let Some(user_grant) = account.user_grant else {
            self.step = Step::Review;
            return vec![];
        };
        self.attempt += 1;
        self.sign_in = Some(SignInPanel::new(
            self.attempt,
            account.grant,
            account.scopes.clone(),
            user_grant.refresh_scope.clone(),
        ));
        vec![Command::SignIn {
            attempt: self.attempt,
            job: Box::new(SignInJob {
                grant: account.grant,
                request,
                user_grant,
                secret_of: None,
            }),
        }]
    }

    /// A key of the sign-in panel's table.
    pub(super) fn on_panel(&mut self, key: PanelKey) -> Vec<Command> {
        let Some(panel) = self.sign_in.as_mut() else {
            return vec![];
        };
        match panel.apply(key) {
            PanelAction::None => vec![],
            PanelAction::ShowAddress(url) => vec![Command::ShowAlone(url)],
            PanelAction::CopyAddress(url) => vec![Command::CopyToClipboard(url)],
            PanelAction::Paste(text) => vec![Command::SignInPaste(text)],
            PanelAction::Cancel => vec![Command::CancelSignIn],
            PanelAction::Retry => self.start_sign_in(),
            PanelAction::Continue => self.go(Step::Save),
            PanelAction::Back => {
                self.sign_in = None;
                self.go(Step::Review)
            }
        }
    }

    pub(super) fn render_sign_in(&self, frame: &mut Frame, area: Rect, paint: &Paint) {
        if let Some(panel) = &self.sign_in {
            panel.render(frame, area, paint, &self.diagnosis_context());
        }
    }
}
