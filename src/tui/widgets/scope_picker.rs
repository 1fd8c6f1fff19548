//! The scope step. With a catalogue: the whole catalogue grouped by area and filtered as you
//! type, presets, a view of everything selected (catalogue or not) where each can be removed, and
//! a line for pasting a list. Without one: a plain field for a space- or comma-separated list.

mod keys;
mod view;

pub use keys::{PickerAction, PickerKey};

use crate::rules::fields::{parse_scopes, write_without_read};
use crate::rules::provider::{Access, Provider, ScopeInfo};
use crate::tui::widgets::text_field::{SecondEnter, TextField};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerFocus {
    /// The filter box; the catalogue list below follows it.
    Filter,
    /// The list of what is selected, where a scope can be removed.
    Selected,
    /// The line for pasting or typing a list (the only input without a catalogue).
    Paste,
}

#[derive(Debug, Clone)]
pub struct ScopePicker {
    pub filter: TextField,
    pub paste: TextField,
    pub focus: PickerFocus,
    /// Selected scope names, in the order chosen.
    pub selected: Vec<String>,
    /// Index into the filtered catalogue.
    pub cursor: usize,
    /// Index into `selected`.
    pub selected_cursor: usize,
    pub error: Option<String>,
    pub warnings: Vec<String>,
    /// What the last preset did, when it removed something.
    pub note: Option<String>,
    gate: SecondEnter<Vec<String>>,
    provider: &'static Provider,
}

impl ScopePicker {
    pub fn new(provider: &'static Provider) -> Self {
        let catalogued = !provider.scopes.is_empty();
        let paste_label = if catalogued {
            "Paste a list (space or comma separated), Enter adds"
        } else {
            "Scopes (space or comma separated)"
        };
        Self {
            filter: TextField::new("Filter"),
            paste: TextField::new(paste_label),
            focus: if catalogued {
                PickerFocus::Filter
            } else {
                PickerFocus::Paste
            },
            selected: Vec::new(),
            cursor: 0,
            selected_cursor: 0,
            error: None,
            warnings: Vec::new(),
            note: None,
            gate: SecondEnter::default(),
            provider,
        }
    }

    /// Whether the provider has a catalogue to pick from (else the step is a plain field).
    pub fn catalogued(&self) -> bool {
        !self.provider.scopes.is_empty()
    }

    /// Nothing chosen and nothing typed.
    pub fn is_empty(&self) -> bool {
        self.selected.is_empty() && self.paste.value().trim().is_empty()
    }

    /// Catalogue scopes matching the filter (name, area or description), in catalogue order.
    pub fn matches(&self) -> Vec<&'static ScopeInfo> {
        let f = self.filter.value().trim().to_ascii_lowercase();
        self.provider
            .scopes
            .iter()
            .filter(|s| {
                f.is_empty()
                    || s.name.contains(&f)
                    || s.area.to_ascii_lowercase().contains(&f)
                    || s.description
                        .as_deref()
                        .is_some_and(|d| d.to_ascii_lowercase().contains(&f))
            })
            .collect()
    }

    fn changed(&mut self) {
        self.error = None;
        self.warnings.clear();
        self.selected_cursor = self
            .selected_cursor
            .min(self.selected.len().saturating_sub(1));
    }

    pub fn toggle(&mut self, name: &str) {
        match self.selected.iter().position(|s| s == name) {
            Some(i) => {
                self.selected.remove(i);
            }
            None => self.selected.push(name.to_string()),
        }
        self.changed();
    }

    pub fn toggle_current(&mut self) {
        if let Some(s) = self.matches().get(self.cursor) {
            let name = s.name.clone();
            self.toggle(&name);
        }
    }

    /// Remove the scope under the cursor of the selection view.
    pub fn remove_current(&mut self) {
        if self.selected_cursor < self.selected.len() {
            self.selected.remove(self.selected_cursor);
            self.changed();
        }
    }

    /// Replace the selection (going back to what the step last accepted).
    pub fn set_selected(&mut self, scopes: &[String]) {
        self.selected = scopes.to_vec();
        if !self.catalogued() {
            self.paste.set_value(&scopes.join(" "));
        }
        self.note = None;
        self.changed();
    }

    /// The minimum preset: the one scope every integration of the provider needs.
    pub fn preset_minimum(&mut self) {
        if let Some(minimum) = &self.provider.minimum_scope
            && !self.selected.contains(minimum)
        {
            self.selected.push(minimum.clone());
        }
        self.note = None;
        self.changed();
    }

    /// Read-only for the chosen areas: every read scope of each area that has a selection; what
    /// it added and removed is said, until the next change.
    pub fn preset_read_only(&mut self) {
        let (selected, removed) = self.read_only();
        let added: Vec<&str> = selected
            .iter()
            .filter(|s| !self.selected.contains(s))
            .map(String::as_str)
            .collect();
        let mut said = Vec::new();
        if !added.is_empty() {
            said.push(format!("added {}", added.join(" ")));
        }
        if !removed.is_empty() {
            said.push(format!("removed {}", removed.join(" ")));
        }
        self.note = Some(match said.is_empty() {
            true => "F3 read-only: nothing to change".to_string(),
            false => format!("F3 read-only: {}", said.join("; ")),
        });
        self.selected = selected;
        self.changed();
    }

    /// What the read-only preset would select, and what it would remove.
    pub fn read_only(&self) -> (Vec<String>, Vec<String>) {
        let p = self.provider;
        let areas: Vec<&str> = self
            .selected
            .iter()
            .filter_map(|n| p.scope(n).map(|s| s.area.as_str()))
            .collect();
        let (mut keep, removed): (Vec<String>, Vec<String>) = self
            .selected
            .iter()
            .cloned()
            .partition(|n| p.scope(n).is_none_or(|s| s.access == Access::Read));
        for s in &p.scopes {
            if s.access == Access::Read
                && areas.contains(&s.area.as_str())
                && !keep.contains(&s.name)
            {
                keep.push(s.name.clone());
            }
        }
        (keep, removed)
    }

    /// Whether the minimum preset would add anything.
    pub fn minimum_missing(&self) -> bool {
        self.provider
            .minimum_scope
            .as_ref()
            .is_some_and(|m| !self.selected.contains(m))
    }

    /// Add every scope of a pasted list; a malformed name is refused with the rule's message.
    pub fn add_list(&mut self, text: &str) {
        if !self.catalogued() {
            self.paste.on_paste(text);
            return;
        }
        match parse_scopes(text, self.provider) {
            Ok(v) => {
                for s in v.value {
                    if !self.selected.contains(&s) {
                        self.selected.push(s);
                    }
                }
                self.paste.set_value("");
                self.changed();
            }
            Err(e) => self.paste.error = Some(e.message),
        }
    }

    pub fn on_paste(&mut self, text: &str) {
        // A pasted list is what users have in the clipboard, whichever line has focus.
        self.add_list(text);
    }

    /// Enter on the step: the selection (or, without a catalogue, the typed list) must pass the
    /// scopes rule; warnings need a second Enter.
    pub fn submit(&mut self) -> Option<Vec<String>> {
        if !self.catalogued() {
            let verdict = parse_scopes(self.paste.value(), self.provider);
            let scopes = self.paste.judge(verdict)?;
            self.selected.clone_from(&scopes);
            return Some(scopes);
        }
        match parse_scopes(&self.selected.join(" "), self.provider) {
            Err(e) => {
                self.error = Some(e.message);
                None
            }
            Ok(v) => {
                let mut warnings = v.warnings;
                let lonely = write_without_read(&v.value, self.provider);
                if !lonely.is_empty() {
                    warnings.push(format!(
                        "write without its read scope: {}",
                        lonely.join(", ")
                    ));
                }
                if self.gate.pass(v.value.clone(), &warnings) {
                    self.warnings.clear();
                    return Some(v.value);
                }
                self.warnings = warnings;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn picker() -> ScopePicker {
        ScopePicker::new(Provider::get("coupa").unwrap())
    }

    #[test]
    fn filter_toggle_and_presets() {
        let mut p = picker();
        for c in "invoice".chars() {
            p.on_key(key(KeyCode::Char(c)));
        }
        assert!(p.matches().iter().all(|s| {
            s.name.contains("invoice")
                || s.area.to_lowercase().contains("invoice")
                || s.description
                    .as_deref()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains("invoice")
        }));
        assert_eq!(p.matches()[0].name, "core.invoice.read");
        p.on_key(key(KeyCode::Char(' ')));
        assert_eq!(p.selected, ["core.invoice.read"]);
        p.on_key(key(KeyCode::Down));
        p.on_key(key(KeyCode::Char(' ')));
        assert_eq!(p.selected, ["core.invoice.read", "core.invoice.write"]);
        p.on_key(key(KeyCode::F(2)));
        assert!(p.selected.contains(&"core.common.read".to_string()));
        p.on_key(key(KeyCode::F(3)));
        assert!(
            !p.selected.contains(&"core.invoice.write".to_string()),
            "read-only drops writes"
        );
        assert!(
            p.selected
                .contains(&"core.invoice.assignment.read".to_string())
        );
        assert!(p.selected.contains(&"core.common.read".to_string()));
    }

    #[test]
    fn a_pasted_list_is_added_and_checked() {
        let mut p = picker();
        p.on_paste("core.common.read, core.user.read\n");
        assert_eq!(p.selected, ["core.common.read", "core.user.read"]);
        p.on_paste("Core.Bad");
        assert!(p.paste.error.as_deref().unwrap().contains("lower case"));
        assert_eq!(p.selected.len(), 2);
    }

    #[test]
    fn submit_needs_a_scope_and_confirms_warnings() {
        let mut p = picker();
        assert_eq!(p.submit(), None);
        assert!(p.error.as_deref().unwrap().starts_with("is empty"));
        p.toggle("core.invoice.write");
        assert_eq!(p.submit(), None);
        assert!(p.warnings[0].contains("write without its read scope: core.invoice.write"));
        assert_eq!(p.submit(), Some(vec!["core.invoice.write".to_string()]));
    }
}
