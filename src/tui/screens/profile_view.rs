//! One profile, as `show` prints it, with what can be done to it: edit, rename, copy, make
//! default, rotate, verify, log in again and delete.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

mod view;

use crate::flows::manage::ManageError;
use crate::flows::show::ProfileInfo;
use crate::stores::account::Rewritten;
use crate::tui::command::{Command, Outcome};
use crate::tui::msg::Msg;
use crate::tui::widgets::keymap::Keymap;
use crate::tui::widgets::scroll::Scroll;
use crate::tui::widgets::text_field::TextField;

/// What the user asked for, for the app to open or do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewAction {
    None,
    Back,
    Edit,
    Rotate,
    Verify,
    Login,
}

/// A new name being typed, for a rename or a copy.
#[derive(Debug)]
pub struct NameBox {
    pub purpose: Purpose,
    pub field: TextField,
    /// A copy of a Vault or password-manager secret: use the same path or entry.
    pub share: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Rename,
    Copy,
}

/// What the last action came to.
#[derive(Debug)]
pub enum ViewNote {
    Renamed {
        from: String,
    },
    Copied {
        to: String,
        done: Rewritten,
    },
    MadeDefault,
    Failed(ManageError),
    /// A screen opened from here ended (saved, rotated, cancelled).
    Ended(crate::tui::command::Ending),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Back,
    Scroll(isize),
    Edit,
    Rename,
    Copy,
    MakeDefault,
    Rotate,
    Verify,
    Login,
    Delete,
    DeleteIt,
    NameIt,
    CancelName,
    Share,
}

#[derive(Debug)]
pub struct ProfileView {
    pub name: String,
    /// `None` until its stores were read.
    pub info: Option<Box<ProfileInfo>>,
    pub name_box: Option<NameBox>,
    pub confirm_delete: bool,
    pub note: Option<ViewNote>,
    /// A command is running (rename, copy, default): keys wait for its answer.
    pub busy: bool,
    scroll: Scroll,
}

impl ProfileView {
    /// The view of `name`, and the command that reads what it holds.
    pub fn open(name: String) -> (Self, Command) {
        let cmd = Command::Describe { name: name.clone() };
        (
            Self {
                name,
                info: None,
                name_box: None,
                confirm_delete: false,
                note: None,
                busy: false,
                scroll: Scroll::new(usize::MAX),
            },
            cmd,
        )
    }

    /// Back from a screen opened here: what came of it.
    pub fn ended(&mut self, ending: crate::tui::command::Ending) {
        self.note = Some(ViewNote::Ended(ending));
    }

    pub fn is_busy(&self) -> bool {
        self.busy || self.info.is_none()
    }

    pub fn typing(&self) -> bool {
        self.name_box.is_some() && !self.busy
    }

    fn keymap(&self) -> Keymap<Act> {
        // A rename, copy or default is being written: keys wait for its answer.
        if self.busy {
            return Keymap::new().keys("?", "help", &[]);
        }
        if let Some(b) = &self.name_box {
            let shares = self.info.as_ref().is_some_and(|i| {
                b.purpose == Purpose::Copy && i.profile.secret.local_entry().is_none()
            });
            let does = match b.purpose {
                Purpose::Rename => "rename",
                Purpose::Copy => "copy",
            };
            return Keymap::new()
                .on(KeyCode::Enter, "Enter", does, Act::NameIt)
                .when(shares, |k| {
                    k.on(KeyCode::Tab, "Tab", "share the secret or not", Act::Share)
                })
                .on(KeyCode::Esc, "Esc", "cancel", Act::CancelName);
        }
        if self.confirm_delete {
            return Keymap::new().on('y', "y", "delete", Act::DeleteIt).keys(
                "any other key",
                "keep it",
                &[],
            );
        }
        let p = self.info.as_ref().map(|i| (&i.profile, i.is_default));
        Keymap::new()
            .when(p.is_some(), |k| {
                k.on('e', "e", "edit", Act::Edit)
                    .on('n', "n", "rename", Act::Rename)
                    .on('c', "c", "copy", Act::Copy)
            })
            .when(p.is_some_and(|(_, default)| !default), |k| {
                k.on('m', "m", "make default", Act::MakeDefault)
            })
            .when(p.is_some_and(|(p, _)| p.has_secret()), |k| {
                k.on('r', "r", "rotate", Act::Rotate)
            })
            .when(p.is_some(), |k| k.on('v', "v", "verify", Act::Verify))
            .when(p.is_some_and(|(p, _)| p.grant_type.is_user_grant()), |k| {
                k.on('l', "l", "log in again", Act::Login)
            })
            .when(p.is_some(), |k| k.on('d', "d", "delete", Act::Delete))
            .when(self.scroll.overflows(), |k| k.scrolling(Act::Scroll))
            .on(KeyCode::Esc, "Esc", "back", Act::Back)
            .keys("?", "help", &[])
    }

    pub fn keys(&self) -> Vec<(&'static str, &'static str)> {
        self.keymap().legend()
    }

    pub fn more_keys(&self) -> Vec<(&'static str, &'static str)> {
        self.keymap().aliases()
    }

    /// Keys and answers; what opens another screen goes back to the app as a [`ViewAction`].
    pub fn update(&mut self, msg: Msg) -> (ViewAction, Outcome) {
        match msg {
            Msg::Key(key) if !self.busy => self.on_key(key),
            Msg::Paste(text) => {
                if let Some(b) = self.name_box.as_mut() {
                    b.field.paste_value(&text);
                }
                (ViewAction::None, Outcome::none())
            }
            Msg::Described(info) => {
                match *info {
                    Some(info) => self.info = Some(Box::new(info)),
                    // Gone meanwhile (deleted, renamed elsewhere): nothing to show.
                    None => return (ViewAction::Back, Outcome::none()),
                }
                (ViewAction::None, Outcome::none())
            }
            Msg::Renamed { from, result } => {
                self.busy = false;
                match result.map_err(|e| self.refused(e)) {
                    Ok(to) => {
                        self.name_box = None;
                        self.name = to;
                        self.note = Some(ViewNote::Renamed { from });
                        return (ViewAction::None, self.reload());
                    }
                    Err(note) => self.note = note,
                }
                (ViewAction::None, Outcome::none())
            }
            Msg::Copied { result, .. } => {
                self.busy = false;
                match result.map_err(|e| self.refused(e)) {
                    Ok((to, done)) => {
                        self.name_box = None;
                        self.note = Some(ViewNote::Copied { to, done });
                    }
                    Err(note) => self.note = note,
                }
                (ViewAction::None, vec![Command::LoadProfiles].into())
            }
            Msg::DefaultMade { result, .. } => {
                self.busy = false;
                self.note = Some(match result {
                    Ok(()) => ViewNote::MadeDefault,
                    Err(e) => ViewNote::Failed(e),
                });
                (ViewAction::None, self.reload())
            }
            _ => (ViewAction::None, Outcome::none()),
        }
    }

    /// A refusal the name box can mend stays in it, under the name; anything else closes it
    /// and becomes the note.
    fn refused(&mut self, e: ManageError) -> Option<ViewNote> {
        // A taken name, a bad one, or a password manager's entry (Tab shares it): the box
        // stays, with what was typed.
        let mendable = matches!(
            e,
            ManageError::Name(_)
                | ManageError::Exists(_)
                | ManageError::SameName(_)
                | ManageError::CannotCopyCommand
        );
        match self.name_box.as_mut() {
            Some(b) if mendable => {
                b.field.error = Some(match &e {
                    ManageError::Name(f) => f.message.clone(),
                    ManageError::CannotCopyCommand => format!("{e}: Tab shares the same entry"),
                    other => format!("{other}; choose another name"),
                });
                None
            }
            _ => {
                self.name_box = None;
                Some(ViewNote::Failed(e))
            }
        }
    }

    fn reload(&self) -> Outcome {
        vec![
            Command::LoadProfiles,
            Command::Describe {
                name: self.name.clone(),
            },
        ]
        .into()
    }

    fn on_key(&mut self, key: KeyEvent) -> (ViewAction, Outcome) {
        let act = self.keymap().action(&key);
        if let Some(b) = self.name_box.as_mut() {
            match act {
                Some(Act::CancelName) => self.name_box = None,
                Some(Act::Share) => b.share = !b.share,
                Some(Act::NameIt) => return (ViewAction::None, self.name_it()),
                _ => b.field.on_key(key),
            }
            return (ViewAction::None, Outcome::none());
        }
        if self.confirm_delete {
            self.confirm_delete = false;
            if act == Some(Act::DeleteIt) {
                return (
                    ViewAction::None,
                    vec![Command::Delete {
                        name: self.name.clone(),
                    }]
                    .into(),
                );
            }
            return (ViewAction::None, Outcome::none());
        }
        self.note = None;
        let action = match act {
            Some(Act::Back) => ViewAction::Back,
            Some(Act::Edit) => ViewAction::Edit,
            Some(Act::Rotate) => ViewAction::Rotate,
            Some(Act::Verify) => ViewAction::Verify,
            Some(Act::Login) => ViewAction::Login,
            Some(Act::Scroll(by)) => {
                self.scroll.by(by);
                ViewAction::None
            }
            Some(Act::Rename) => self.open_name_box(Purpose::Rename),
            Some(Act::Copy) => self.open_name_box(Purpose::Copy),
            Some(Act::MakeDefault) => {
                self.busy = true;
                return (
                    ViewAction::None,
                    vec![Command::MakeDefault {
                        name: self.name.clone(),
                    }]
                    .into(),
                );
            }
            Some(Act::Delete) => {
                self.confirm_delete = true;
                ViewAction::None
            }
            _ => ViewAction::None,
        };
        (action, Outcome::none())
    }

    fn open_name_box(&mut self, purpose: Purpose) -> ViewAction {
        let label = match purpose {
            Purpose::Rename => "New name",
            Purpose::Copy => "Name of the copy",
        };
        self.name_box = Some(NameBox {
            purpose,
            field: TextField::new(label),
            share: false,
        });
        ViewAction::None
    }

    /// Enter in the name box: the name is checked by the use case, which names what is wrong.
    fn name_it(&mut self) -> Outcome {
        let Some(b) = self.name_box.as_mut() else {
            return Outcome::none();
        };
        let to = b.field.value().trim().to_string();
        if to.is_empty() {
            b.field.error = Some("type a name, or Esc".into());
            return Outcome::none();
        }
        b.field.error = None;
        self.busy = true;
        let from = self.name.clone();
        match b.purpose {
            Purpose::Rename => vec![Command::Rename { from, to }].into(),
            Purpose::Copy => vec![Command::Copy {
                from,
                to,
                share: b.share,
            }]
            .into(),
        }
    }
}
