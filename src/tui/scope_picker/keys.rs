//! What each key does in the scope step, and the legend that says so (from the same match, so
//! the legend offers only keys that do something here).

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{PickerFocus, ScopePicker};

impl ScopePicker {
    /// Whether Enter ends the step here; elsewhere it acts inside the picker.
    pub fn enter_moves_on(&self) -> bool {
        match self.focus {
            PickerFocus::Filter => self.filter.value().trim().is_empty(),
            PickerFocus::Selected => true,
            PickerFocus::Paste => !self.catalogued(),
        }
    }

    pub fn on_key(&mut self, key: KeyEvent) {
        if !self.catalogued() {
            self.paste.on_key(key);
            return;
        }
        match (self.focus, key.code) {
            (focus, KeyCode::Tab) => self.focus = next(focus),
            (focus, KeyCode::BackTab) => self.focus = next(next(focus)),
            (PickerFocus::Filter, _) => self.on_filter_key(key),
            (PickerFocus::Selected, _) => self.on_selected_key(key),
            (PickerFocus::Paste, KeyCode::Enter) => {
                let text = self.paste.value().to_string();
                self.add_list(&text);
            }
            (PickerFocus::Paste, _) => self.paste.on_key(key),
        }
    }

    fn on_filter_key(&mut self, key: KeyEvent) {
        let last = self.matches().len().saturating_sub(1);
        match key.code {
            KeyCode::Up => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down => self.cursor = (self.cursor + 1).min(last),
            KeyCode::PageUp => self.cursor = self.cursor.saturating_sub(10),
            KeyCode::PageDown => self.cursor = (self.cursor + 10).min(last),
            KeyCode::Char(' ') => self.toggle_current(),
            KeyCode::F(2) => self.preset_minimum(),
            KeyCode::F(3) => self.preset_read_only(),
            KeyCode::Enter => self.select_highlighted(),
            _ => {
                self.filter.on_key(key);
                self.cursor = self.cursor.min(self.matches().len().saturating_sub(1));
            }
        }
    }

    /// Enter while filtering: the highlighted match is selected and the filter cleared (also
    /// when nothing matches, so the list comes back).
    fn select_highlighted(&mut self) {
        let Some(name) = self.matches().get(self.cursor).map(|s| s.name.clone()) else {
            self.filter.set_value("");
            self.cursor = 0;
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

    fn on_selected_key(&mut self, key: KeyEvent) {
        let last = self.selected.len().saturating_sub(1);
        match key.code {
            KeyCode::Up => self.selected_cursor = self.selected_cursor.saturating_sub(1),
            KeyCode::Down => self.selected_cursor = (self.selected_cursor + 1).min(last),
            KeyCode::Char(' ') | KeyCode::Delete | KeyCode::Backspace => self.remove_current(),
            _ => {}
        }
    }

    /// The keys that act on this focus, for the legend.
    pub fn keys(&self) -> Vec<(&'static str, &'static str)> {
        if !self.catalogued() {
            return vec![("Enter", "next")];
        }
        match self.focus {
            PickerFocus::Filter => {
                let matches = self.matches().len();
                let mut keys = Vec::new();
                if matches > 0 {
                    keys.push(("Space", "toggle"));
                }
                match (self.filter.value().trim().is_empty(), matches) {
                    (true, _) => keys.push(("Enter", "next")),
                    (false, 0) => keys.push(("Enter", "clear filter")),
                    (false, _) => keys.push(("Enter", "select")),
                }
                if self.minimum_missing() {
                    keys.push(("F2", "min"));
                }
                if self.read_only().0 != self.selected {
                    keys.push(("F3", "read-only"));
                }
                keys.push(("Tab", "selected"));
                keys
            }
            PickerFocus::Selected if self.selected.is_empty() => {
                vec![("Tab", "paste box"), ("Enter", "next")]
            }
            PickerFocus::Selected => {
                let mut keys = vec![("Del", "remove"), ("Tab", "paste box"), ("Enter", "next")];
                if self.selected.len() > 1 {
                    keys.insert(0, ("↑↓", "choose"));
                }
                keys
            }
            PickerFocus::Paste => vec![("Enter", "add"), ("Tab", "filter")],
        }
    }
}

fn next(focus: PickerFocus) -> PickerFocus {
    match focus {
        PickerFocus::Filter => PickerFocus::Selected,
        PickerFocus::Selected => PickerFocus::Paste,
        PickerFocus::Paste => PickerFocus::Filter,
    }
}
