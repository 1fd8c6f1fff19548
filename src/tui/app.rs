//! The whole app: which screen is up, the overlays, and routing messages to the screen.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::command::{Command, Ending, Outcome};
use super::msg::Msg;
use super::screens::home::{Home, HomeAction, Note};
use super::screens::login_screen::LoginScreen;
use super::screens::profile_view::ProfileView;
use super::screens::rotate::Rotate;
use super::screens::verify_screen::VerifyScreen;
use super::screens::wizard::{Prefill, Wizard};
use super::widgets::theme::Theme;
use crate::session::status::SessionStatus;
use crate::stores::config_dir::ConfigDir;
use crate::stores::profile::ProfilesFile;
use crate::stores::vault::VaultEnv;
use std::collections::BTreeMap;

mod profile;
mod view;

/// Where the app opens.
#[derive(Debug, Clone)]
pub enum Entry {
    /// Home when there are profiles, else the wizard.
    Start,
    Wizard(Box<Prefill>),
    Rotate(String),
    Verify(Vec<String>),
    /// `edit NAME`: the edit of that profile.
    Edit(String),
}

#[derive(Debug)]
pub enum Screen {
    Home(Home),
    Wizard(Box<Wizard>),
    Rotate(Box<Rotate>),
    Verify(VerifyScreen),
    Login(Box<LoginScreen>),
    /// One profile, with what can be done to it.
    Profile(Box<ProfileView>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
    ConfirmQuit,
    /// Esc on a screen's first step with input that leaving would lose.
    ConfirmLeave,
}

#[derive(Debug)]
pub struct App {
    pub screen: Screen,
    pub profiles: ProfilesFile,
    /// What each profile holds beside its secret, once read (for the home table).
    pub statuses: BTreeMap<String, SessionStatus>,
    pub overlay: Option<Overlay>,
    pub theme: Theme,
    /// The one spinner, turned by ticks while a screen is busy.
    pub spinner: usize,
    /// Where fixes point to (the secrets file as an alternative store).
    dir: ConfigDir,
    /// Opened on one screen by a command: leaving it quits instead of going home.
    direct: bool,
    /// Opened on the wizard because there are no profiles yet: a finished setup ends the app
    /// as `setup` would, but leaving the wizard shows the (empty) home, where a teammate's
    /// exported profile can be imported instead.
    first_run: bool,
    /// The environment's Vault settings, read by the runtime before the app starts.
    vault_env: VaultEnv,
    /// The profile home's cursor was on when another screen opened: home comes back to it.
    return_to: Option<String>,
    /// That screen was opened from the profile's view, which it goes back to.
    from_view: bool,
    /// The last frame said "terminal too small": no key acts on what cannot be seen.
    too_small: std::cell::Cell<bool>,
}

impl App {
    pub fn new(
        entry: Entry,
        profiles: ProfilesFile,
        dir: ConfigDir,
        theme: Theme,
        vault_env: VaultEnv,
    ) -> (Self, Vec<Command>) {
        let mut app = Self {
            vault_env,
            screen: Screen::Home(Home::default()),
            profiles,
            statuses: BTreeMap::new(),
            overlay: None,
            theme,
            spinner: 0,
            dir,
            direct: true,
            first_run: false,
            return_to: None,
            from_view: false,
            too_small: std::cell::Cell::new(false),
        };
        let cmds = match entry {
            Entry::Start if app.profiles.profiles.is_empty() => {
                app.screen = app.wizard(&Prefill::default());
                app.first_run = true;
                vec![]
            }
            Entry::Start => {
                app.direct = false;
                // Read from the stores after the first frame, so the app opens at once.
                vec![Command::LoadStatuses]
            }
            Entry::Wizard(prefill) => {
                app.screen = app.wizard(&prefill);
                vec![]
            }
            Entry::Rotate(name) => match app.profiles.get(&name).cloned() {
                Some(p) => {
                    app.screen = Screen::Rotate(Box::new(Rotate::new(name, p)));
                    vec![]
                }
                None => vec![Command::Quit(Ending::NoProfile(name))],
            },
            Entry::Verify(names) => {
                let (screen, cmd) = VerifyScreen::start(names);
                app.screen = Screen::Verify(screen);
                vec![cmd]
            }
            Entry::Edit(name) => match app.profiles.get(&name) {
                Some(_) => {
                    let (view, _) = ProfileView::open(name.clone());
                    app.screen = Screen::Profile(Box::new(view));
                    vec![Command::ReadForEdit { name }]
                }
                None => vec![Command::Quit(Ending::NoProfile(name))],
            },
        };
        (app, cmds)
    }

    fn wizard(&self, prefill: &Prefill) -> Screen {
        Screen::Wizard(Box::new(Wizard::new(
            self.profiles.clone(),
            prefill,
            self.vault_env.clone(),
        )))
    }

    /// Whether a spinner is turning (so the runtime sends ticks).
    pub fn wants_tick(&self) -> bool {
        match &self.screen {
            Screen::Wizard(w) => w.is_busy(),
            Screen::Rotate(r) => r.is_busy(),
            Screen::Verify(v) => v.is_busy(),
            Screen::Login(l) => l.is_busy(),
            Screen::Profile(v) => v.is_busy(),
            Screen::Home(_) => false,
        }
    }

    fn dirty(&self) -> bool {
        match &self.screen {
            Screen::Wizard(w) => w.is_dirty(),
            Screen::Rotate(r) => !r.secret.is_empty(),
            _ => false,
        }
    }

    fn typing(&self) -> bool {
        match &self.screen {
            Screen::Wizard(w) => w.typing(),
            Screen::Rotate(r) => r.typing(),
            Screen::Login(l) => l.typing(),
            Screen::Home(h) => h.import.is_some(),
            Screen::Profile(v) => v.typing(),
            _ => false,
        }
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Terminate => return quit(Ending::Stopped),
            Msg::Resize(..) => return vec![],
            Msg::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                return vec![];
            }
            Msg::Profiles(Ok(p)) => {
                self.profiles = p;
                if let Screen::Home(h) = &mut self.screen {
                    h.reselect(&self.profiles);
                }
                return vec![Command::LoadStatuses];
            }
            Msg::Statuses(list) => {
                self.statuses = list.into_iter().collect();
                return vec![];
            }
            Msg::Profiles(Err(e)) => {
                if let Screen::Home(h) = &mut self.screen {
                    h.note = Some(Note::Unreadable(e));
                }
                return vec![];
            }
            Msg::Key(key) => {
                if let Some(cmds) = self.on_global_key(key) {
                    return cmds;
                }
            }
            _ => {}
        }
        let outcome = self.route(msg);
        // Esc asks first, as Ctrl+C does, when leaving would lose what was typed.
        if matches!(outcome, Outcome::Back) && self.dirty() {
            self.overlay = Some(Overlay::ConfirmLeave);
            return vec![];
        }
        self.follow(outcome)
    }

    /// Keys that mean the same on every screen. `None` passes the key on.
    fn on_global_key(&mut self, key: KeyEvent) -> Option<Vec<Command>> {
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        // Nothing acts that cannot be seen; Ctrl+C still leaves (twice, when input would be lost).
        if self.too_small.get() && !ctrl_c {
            return Some(vec![]);
        }
        match self.overlay.take() {
            Some(Overlay::ConfirmQuit) if ctrl_c || key.code == KeyCode::Char('y') => {
                return Some(quit(Ending::Cancelled));
            }
            Some(Overlay::ConfirmLeave) if key.code == KeyCode::Char('y') => {
                return Some(self.follow(Outcome::Back));
            }
            Some(Overlay::ConfirmLeave) if ctrl_c => return Some(quit(Ending::Cancelled)),
            Some(_) => return Some(vec![]),
            None => {}
        }
        if ctrl_c {
            if self.dirty() {
                self.overlay = Some(Overlay::ConfirmQuit);
                return Some(vec![]);
            }
            return Some(quit(Ending::Interrupted));
        }
        if key.code == KeyCode::F(1) || (key.code == KeyCode::Char('?') && !self.typing()) {
            self.overlay = Some(Overlay::Help);
            return Some(vec![]);
        }
        None
    }

    fn route(&mut self, msg: Msg) -> Outcome {
        match &mut self.screen {
            Screen::Wizard(w) => w.update(msg),
            Screen::Rotate(r) => r.update(msg),
            Screen::Verify(v) => v.update(msg),
            Screen::Login(l) => l.update(msg),
            Screen::Profile(_) => self.route_view(msg),
            Screen::Home(h) => match msg {
                Msg::Key(key) => {
                    let action = h.on_key(key, &self.profiles);
                    self.return_to = h.current(&self.profiles);
                    self.on_home_action(action)
                }
                Msg::Deleted { name, result } => {
                    h.note = Some(Note::Deleted { name, result });
                    h.cursor = 0;
                    vec![Command::LoadProfiles].into()
                }
                Msg::ImportPlanned(result) => {
                    match *result {
                        Ok(prepared) => {
                            h.import = None;
                            h.import_as = None;
                            // What an earlier attempt said no longer holds.
                            h.note = None;
                            h.confirm_import = Some(Box::new(prepared));
                        }
                        // The name is taken: the box asks for another, or the same to replace.
                        Err(crate::flows::import::ImportError::Exists(taken)) => {
                            h.note = None;
                            h.name_clash(taken, &self.profiles);
                        }
                        Err(e) => h.note = Some(Note::Imported(Err(e))),
                    }
                    Outcome::none()
                }
                Msg::Imported(result) => {
                    h.note = Some(Note::Imported(*result));
                    vec![Command::LoadProfiles].into()
                }
                _ => Outcome::none(),
            },
        }
    }

    fn on_home_action(&mut self, action: HomeAction) -> Outcome {
        match action {
            HomeAction::None => Outcome::none(),
            HomeAction::Open(name) => {
                let (view, cmd) = ProfileView::open(name);
                self.screen = Screen::Profile(Box::new(view));
                vec![cmd].into()
            }
            HomeAction::Quit => Outcome::Done(Ending::Quiet),
            HomeAction::New => {
                self.screen = self.wizard(&Prefill::default());
                Outcome::none()
            }
            HomeAction::Rotate(name) => {
                if let Some(p) = self.profiles.get(&name).cloned() {
                    self.screen = Screen::Rotate(Box::new(Rotate::new(name, p)));
                }
                Outcome::none()
            }
            HomeAction::Verify(names) => {
                let (screen, cmd) = VerifyScreen::start(names);
                self.screen = Screen::Verify(screen);
                vec![cmd].into()
            }
            HomeAction::Delete(name) => vec![Command::Delete { name }].into(),
            HomeAction::Import { path, request } => {
                vec![Command::PlanImport { path, request }].into()
            }
            HomeAction::ConfirmImport(prepared) => vec![Command::Import { prepared }].into(),
            HomeAction::Login(name) => match self.profiles.get(&name).cloned() {
                Some(p) => {
                    let (screen, cmds) = LoginScreen::start(name, p);
                    self.screen = Screen::Login(Box::new(screen));
                    cmds.into()
                }
                None => Outcome::none(),
            },
        }
    }

    /// A screen that is done hands back to home, or quits when the app was opened on it (or
    /// there is nothing to go home to).
    fn follow(&mut self, outcome: Outcome) -> Vec<Command> {
        if self.first_run && matches!(outcome, Outcome::Back) {
            (self.first_run, self.direct) = (false, false);
        }
        let ending = match outcome {
            Outcome::Stay(commands) => return commands,
            // A screen left with a sign-in running must not leave its listener open.
            Outcome::Back if matches!(self.screen, Screen::Login(_)) => {
                let name = self.return_to.take();
                return self.back_from_screen(name, None);
            }
            Outcome::Done(ending) => ending,
            Outcome::Back if matches!(self.screen, Screen::Verify(_)) => Ending::Quiet,
            Outcome::Back => Ending::Cancelled,
        };
        let at_home = matches!(self.screen, Screen::Home(_));
        if self.direct || at_home {
            return quit(ending);
        }
        // Back on the row it left from, or on the profile just saved.
        let select = match &ending {
            Ending::Saved { name } | Ending::SignedIn { name } => Some(name.clone()),
            _ => self.return_to.take(),
        };
        self.back_from_screen(select, Some(ending))
    }

    /// Back from a finished screen: to the profile's view it was opened from (read again), else
    /// home on `select`; `ending` is what came of it, said there.
    fn back_from_screen(&mut self, select: Option<String>, ending: Option<Ending>) -> Vec<Command> {
        if std::mem::take(&mut self.from_view)
            && let Some(name) = select.clone().filter(|n| self.profiles.get(n).is_some())
        {
            let (mut view, describe) = ProfileView::open(name);
            if let Some(ending) = ending {
                view.ended(ending);
            }
            self.screen = Screen::Profile(Box::new(view));
            return vec![Command::CancelSignIn, Command::LoadProfiles, describe];
        }
        self.screen = Screen::Home(Home::selecting(select, ending.map(Note::Ended)));
        vec![Command::CancelSignIn, Command::LoadProfiles]
    }

    /// Which screen is up, for test messages.
    #[cfg(test)]
    pub fn screen_name(&self) -> String {
        match &self.screen {
            Screen::Home(_) => "home".into(),
            Screen::Wizard(w) => format!("wizard step {:?} ({})", w.step, w.provider.id),
            Screen::Rotate(r) => format!("rotate {:?}", r.state),
            Screen::Verify(_) => "verify".into(),
            Screen::Login(l) => format!("login {:?}", l.panel.state),
            Screen::Profile(v) => format!("profile {}", v.name),
        }
    }

    /// Whether the screen shows a refusal of the value on it (so Enter would only repeat it).
    #[cfg(test)]
    pub fn shows_problem(&self) -> bool {
        match &self.screen {
            Screen::Wizard(w) => w.shows_problem(),
            Screen::Rotate(r) => r.secret.field.error.is_some(),
            _ => false,
        }
    }
}

/// End the app: cancel any running test or sign-in first.
fn quit(ending: Ending) -> Vec<Command> {
    vec![
        Command::CancelTest,
        Command::CancelSignIn,
        Command::Quit(ending),
    ]
}
