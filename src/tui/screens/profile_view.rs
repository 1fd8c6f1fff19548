//! One profile, as `show` prints it, with what can be done to it: edit, rename, copy, make
//! default, rotate, verify, log in again and delete.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::flows::manage::ManageError;
use crate::flows::show::ProfileInfo;
use crate::stores::account::Rewritten;
use crate::stores::config_dir::ConfigDir;
use crate::tui::command::{Command, Outcome};
use crate::tui::msg::Msg;
use crate::tui::widgets::keymap::Keymap;
use crate::tui::widgets::layout::{self, Chrome};
use crate::tui::widgets::scroll::Scroll;
use crate::tui::widgets::text_field::TextField;
use crate::tui::widgets::theme::{Paint, Theme};
use crate::tui::widgets::wrap;

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
        let scroll = [
            (KeyCode::Up.into(), Act::Scroll(-1)),
            (KeyCode::Down.into(), Act::Scroll(1)),
            (KeyCode::PageUp.into(), Act::Scroll(-10)),
            (KeyCode::PageDown.into(), Act::Scroll(10)),
        ];
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
            .when(self.scroll.overflows(), |k| {
                k.keys("↑↓ PgUp PgDn", "scroll", &scroll)
            })
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
        let mendable = matches!(
            e,
            ManageError::Name(_) | ManageError::Exists(_) | ManageError::SameName(_)
        );
        match self.name_box.as_mut() {
            Some(b) if mendable => {
                b.field.error = Some(match &e {
                    ManageError::Name(f) => f.message.clone(),
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

    pub fn render(&self, frame: &mut Frame, paint: &Paint) {
        let chrome = Chrome {
            title: format!("oauth-setup · profile {}", self.name),
            indicator: String::new(),
            steps: vec![],
            keys: self.keys(),
        };
        let offered = self.scroll.overflows();
        self.render_body(frame, paint, &chrome);
        // Only the drawn text knows whether it is taller than the screen; the legend offers
        // scrolling exactly then, so a change is drawn again with the legend that says so.
        if self.scroll.overflows() != offered {
            frame.buffer_mut().reset();
            let chrome = Chrome {
                keys: self.keys(),
                ..chrome
            };
            self.render_body(frame, paint, &chrome);
        }
    }

    fn render_body(&self, frame: &mut Frame, paint: &Paint, chrome: &Chrome) {
        let theme = paint.theme;
        let area = layout::draw(frame, theme, chrome);
        let mut lines = self.info_lines(theme);
        lines.push(Line::raw(""));
        lines.extend(self.below_lines(paint.dir, theme));
        let lines = wrap::hanging_all(lines, area.width);
        let height = usize::from(area.height);
        // The box for a name sits under the text, so the text gives way to it.
        let boxed = if self.name_box.is_some() { 3 } else { 0 };
        let text_h = height.saturating_sub(boxed);
        // The question or the note is what the user must see: the end of the text is shown.
        let (top, _) = self.scroll.fit(lines.len(), text_h);
        let top = if self.confirm_delete || self.name_box.is_some() || self.note.is_some() {
            lines.len().saturating_sub(text_h)
        } else {
            top
        };
        let shown: Vec<Line> = lines.into_iter().skip(top).take(text_h).collect();
        frame.render_widget(Paragraph::new(shown), area);
        if let Some(b) = &self.name_box
            && area.height > 3
        {
            let below = ratatui::layout::Rect {
                y: area.y + area.height - 3,
                height: 3,
                ..area
            };
            b.field.render(frame, below, true, theme, None);
        }
    }

    fn info_lines(&self, theme: Theme) -> Vec<Line<'static>> {
        let Some(info) = &self.info else {
            return vec![Line::styled("reading the profile's stores …", theme.dim())];
        };
        crate::report::profile_rows(info)
            .into_iter()
            .map(|(label, value)| {
                Line::from(vec![
                    Span::styled(format!("{label:<15} "), theme.dim()),
                    Span::raw(value),
                ])
            })
            .collect()
    }

    /// The question, the name box's note, or what the last action came to.
    fn below_lines(&self, dir: &ConfigDir, theme: Theme) -> Vec<Line<'static>> {
        if self.confirm_delete {
            return vec![Line::styled(
                format!("Delete profile {} and its stored secret? y/n", self.name),
                theme.warn(),
            )];
        }
        if let Some(b) = &self.name_box {
            let mut lines = Vec::new();
            if let Some(e) = &b.field.error {
                lines.push(Line::styled(format!("✗ {e}"), theme.error()));
            }
            if b.purpose == Purpose::Copy
                && let Some(info) = &self.info
            {
                lines.push(Line::raw(copy_note(info, b.share)));
            }
            return lines;
        }
        let Some(note) = &self.note else {
            return Vec::new();
        };
        let text = match note {
            ViewNote::Renamed { from } => format!("renamed {from} to {}", self.name),
            ViewNote::Copied { to, done } => {
                format!("copied to {to} (secret: {})", done.secret_location)
            }
            ViewNote::MadeDefault => format!("{} is now the default profile", self.name),
            ViewNote::Failed(e) => failure_words(e, dir, &self.name),
            ViewNote::Ended(ending) => match ending.farewell() {
                Some(words) => words,
                None => return Vec::new(),
            },
        };
        let style = match note {
            ViewNote::Failed(_) => theme.error(),
            _ => theme.ok(),
        };
        vec![Line::styled(format!("• {text}"), style)]
    }
}

/// Where the copy's secret will go.
fn copy_note(info: &ProfileInfo, share: bool) -> String {
    use crate::stores::secret_store::SecretLocation;
    match (&info.profile.secret, share) {
        (SecretLocation::Keyring | SecretLocation::File, _) => {
            "The copy gets its own entry in the same store; it signs in on its own.".into()
        }
        (SecretLocation::Vault(_), false) => {
            "The copy's secret goes to oauth-setup/<name> in the same Vault. Tab: share this path instead.".into()
        }
        (SecretLocation::Command(_), false) => {
            "A password manager's entry cannot be copied. Tab: share the same entry.".into()
        }
        (_, true) => {
            "Shared: both profiles use the same secret, so a rotation of one changes both. Tab: undo.".into()
        }
    }
}

/// A refused rename, copy or default, with what to do.
fn failure_words(e: &ManageError, dir: &ConfigDir, name: &str) -> String {
    match e {
        ManageError::Account(a) => {
            let fix = a
                .fix(dir, name, crate::protocol::token::Surface::App)
                .map(|f| format!("; {f}"))
                .unwrap_or_default();
            format!("{a}{fix}")
        }
        ManageError::Name(f) => format!("{}: {}", f.field.label(), f.message),
        ManageError::CannotCopyCommand => format!("{e}: Tab shares the same entry"),
        other => other.to_string(),
    }
}
