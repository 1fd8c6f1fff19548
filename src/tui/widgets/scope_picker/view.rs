//! Drawing the scope step: the filter, the catalogue or the selection, the status and the paste
//! line; without a catalogue, the plain field.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{PickerFocus, ScopePicker};
use crate::rules::provider::{Access, ScopeInfo};
use crate::tui::widgets::text_field::problem_lines;
use crate::tui::widgets::theme::Theme;
use crate::tui::widgets::wrap::hanging_all;

/// A line of the catalogue: an area heading or a scope.
enum Row<'a> {
    Area(&'a str),
    Scope(&'a ScopeInfo),
}

/// Below this many rows for the step, the paste box shows only while it has the focus.
const COMPACT_BELOW: u16 = 14;

fn rows(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

impl ScopePicker {
    pub fn render(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        if !self.catalogued() {
            // A plain field; its problems are the field's own.
            self.paste.render(frame, area, true, theme, None);
            return;
        }
        let filter_area = Rect {
            height: 3.min(area.height),
            ..area
        };
        let filtering = self.focus == PickerFocus::Filter;
        self.filter
            .render(frame, filter_area, filtering, theme, None);
        // Small screens drop chrome, not content: the paste box only while it is used (Tab
        // reaches it), so the list keeps its rows.
        let compact = area.height < COMPACT_BELOW;
        let pasting = self.focus == PickerFocus::Paste;
        let show_paste = pasting || !compact;
        // Messages wrap, so nothing a user must read is cut; the list gives up the rows.
        let mut status = self.status_lines(theme);
        if !show_paste {
            status[0].push_span(Span::styled("  Tab Tab: paste a list", theme.dim()));
        }
        let status = hanging_all(status, area.width);
        let status_h = rows(status.len());
        let paste_h = match show_paste {
            true => 3 + rows(self.paste_problem_rows(area, theme)),
            false => 0,
        };
        let list_area = Rect {
            y: area.y + 3,
            height: area.height.saturating_sub(3 + paste_h + status_h),
            ..area
        };
        if self.focus == PickerFocus::Selected {
            frame.render_widget(
                Paragraph::new(self.selected_lines(list_area, theme)),
                list_area,
            );
        } else {
            ScopeList {
                picker: self,
                theme,
            }
            .render(list_area, frame.buffer_mut());
        }
        let status_area = Rect {
            y: list_area.bottom(),
            height: status_h,
            ..area
        };
        frame.render_widget(Paragraph::new(status), status_area.intersection(area));
        let paste_area = Rect {
            y: status_area.bottom(),
            height: paste_h,
            ..area
        };
        if show_paste {
            self.paste
                .render(frame, paste_area.intersection(area), pasting, theme, None);
        }
    }

    fn paste_problem_rows(&self, area: Rect, theme: Theme) -> usize {
        let lines = problem_lines(self.paste.error.as_deref(), &[], theme);
        hanging_all(lines, area.width).len()
    }

    /// The selection, one scope a line, scrolled to keep the cursor in view.
    fn selected_lines(&self, area: Rect, theme: Theme) -> Vec<Line<'static>> {
        let mut lines = vec![Line::styled(
            "── Selected (Del removes; scopes outside the catalogue too)",
            theme.title(),
        )];
        if self.selected.is_empty() {
            lines.push(Line::styled("   nothing selected yet", theme.dim()));
            return lines;
        }
        let room = usize::from(area.height.saturating_sub(1)).max(1);
        let top = self
            .selected_cursor
            .saturating_sub(room.saturating_sub(1) / 2)
            .min(self.selected.len().saturating_sub(room));
        for (i, name) in self.selected.iter().enumerate().skip(top).take(room) {
            let here = i == self.selected_cursor;
            let known = self.provider.scope(name).is_some();
            let mark = if here { "▸" } else { " " };
            let origin = if known { "" } else { " (not in the catalogue)" };
            let line = Line::from(vec![
                Span::raw(format!("{mark}[x] {name}")),
                Span::styled(origin.to_string(), theme.dim()),
            ]);
            lines.push(if here {
                line.style(theme.selected())
            } else {
                line
            });
        }
        lines
    }

    /// The error and warnings of the last Enter.
    fn problems(&self, theme: Theme) -> Vec<Line<'static>> {
        let warnings: Vec<String> = self
            .warnings
            .iter()
            .map(|w| format!("{w} (Enter again accepts)"))
            .collect();
        problem_lines(self.error.as_deref(), &warnings, theme)
    }

    /// The count of selected and shown scopes, what a preset removed, then the problems.
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
        if let Some(note) = &self.note {
            status.push(Line::styled(note.clone(), theme.warn()));
        }
        status.extend(self.problems(theme));
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
