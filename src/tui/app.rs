//! The whole app: which screen is up, the overlays, and routing messages to the screen.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::text::Line;

use super::command::Command;
use super::home::{Home, HomeAction};
use super::layout;
use super::msg::Msg;
use super::rotate::Rotate;
use super::theme::Theme;
use super::verify_screen::VerifyScreen;
use super::wizard::{Leave, Prefill, Wizard};
use crate::profile::ProfilesFile;

/// Where the app opens.
#[derive(Debug, Clone)]
pub enum Entry {
    /// Home when there are profiles, else the wizard.
    Start,
    Wizard(Prefill),
    Rotate(String),
    Verify(Vec<String>),
}

#[derive(Debug)]
pub enum Screen {
    Home(Home),
    Wizard(Box<Wizard>),
    Rotate(Box<Rotate>),
    Verify(VerifyScreen),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
    ConfirmQuit,
}

#[derive(Debug)]
pub struct App {
    pub screen: Screen,
    pub profiles: ProfilesFile,
    pub overlay: Option<Overlay>,
    pub theme: Theme,
    pub quit: bool,
    /// Printed after the terminal is restored.
    pub farewell: Option<String>,
    /// The app could not do what it was opened for (an unknown profile).
    pub failed: bool,
    /// Opened on one screen by a command: leaving it quits instead of going home.
    direct: bool,
}

impl App {
    pub fn new(entry: Entry, profiles: ProfilesFile, theme: Theme) -> (Self, Vec<Command>) {
        let mut app = Self {
            screen: Screen::Home(Home::default()),
            profiles,
            overlay: None,
            theme,
            quit: false,
            farewell: None,
            failed: false,
            direct: true,
        };
        let cmds = match entry {
            Entry::Start if app.profiles.profiles.is_empty() => {
                app.screen = Screen::Wizard(Box::new(Wizard::new(
                    app.profiles.clone(),
                    &Prefill::default(),
                )));
                vec![]
            }
            Entry::Start => {
                app.direct = false;
                vec![]
            }
            Entry::Wizard(prefill) => {
                app.screen = Screen::Wizard(Box::new(Wizard::new(app.profiles.clone(), &prefill)));
                vec![]
            }
            Entry::Rotate(name) => match app.profiles.get(&name).cloned() {
                Some(p) => {
                    app.screen = Screen::Rotate(Box::new(Rotate::new(name, p)));
                    vec![]
                }
                None => {
                    app.quit = true;
                    app.failed = true;
                    app.farewell = Some(format!("no profile named \"{name}\""));
                    vec![]
                }
            },
            Entry::Verify(names) => {
                let (screen, cmd) = VerifyScreen::start(names);
                app.screen = Screen::Verify(screen);
                vec![cmd]
            }
        };
        (app, cmds)
    }

    /// Whether a spinner is turning (so the runtime sends ticks).
    pub fn wants_tick(&self) -> bool {
        match &self.screen {
            Screen::Wizard(w) => w.is_busy(),
            Screen::Rotate(r) => r.is_busy(),
            Screen::Verify(v) => v.reports.is_none(),
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
            Screen::Rotate(_) => true,
            _ => false,
        }
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Terminate => {
                self.quit = true;
                self.farewell = Some("stopped by a signal; nothing more was saved".into());
                return vec![Command::Quit];
            }
            Msg::Resize(..) => return vec![],
            Msg::Profiles(Ok(p)) => {
                self.profiles = p;
                return vec![];
            }
            Msg::Profiles(Err(e)) => {
                if let Screen::Home(h) = &mut self.screen {
                    h.message = Some(e);
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
        let cmds = self.route(msg);
        let mut more = self.follow_leaves();
        more.extend(cmds);
        more
    }

    /// Keys that mean the same on every screen. `None` passes the key on.
    fn on_global_key(&mut self, key: KeyEvent) -> Option<Vec<Command>> {
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        match self.overlay {
            Some(Overlay::ConfirmQuit) => {
                match key.code {
                    KeyCode::Char('y') => {
                        return Some(self.quit_now("cancelled; nothing was saved"));
                    }
                    _ if ctrl_c => return Some(self.quit_now("cancelled; nothing was saved")),
                    _ => self.overlay = None,
                }
                return Some(vec![]);
            }
            Some(Overlay::Help) => {
                self.overlay = None;
                return Some(vec![]);
            }
            None => {}
        }
        if ctrl_c {
            if self.dirty() {
                self.overlay = Some(Overlay::ConfirmQuit);
                return Some(vec![]);
            }
            return Some(self.quit_now(""));
        }
        if key.code == KeyCode::F(1) || (key.code == KeyCode::Char('?') && !self.typing()) {
            self.overlay = Some(Overlay::Help);
            return Some(vec![]);
        }
        None
    }

    fn quit_now(&mut self, note: &str) -> Vec<Command> {
        self.quit = true;
        if !note.is_empty() {
            self.farewell = Some(note.into());
        }
        vec![Command::CancelTest, Command::Quit]
    }

    fn route(&mut self, msg: Msg) -> Vec<Command> {
        match &mut self.screen {
            Screen::Wizard(w) => w.update(msg),
            Screen::Rotate(r) => r.update(msg),
            Screen::Verify(v) => match msg {
                Msg::Key(key) => v.on_key(key),
                Msg::Verified(reports) => {
                    v.reports = Some(reports);
                    vec![Command::LoadProfiles]
                }
                Msg::Tick => {
                    v.spinner = v.spinner.wrapping_add(1);
                    vec![]
                }
                _ => vec![],
            },
            Screen::Home(h) => match msg {
                Msg::Key(key) => {
                    let action = h.on_key(key, &self.profiles);
                    self.on_home_action(action)
                }
                Msg::Deleted { name, result } => {
                    h.message = Some(match result {
                        Ok(location) => {
                            format!("deleted profile {name} and its secret from the {location}")
                        }
                        Err(e) => format!("delete {name}: {e}"),
                    });
                    h.cursor = 0;
                    vec![Command::LoadProfiles]
                }
                _ => vec![],
            },
        }
    }

    fn on_home_action(&mut self, action: HomeAction) -> Vec<Command> {
        match action {
            HomeAction::None => vec![],
            HomeAction::Quit => self.quit_now(""),
            HomeAction::New => {
                self.screen = Screen::Wizard(Box::new(Wizard::new(
                    self.profiles.clone(),
                    &Prefill::default(),
                )));
                vec![]
            }
            HomeAction::Rotate(name) => {
                if let Some(p) = self.profiles.get(&name).cloned() {
                    self.screen = Screen::Rotate(Box::new(Rotate::new(name, p)));
                }
                vec![]
            }
            HomeAction::Verify(names) => {
                let (screen, cmd) = VerifyScreen::start(names);
                self.screen = Screen::Verify(screen);
                vec![cmd]
            }
            HomeAction::Delete(name) => vec![Command::Delete { name }],
        }
    }

    /// A screen that is done hands back to home, or quits when the app was opened on it.
    fn follow_leaves(&mut self) -> Vec<Command> {
        let left = match &self.screen {
            Screen::Wizard(w) => match w.leave {
                Some(Leave::Finished) => Some(
                    w.saved
                        .as_ref()
                        .map(|s| format!("saved profile {}", s.name)),
                ),
                Some(Leave::Back) => {
                    Some(Some("cancelled; nothing was saved".into())).filter(|_| w.saved.is_none())
                }
                None => None,
            },
            Screen::Rotate(r) if r.leave => Some(None),
            Screen::Verify(v) if v.leave => Some(None),
            _ => None,
        };
        let Some(note) = left else { return vec![] };
        if self.direct
            || (self.profiles.profiles.is_empty() && matches!(self.screen, Screen::Wizard(_)))
        {
            self.quit = true;
            self.farewell = note;
            return vec![Command::Quit];
        }
        self.screen = Screen::Home(Home {
            message: note,
            ..Home::default()
        });
        vec![Command::LoadProfiles]
    }

    pub fn render(&self, frame: &mut Frame) {
        if layout::too_small(frame, frame.area()) {
            return;
        }
        match &self.screen {
            Screen::Home(h) => h.render(frame, self.theme, &self.profiles),
            Screen::Wizard(w) => w.render(frame, self.theme),
            Screen::Rotate(r) => r.render(frame, self.theme),
            Screen::Verify(v) => v.render(frame, self.theme),
        }
        match self.overlay {
            Some(Overlay::Help) => layout::overlay(frame, self.theme, "Keys", help_lines()),
            Some(Overlay::ConfirmQuit) => layout::overlay(
                frame,
                self.theme,
                "Quit?",
                vec![
                    Line::raw("Quit and lose what you typed? Nothing has been saved."),
                    Line::raw("y: quit · any other key: stay"),
                ],
            ),
            None => {}
        }
    }
}

fn help_lines() -> Vec<Line<'static>> {
    [
        "Enter        next step, confirm",
        "Esc          back; cancels a running test",
        "Tab/Shift-Tab  between the inputs of a step",
        "Ctrl+R       show or hide the secret",
        "Space        toggle (scopes, options)",
        "F2 / F3      scopes: minimum / read-only presets",
        "Ctrl+C       quit (asks first when input would be lost)",
        "? or F1      this help",
        "",
        "Warnings (unknown scope, host outside the provider's domains)",
        "need a second Enter. Any key closes this help.",
    ]
    .into_iter()
    .map(Line::raw)
    .collect()
}
