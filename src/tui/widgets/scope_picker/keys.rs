//! What each key does in the scope step, and the legend that says so: both read one table per
//! focus, so the legend offers only keys that do something here.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{PickerFocus, ScopePicker};
use crate::tui::widgets::keymap::{Key, Keymap};

/// What a key asks of the picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKey {
    /// Enter where it ends the step: the screen that holds the picker submits it.
    MoveOn,
    NextFocus,
    PrevFocus,
    Move(isize),
    Toggle,
    /// Enter while filtering: the highlighted match, and the filter cleared.
    Select,
    Minimum,
    ReadOnly,
    Remove,
    AddPasted,
}

/// What the screen that holds the picker must do after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerAction {
    None,
    MoveOn,
}

const ARROWS: [(KeyCode, isize); 4] = [
    (KeyCode::Up, -1),
    (KeyCode::Down, 1),
    (KeyCode::PageUp, -10),
    (KeyCode::PageDown, 10),
];

impl ScopePicker {
    /// The keys of the focus the picker is in.
    pub fn keymap(&self) -> Keymap<PickerKey> {
        let next = Keymap::new().on(KeyCode::Enter, "Enter", "next", PickerKey::MoveOn);
        if !self.catalogued() {
            return next;
        }
        let focus = match self.focus {
            PickerFocus::Filter => self.filter_keys(),
            PickerFocus::Selected if self.selected.is_empty() => Keymap::new()
                .on(KeyCode::Tab, "Tab", "paste box", PickerKey::NextFocus)
                .on(KeyCode::Enter, "Enter", "next", PickerKey::MoveOn),
            PickerFocus::Selected => Keymap::new()
                .when(self.selected.len() > 1, |k| {
                    k.keys(
                        "↑↓",
                        "choose",
                        &[
                            (KeyCode::Up.into(), PickerKey::Move(-1)),
                            (KeyCode::Down.into(), PickerKey::Move(1)),
                        ],
                    )
                })
                .on(KeyCode::Delete, "Del", "remove", PickerKey::Remove)
                .quiet(KeyCode::Backspace, PickerKey::Remove)
                .quiet(' ', PickerKey::Remove)
                .on(KeyCode::Tab, "Tab", "paste box", PickerKey::NextFocus)
                .on(KeyCode::Enter, "Enter", "next", PickerKey::MoveOn),
            PickerFocus::Paste => Keymap::new()
                .on(KeyCode::Enter, "Enter", "add", PickerKey::AddPasted)
                .on(KeyCode::Tab, "Tab", "filter", PickerKey::NextFocus),
        };
        focus.quiet(KeyCode::BackTab, PickerKey::PrevFocus)
    }

    fn filter_keys(&self) -> Keymap<PickerKey> {
        let matches = self.matches().len();
        let enter = match (self.filter.value().trim().is_empty(), matches) {
            (true, _) => ("next", PickerKey::MoveOn),
            (false, 0) => ("clear filter", PickerKey::Select),
            (false, _) => ("select", PickerKey::Select),
        };
        let mut keys = Keymap::new()
            .when(matches > 0, |k| {
                k.on(' ', "Space", "toggle", PickerKey::Toggle)
            })
            // A space never goes into the filter: with nothing to toggle it does nothing.
            .when(matches == 0, |k| k.quiet(' ', PickerKey::Toggle))
            .on(KeyCode::Enter, "Enter", enter.0, enter.1)
            .when(self.minimum_missing(), |k| {
                k.on(KeyCode::F(2), "F2", "min", PickerKey::Minimum)
            })
            .when(self.read_only().0 != self.selected, |k| {
                k.on(KeyCode::F(3), "F3", "read-only", PickerKey::ReadOnly)
            })
            .on(KeyCode::Tab, "Tab", "selected", PickerKey::NextFocus);
        // Moving through the list is what arrows do in any list: not worth a legend entry.
        for (code, by) in ARROWS {
            keys = keys.quiet(Key::Plain(code), PickerKey::Move(by));
        }
        keys
    }

    /// A key the screen did not take: the picker's table, else typing into the focused box.
    pub fn on_key(&mut self, key: KeyEvent) -> PickerAction {
        match self.keymap().action(&key) {
            Some(act) => self.act(act),
            None => {
                self.type_key(key);
                PickerAction::None
            }
        }
    }

    /// What a key of the table does.
    pub fn act(&mut self, act: PickerKey) -> PickerAction {
        // What F3 did is said until the selection changes again.
        if matches!(
            act,
            PickerKey::Toggle | PickerKey::Select | PickerKey::Remove | PickerKey::AddPasted
        ) {
            self.note = None;
        }
        match act {
            PickerKey::MoveOn => return PickerAction::MoveOn,
            PickerKey::NextFocus => self.focus = next(self.focus),
            PickerKey::PrevFocus => self.focus = next(next(self.focus)),
            PickerKey::Move(by) if self.focus == PickerFocus::Selected => {
                let last = self.selected.len().saturating_sub(1);
                self.selected_cursor = self.selected_cursor.saturating_add_signed(by).min(last);
            }
            PickerKey::Move(by) => {
                let last = self.matches().len().saturating_sub(1);
                self.cursor = self.cursor.saturating_add_signed(by).min(last);
            }
            PickerKey::Toggle => self.toggle_current(),
            PickerKey::Select => self.select_highlighted(),
            PickerKey::Minimum => self.preset_minimum(),
            PickerKey::ReadOnly => self.preset_read_only(),
            PickerKey::Remove => self.remove_current(),
            PickerKey::AddPasted => {
                let text = self.paste.value().to_string();
                self.add_list(&text);
            }
        }
        PickerAction::None
    }

    /// A key the table lacks: typing into the focused box.
    pub fn type_key(&mut self, key: KeyEvent) {
        match self.focus {
            PickerFocus::Filter => {
                self.filter.on_key(key);
                // A changed filter is a new question: what the last Enter found goes.
                self.error = None;
                self.cursor = self.cursor.min(self.matches().len().saturating_sub(1));
            }
            PickerFocus::Paste => self.paste.on_key(key),
            PickerFocus::Selected => {}
        }
    }

    /// Enter while filtering: the highlighted match is selected and the filter cleared. When
    /// nothing matches, the filter stays and the user is told where such a scope goes.
    fn select_highlighted(&mut self) {
        let Some(name) = self.matches().get(self.cursor).map(|s| s.name.clone()) else {
            self.error = Some(format!(
                "nothing in the catalogue matches \"{}\": change the filter, or type the scope \
                 into the paste box (Tab Tab)",
                crate::rules::sanitize::one_line(self.filter.value(), 40)
            ));
            return;
        };
        if !self.selected.contains(&name) {
            self.toggle(&name);
        }
        self.filter.set_value("");
        self.cursor = self
            .matches()
            .iter()
            .position(|s| s.name == name)
            .unwrap_or(0);
    }
}

fn next(focus: PickerFocus) -> PickerFocus {
    match focus {
        PickerFocus::Filter => PickerFocus::Selected,
        PickerFocus::Selected => PickerFocus::Paste,
        PickerFocus::Paste => PickerFocus::Filter,
    }
}
