//! The home screen: the profiles, and what to do with them.

mod import_box;
mod scroll;
mod table;

pub use import_box::ImportAs;

use std::time::SystemTime;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};

use self::table::COLUMNS;
use crate::flows::import::{ImportError, Imported, Next, Prepared};
use crate::session::status::SessionStatus;
use crate::stores::account::{AccountError, Deleted};
use crate::stores::config_dir::ConfigDir;
use crate::stores::profile::{ProfileError, ProfilesFile};
use crate::tui::command::Ending;
use crate::tui::widgets::keymap::Keymap;
use crate::tui::widgets::layout::{self, Chrome};
use crate::tui::widgets::text_field::TextField;
use crate::tui::widgets::theme::{Paint, Theme};
use crate::tui::widgets::wrap;
use ratatui::layout::Rect;
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct Home {
    pub cursor: usize,
    pub confirm_delete: Option<String>,
    pub note: Option<Note>,
    /// The path of a profile file to import, while it is typed.
    pub import: Option<Box<TextField>>,
    /// A checked profile file whose plan (what it would contact or run) awaits a yes.
    pub confirm_import: Option<Box<Prepared>>,
    /// The profile to put the cursor on once the profiles are read again.
    pub select: Option<String>,
    /// The file's profile name is taken: the import box now asks for the name to import it
    /// under (the taken one replaces that profile, once the new one has passed).
    pub import_as: Option<ImportAs>,
    /// The first profile row in view, kept between frames so the view moves only as far as
    /// the cursor needs.
    top: std::cell::Cell<usize>,
}

/// What the home screen tells the user about the last thing that happened.
#[derive(Debug)]
pub enum Note {
    /// A screen ended (saved, cancelled).
    Ended(Ending),
    Deleted {
        name: String,
        result: Result<Deleted, AccountError>,
    },
    Unreadable(ProfileError),
    Imported(Result<Imported, ImportError>),
    /// The user saw what a file would contact or run, and said no.
    ImportDeclined,
}

impl Note {
    pub fn text(&self, dir: &ConfigDir) -> Option<String> {
        match self {
            Self::Ended(ending) => ending.farewell(),
            Self::Deleted {
                name,
                result: Ok(d),
            } => Some(match &d.secret_removed {
                _ if d.secret_kept => format!(
                    "deleted profile {name}; its secret stays in the {} (not oauth-setup's alone to remove)",
                    d.secret_location
                ),
                Ok(true) => format!(
                    "deleted profile {name} and its secret from the {}",
                    d.secret_location
                ),
                Ok(false) => format!("deleted profile {name} (it had no stored secret)"),
                Err(e) => format!(
                    "delete {name}: the profile is gone, but its secret is still in the {}: {e}",
                    d.secret_location
                ),
            }),
            Self::Deleted {
                name,
                result: Err(e),
            } => {
                let fix = e
                    .fix(dir, name, crate::protocol::token::Surface::App)
                    .map(|f| format!("; {f}"))
                    .unwrap_or_default();
                Some(format!("delete {name}: {e}{fix}"))
            }
            Self::Unreadable(e) => Some(e.to_string()),
            Self::Imported(Ok(i)) => Some(format!(
                "imported profile {} (secret: {}); {}",
                i.saved.name,
                i.saved.secret_location,
                match i.next {
                    Next::Ready => "tested: it works",
                    Next::Login => "sign in with l",
                    Next::LoginWithSecret => "sign in with oauth-setup login --client-secret-stdin",
                    Next::AddSecret => "add its secret with r",
                }
            )),
            Self::Imported(Err(ImportError::Fields(fields))) => Some(format!(
                "import: {}",
                fields
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            Self::Imported(Err(e)) => Some(format!("import: {e}")),
            Self::ImportDeclined => Some("nothing imported".into()),
        }
    }
}

/// What the user picked on the home screen.
#[derive(Debug)]
pub enum HomeAction {
    None,
    New,
    /// The profile's view.
    Open(String),
    Rotate(String),
    Verify(Vec<String>),
    Delete(String),
    /// Sign in again for a profile of a user grant.
    Login(String),
    /// Import the profile file at this path, as `request` says (a name, replace).
    Import {
        path: String,
        request: crate::flows::import::Request,
    },
    /// Import the file whose plan the user just confirmed.
    ConfirmImport(Box<Prepared>),
    Quit,
}

/// What a key does on the home screen, in each of its states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Move(isize),
    Open,
    New,
    Import,
    Rotate,
    Verify,
    VerifyAll,
    Delete,
    Login,
    Quit,
    ImportPath,
    CancelImport,
    DeleteIt,
    ImportIt,
    Decline,
}

impl Home {
    /// Home coming back from another screen: the cursor goes to `select` once the profiles
    /// are read again.
    pub fn selecting(select: Option<String>, note: Option<Note>) -> Self {
        Self {
            select,
            note,
            ..Self::default()
        }
    }

    /// The name of the profile the cursor is on.
    pub fn current(&self, profiles: &ProfilesFile) -> Option<String> {
        let last = profiles.profiles.len().saturating_sub(1);
        profiles.profiles.keys().nth(self.cursor.min(last)).cloned()
    }

    /// Put the cursor on the profile asked for, if it is (still) there.
    pub fn reselect(&mut self, profiles: &ProfilesFile) {
        if let Some(name) = self.select.take()
            && let Some(i) = profiles.profiles.keys().position(|n| *n == name)
        {
            self.cursor = i;
        }
    }

    /// The keys of the screen as it is now: the key handling, the legend and the help read
    /// this table. `?` (help) is the app's, over every screen; the table names it here.
    fn keymap(&self, profiles: &ProfilesFile) -> Keymap<Act> {
        if self.confirm_import.is_some() {
            let no = [
                (KeyCode::Char('n').into(), Act::Decline),
                (KeyCode::Esc.into(), Act::Decline),
            ];
            return Keymap::new().on('y', "y", "import it", Act::ImportIt).keys(
                "n/Esc",
                "import nothing",
                &no,
            );
        }
        if self.import.is_some() {
            return Keymap::new()
                .on(KeyCode::Enter, "Enter", "import", Act::ImportPath)
                .on(KeyCode::Esc, "Esc", "cancel", Act::CancelImport);
        }
        if self.confirm_delete.is_some() {
            // Every other key keeps the profile: the row has no key of its own.
            return Keymap::new().on('y', "y", "delete", Act::DeleteIt).keys(
                "any other key",
                "keep it",
                &[],
            );
        }
        let count = profiles.profiles.len();
        let signs_in = profiles
            .profiles
            .values()
            .nth(self.cursor)
            .is_some_and(|p| p.grant_type.is_user_grant());
        Keymap::new()
            .when(count > 1, choosing)
            .when(count > 0, |k| {
                k.on(KeyCode::Enter, "Enter", "open", Act::Open)
                    .on('v', "v", "verify", Act::Verify)
                    .on('a', "a", "verify all", Act::VerifyAll)
            })
            .on('n', "n", "new", Act::New)
            .on('i', "i", "import", Act::Import)
            .when(count > 0, |k| {
                k.on('r', "r", "rotate", Act::Rotate)
                    .on('d', "d", "delete", Act::Delete)
                    .when(signs_in, |k| k.on('l', "l", "log in again", Act::Login))
            })
            .on('q', "q", "quit", Act::Quit)
            .alias(KeyCode::Esc, "Esc", "quit, as q", Act::Quit)
            .keys("?", "help", &[])
    }

    pub fn on_key(&mut self, key: KeyEvent, profiles: &ProfilesFile) -> HomeAction {
        let act = self.keymap(profiles).action(&key);
        if let Some(prepared) = self.confirm_import.take() {
            match act {
                Some(Act::ImportIt) => return HomeAction::ConfirmImport(prepared),
                Some(Act::Decline) => self.note = Some(Note::ImportDeclined),
                // Other keys leave the plan shown.
                _ => self.confirm_import = Some(prepared),
            }
            return HomeAction::None;
        }
        if self.import.is_some() {
            return self.on_import_key(act, key);
        }
        if let Some(name) = self.confirm_delete.take() {
            return match act {
                Some(Act::DeleteIt) => HomeAction::Delete(name),
                _ => HomeAction::None,
            };
        }
        self.note = None;
        let current = self.current(profiles);
        match act {
            Some(Act::Move(by)) => {
                let last = profiles.profiles.len().saturating_sub(1);
                self.cursor = self.cursor.saturating_add_signed(by).min(last);
            }
            Some(Act::New) => return HomeAction::New,
            Some(Act::Open) => return current.map_or(HomeAction::None, HomeAction::Open),
            Some(Act::Import) => {
                self.import = Some(Box::new(TextField::new(
                    "Profile file written by oauth-setup export",
                )));
            }
            Some(Act::Rotate) => return current.map_or(HomeAction::None, HomeAction::Rotate),
            Some(Act::Verify) => {
                return current.map_or(HomeAction::None, |n| HomeAction::Verify(vec![n]));
            }
            Some(Act::VerifyAll) => {
                return HomeAction::Verify(profiles.profiles.keys().cloned().collect());
            }
            Some(Act::Delete) => self.confirm_delete = current,
            Some(Act::Login) => return current.map_or(HomeAction::None, HomeAction::Login),
            Some(Act::Quit) => return HomeAction::Quit,
            _ => {}
        }
        HomeAction::None
    }

    /// The keys that act here, for the legend and the help.
    pub fn keys(&self, profiles: &ProfilesFile) -> Vec<(&'static str, &'static str)> {
        self.keymap(profiles).legend()
    }

    /// Keys the help lists besides the legend's.
    pub fn more_keys(&self, profiles: &ProfilesFile) -> Vec<(&'static str, &'static str)> {
        self.keymap(profiles).aliases()
    }

    pub fn render(
        &self,
        frame: &mut Frame,
        paint: &Paint,
        profiles: &ProfilesFile,
        statuses: &BTreeMap<String, SessionStatus>,
    ) {
        let theme = paint.theme;
        let keys = self.keys(profiles);
        let chrome = Chrome {
            title: "oauth-setup · profiles".into(),
            indicator: match profiles.profiles.len() {
                1 => "1 profile".into(),
                n => format!("{n} profiles"),
            },
            steps: vec![],
            keys,
        };
        let area = layout::draw(frame, theme, &chrome);
        let mut below = Vec::new();
        if self.confirm_import.is_none() {
            below.push(Line::raw(""));
        }
        if let Some(prepared) = &self.confirm_import {
            below.extend(import_box::plan_lines(prepared, theme));
        }
        if let Some(name) = &self.confirm_delete {
            below.push(Line::styled(
                format!("Delete profile {name} and its stored secret? y/n"),
                theme.warn(),
            ));
        }
        if let Some(m) = self.note.as_ref().and_then(|n| n.text(paint.dir)) {
            below.push(Line::from(vec![
                Span::styled("• ", theme.ok()),
                Span::raw(m),
            ]));
        }
        let below = wrap::hanging_all(below, area.width);
        // The plan of an import needs the room at small sizes: the table waits. Otherwise the
        // table gets what the lines below leave, its rows scrolled to keep the cursor in view.
        let mut lines = match self.confirm_import {
            Some(_) => Vec::new(),
            None => {
                let room = usize::from(area.height).saturating_sub(below.len());
                self.table_lines(profiles, statuses, (area.width, room), paint.theme)
            }
        };
        lines.extend(below);
        let text_h = u16::try_from(lines.len())
            .unwrap_or(u16::MAX)
            .min(area.height);
        frame.render_widget(wrap::paragraph(lines, area), area);
        if let Some(field) = &self.import
            && area.height > text_h
        {
            let below = Rect {
                y: area.y + text_h,
                height: area.height - text_h,
                ..area
            };
            field.render(frame, below, true, theme, None);
        }
    }

    /// The profiles table: a heading, then the profiles in view, one line each, fitted to
    /// `width` (the columns as wide as all profiles need, so they stay put while scrolling);
    /// `height` lines in all.
    fn table_lines(
        &self,
        profiles: &ProfilesFile,
        statuses: &BTreeMap<String, SessionStatus>,
        (width, height): (u16, usize),
        theme: Theme,
    ) -> Vec<Line<'static>> {
        if profiles.profiles.is_empty() {
            return vec![
                Line::raw("No profiles yet."),
                Line::raw(
                    "n sets one up; i imports a profile file a teammate wrote with `oauth-setup export`.",
                ),
            ];
        }
        let cells = table::profile_cells(profiles, statuses, SystemTime::now());
        let fitted = table::fit(&COLUMNS, &cells, usize::from(width));
        let mut lines = vec![Line::styled(
            format!("  {}", fitted.header(&COLUMNS)),
            theme.dim(),
        )];
        let rows = height.saturating_sub(1).max(1);
        let top = scroll::top(self.top.get(), self.cursor, cells.len(), rows);
        self.top.set(top);
        let in_view = profiles.profiles.keys().zip(&cells).enumerate();
        for (i, (name, row)) in in_view.skip(top).take(rows) {
            let default = if profiles.default_profile.as_deref() == Some(name) {
                "*"
            } else {
                " "
            };
            let here = if i == self.cursor { "▸" } else { " " };
            let line = Line::raw(format!("{here}{default}{}", fitted.row(i, row)));
            lines.push(if i == self.cursor {
                line.style(theme.selected())
            } else {
                line
            });
        }
        lines
    }
}

/// ↑↓ in the legend; a page and either end in the help, for long lists.
fn choosing(keys: Keymap<Act>) -> Keymap<Act> {
    let choose = [
        (KeyCode::Up.into(), Act::Move(-1)),
        (KeyCode::Down.into(), Act::Move(1)),
    ];
    let (first, last) = (Act::Move(isize::MIN), Act::Move(isize::MAX));
    keys.keys("↑↓", "choose", &choose)
        .alias(KeyCode::PageUp, "PgUp", "ten profiles up", Act::Move(-10))
        .alias(
            KeyCode::PageDown,
            "PgDn",
            "ten profiles down",
            Act::Move(10),
        )
        .alias(KeyCode::Home, "Home", "the first profile", first)
        .alias(KeyCode::End, "End", "the last profile", last)
}
