//! The app's side of a profile's view: its messages, and the screens it opens (the edit,
//! rotate, verify, log in again), which come back to it.

use super::{App, Screen};
use crate::tui::command::{Command, Outcome};
use crate::tui::msg::Msg;
use crate::tui::screens::home::{Home, HomeAction, Note};
use crate::tui::screens::profile_view::ViewAction;

impl App {
    /// A message while a profile's view is up.
    pub(super) fn route_view(&mut self, msg: Msg) -> Outcome {
        match msg {
            Msg::Deleted { name, result } => {
                let failed = result.is_err();
                let note = Some(Note::Deleted {
                    name: name.clone(),
                    result,
                });
                // A refused delete keeps the cursor on the profile.
                let select = failed.then_some(name);
                self.screen = Screen::Home(Home::selecting(select, note));
                vec![Command::LoadProfiles].into()
            }
            Msg::EditReady {
                name,
                profile,
                secret,
            } => self.open_edit(name, profile, secret),
            msg => {
                let Screen::Profile(v) = &mut self.screen else {
                    return Outcome::none();
                };
                let (action, outcome) = v.update(msg);
                let name = v.name.clone();
                match self.on_view_action(action, name) {
                    Some(opened) => opened,
                    None => outcome,
                }
            }
        }
    }

    /// What the profile view asked for; `None` when it needs nothing from the app.
    fn on_view_action(&mut self, action: ViewAction, name: String) -> Option<Outcome> {
        self.return_to = Some(name.clone());
        let home = match action {
            ViewAction::None => return None,
            ViewAction::Back => HomeAction::None,
            ViewAction::Edit => return Some(vec![Command::ReadForEdit { name }].into()),
            ViewAction::Rotate => HomeAction::Rotate(name.clone()),
            ViewAction::Verify => HomeAction::Verify(vec![name.clone()]),
            ViewAction::Login => HomeAction::Login(name.clone()),
        };
        if matches!(home, HomeAction::None) {
            self.screen = Screen::Home(Home::selecting(Some(name), None));
            return Some(vec![Command::LoadProfiles].into());
        }
        self.from_view = true;
        Some(self.on_home_action(home))
    }

    /// The edit's wizard, once the stored secret was read (or could not be: the secret step
    /// then asks for it).
    fn open_edit(
        &mut self,
        name: String,
        profile: Option<Box<crate::stores::profile::Profile>>,
        secret: Result<
            Option<crate::rules::secret::ClientSecret>,
            crate::stores::secret_store::StoreError,
        >,
    ) -> Outcome {
        // Gone meanwhile: home says what there is now.
        let Some(before) = profile.map(|p| *p) else {
            self.screen = Screen::Home(Home::selecting(None, None));
            return vec![Command::LoadProfiles].into();
        };
        // As profiles.toml holds it now, not as it was when the view was drawn.
        self.profiles.profiles.insert(name.clone(), before.clone());
        self.from_view = true;
        self.return_to = Some(name.clone());
        let wizard = crate::tui::screens::wizard::Wizard::edit(
            self.profiles.clone(),
            &name,
            before,
            secret.ok().flatten(),
            self.vault_env.clone(),
        );
        self.screen = Screen::Wizard(Box::new(wizard));
        Outcome::none()
    }
}
