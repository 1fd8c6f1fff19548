//! The scope picker: the provider's whole catalogue grouped by area, filtered as you type, with
//! presets and a line for pasting a list.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::text_field::{SecondEnter, TextField};
use super::theme::Theme;
use crate::fields::parse_scopes;
use crate::provider::{Access, Provider, ScopeInfo};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerFocus {
    Filter,
    List,
}

#[derive(Debug, Clone)]
pub struct ScopePicker {
    pub filter: TextField,
    pub paste: TextField,
    pub focus: PickerFocus,
    /// Selected scope names, in the order chosen.
    pub selected: Vec<String>,
    /// Index into the filtered scope rows.
    pub cursor: usize,
    pub error: Option<String>,
    pub warnings: Vec<String>,
    gate: SecondEnter<Vec<String>>,
    provider: &'static Provider,
}

/// A line of the picker: an area heading or a scope.
enum Row<'a> {
    Area(&'a str),
    Scope(&'a ScopeInfo),
}

impl ScopePicker {
    pub fn new(provider: &'static Provider) -> Self {
        Self {
            filter: TextField::new("Filter"),
            paste: TextField::new("Paste a list (space or comma separated), Enter adds"),
            focus: PickerFocus::Filter,
            selected: Vec::new(),
            cursor: 0,
            error: None,
            warnings: Vec::new(),
            gate: SecondEnter::default(),
            provider,
        }
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

    /// The minimum preset: the one scope every integration of the provider needs.
    pub fn preset_minimum(&mut self) {
        if let Some(minimum) = &self.provider.minimum_scope
            && !self.selected.contains(minimum)
        {
            self.selected.push(minimum.clone());
        }
        self.changed();
    }

    /// Read-only for the chosen areas: every read scope of each area that has a selection.
    pub fn preset_read_only(&mut self) {
        let areas: Vec<&str> = self
            .selected
            .iter()
            .filter_map(|n| self.provider.scope(n).map(|s| s.area.as_str()))
            .collect();
        let reads: Vec<String> = self
            .provider
            .scopes
            .iter()
            .filter(|s| s.access == Access::Read && areas.contains(&s.area.as_str()))
            .map(|s| s.name.clone())
            .collect();
        let keep: Vec<String> = self
            .selected
            .iter()
            .filter(|n| {
                self.provider
                    .scope(n)
                    .is_none_or(|s| s.access == Access::Read)
            })
            .cloned()
            .collect();
        self.selected = keep;
        for r in reads {
            if !self.selected.contains(&r) {
                self.selected.push(r);
            }
        }
        self.changed();
    }

    /// Add every scope of a pasted list; a malformed name is refused with the rule's message.
    pub fn add_list(&mut self, text: &str) {
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

    pub fn on_key(&mut self, key: KeyEvent) {
        let rows = self.matches().len();
        match (self.focus, key.code) {
            (_, KeyCode::Tab | KeyCode::BackTab) => {
                self.focus = match self.focus {
                    PickerFocus::Filter => PickerFocus::List,
                    PickerFocus::List => PickerFocus::Filter,
                };
            }
            (PickerFocus::Filter, KeyCode::Up) => self.cursor = self.cursor.saturating_sub(1),
            (PickerFocus::Filter, KeyCode::Down) => {
                self.cursor = (self.cursor + 1).min(rows.saturating_sub(1))
            }
            (PickerFocus::Filter, KeyCode::PageUp) => self.cursor = self.cursor.saturating_sub(10),
            (PickerFocus::Filter, KeyCode::PageDown) => {
                self.cursor = (self.cursor + 10).min(rows.saturating_sub(1))
            }
            (PickerFocus::Filter, KeyCode::Char(' ')) => self.toggle_current(),
            (PickerFocus::Filter, KeyCode::F(2)) => self.preset_minimum(),
            (PickerFocus::Filter, KeyCode::F(3)) => self.preset_read_only(),
            (PickerFocus::Filter, _) => {
                self.filter.on_key(key);
                self.cursor = self.cursor.min(self.matches().len().saturating_sub(1));
            }
            (PickerFocus::List, KeyCode::Enter) => {
                let text = self.paste.value().to_string();
                self.add_list(&text);
            }
            (PickerFocus::List, _) => self.paste.on_key(key),
        }
    }

    pub fn on_paste(&mut self, text: &str) {
        // A pasted list is what users have in the clipboard, whichever line has focus.
        self.add_list(text);
    }

    /// Enter on the step: the selection must pass the scopes rule; warnings need a second Enter.
    pub fn submit(&mut self) -> Option<Vec<String>> {
        match parse_scopes(&self.selected.join(" "), self.provider) {
            Err(e) => {
                self.error = Some(e.message);
                None
            }
            Ok(v) => {
                let mut warnings = v.warnings;
                let lonely = crate::fields::write_without_read(&v.value, self.provider);
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

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let filter_area = Rect {
            height: 3.min(area.height),
            ..area
        };
        self.filter.render(
            frame,
            filter_area,
            self.focus == PickerFocus::Filter,
            theme,
            None,
        );
        // Messages wrap, so nothing a user must read is cut; the list gives up the rows.
        let status = super::wrap::hanging_all(self.status_lines(theme), area.width);
        let status_h = u16::try_from(status.len()).unwrap_or(u16::MAX);
        let paste_problem =
            super::text_field::problem_lines(self.paste.error.as_deref(), &[], theme);
        let paste_h = 3 + u16::try_from(super::wrap::hanging_all(paste_problem, area.width).len())
            .unwrap_or(u16::MAX);
        let list_h = area.height.saturating_sub(3 + paste_h + status_h);
        let list_area = Rect {
            y: area.y + 3,
            height: list_h,
            ..area
        };
        ScopeList {
            picker: self,
            theme,
        }
        .render(list_area, frame.buffer_mut());
        let status_area = Rect {
            y: list_area.bottom(),
            height: status_h,
            ..area
        };
        frame.render_widget(Paragraph::new(status), status_area);
        let paste_area = Rect {
            y: status_area.bottom(),
            height: paste_h,
            ..area
        };
        self.paste.render(
            frame,
            paste_area,
            self.focus == PickerFocus::List,
            theme,
            None,
        );
    }

    /// The count of selected and shown scopes, then the error and the warnings.
    fn status_lines(&self, theme: Theme) -> Vec<Line<'static>> {
        let mut status = vec![Line::from(vec![
            Span::styled(format!("{} selected", self.selected.len()), theme.ok()),
            Span::styled(
                format!(
                    "  {} shown of {}",
                    self.matches().len(),
                    self.provider.scopes.len()
                ),
                theme.dim(),
            ),
        ])];
        if let Some(e) = &self.error {
            status.push(Line::from(vec![
                Span::styled("✗ error: ", theme.error()),
                Span::raw(e.clone()),
            ]));
        }
        for w in &self.warnings {
            status.push(Line::from(vec![
                Span::styled("! warning: ", theme.warn()),
                Span::raw(format!("{w} (Enter again accepts)")),
            ]));
        }
        status
    }
}

/// The visible window of the grouped catalogue; only the rows on screen are built.
struct ScopeList<'a> {
    picker: &'a ScopePicker,
    theme: Theme,
}

impl Widget for ScopeList<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 {
            return;
        }
        let matches = self.picker.matches();
        let mut rows: Vec<(Row, Option<usize>)> = Vec::with_capacity(matches.len() + 32);
        let mut last_area = "";
        for (i, s) in matches.iter().enumerate() {
            if s.area != last_area {
                rows.push((Row::Area(&s.area), None));
                last_area = &s.area;
            }
            rows.push((Row::Scope(s), Some(i)));
        }
        let cursor_row = rows
            .iter()
            .position(|(_, i)| *i == Some(self.picker.cursor))
            .unwrap_or(0);
        let name_w = matches
            .iter()
            .map(|s| s.name.len())
            .max()
            .unwrap_or(0)
            .min(40);
        let height = area.height as usize;
        let top = cursor_row
            .saturating_sub(height.saturating_sub(1) / 2)
            .min(rows.len().saturating_sub(height));
        for (line_no, (row, idx)) in rows.iter().skip(top).take(height).enumerate() {
            let y = area.y + line_no as u16;
            let line = match row {
                Row::Area(a) => Line::styled(format!("── {a}"), self.theme.title()),
                Row::Scope(s) => {
                    let on = self.picker.selected.contains(&s.name);
                    let mark = if on { "[x]" } else { "[ ]" };
                    let access = match s.access {
                        Access::Read => "R",
                        Access::Write => "W",
                        Access::Delete => "D",
                        Access::Special => "X",
                    };
                    let desc = s.description.as_deref().unwrap_or("");
                    let here = if *idx == Some(self.picker.cursor) {
                        "▸"
                    } else {
                        " "
                    };
                    let mut line = Line::from(vec![
                        Span::raw(format!("{here}{mark} {access} ")),
                        Span::raw(format!("{:<name_w$}", s.name)),
                        Span::styled(format!(" {desc}"), self.theme.dim()),
                    ]);
                    if *idx == Some(self.picker.cursor) {
                        line = line.style(self.theme.selected());
                    }
                    line
                }
            };
            buf.set_line(area.x, y, &line, area.width);
        }
    }
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::KeyModifiers;

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
