//! One labelled text input with its error and warning lines.

use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use zeroize::Zeroize;

use crate::rules::fields::{FieldError, Validated};
use crate::tui::widgets::theme::Theme;

#[derive(Debug, Default, Clone)]
pub struct TextField {
    pub label: &'static str,
    pub input: Input,
    pub error: Option<String>,
    /// Warnings shown for the value; a second Enter on the same value accepts them.
    pub warnings: Vec<String>,
    gate: SecondEnter<String>,
    /// The text as it was when its step last accepted it; Esc goes back to it.
    accepted: Option<String>,
    /// What the last paste changed ("2 lines joined"), until the next edit.
    pub receipt: Option<String>,
    /// The text is a suggestion: the first character typed (or a paste) replaces it, as a
    /// selected default does; a key that moves or deletes keeps it for editing.
    suggested: bool,
}

/// The wizard's rule for warnings: they stop the first Enter on a value, and a second Enter on
/// the same value accepts it.
#[derive(Debug, Clone, Default)]
pub struct SecondEnter<V> {
    warned: Option<V>,
}

impl<V: PartialEq> SecondEnter<V> {
    /// Whether `value` may pass with these warnings; if not, it is remembered as warned.
    pub fn pass(&mut self, value: V, warnings: &[String]) -> bool {
        if warnings.is_empty() || self.warned.as_ref() == Some(&value) {
            return true;
        }
        self.warned = Some(value);
        false
    }
}

impl TextField {
    pub fn new(label: &'static str) -> Self {
        Self {
            label,
            ..Self::default()
        }
    }

    pub fn with_value(mut self, value: &str) -> Self {
        self.input = Input::new(value.to_string());
        self
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    pub fn set_value(&mut self, value: &str) {
        self.input = Input::new(value.to_string());
    }

    pub fn on_key(&mut self, key: KeyEvent) {
        if std::mem::take(&mut self.suggested)
            && matches!(key.code, KeyCode::Char(_))
            && !key.modifiers.contains(KeyModifiers::CONTROL)
        {
            self.input = Input::default();
        }
        if self
            .input
            .handle_event(&Event::Key(key))
            .is_some_and(|r| r.value)
        {
            self.error = None;
            self.warnings.clear();
            self.receipt = None;
        }
    }

    /// Offer `value`, to be kept with Enter or replaced by typing.
    pub fn suggest(&mut self, value: &str) {
        self.set_value(value);
        self.suggested = true;
    }

    /// A pasted value for a one-line field: surrounding whitespace is dropped, and the user is
    /// told what went. A paste of several lines is refused and the field keeps its text: joined,
    /// a "client id" line followed by a secret line would become one value holding the secret.
    pub fn paste_value(&mut self, text: &str) {
        let trimmed = text.trim();
        let lines = trimmed.lines().count();
        if lines > 1 {
            self.receipt = None;
            self.warnings.clear();
            self.error = Some(format!(
                "the paste had {lines} lines and was not used; this field takes one line, so \
                 copy only its value"
            ));
            return;
        }
        if std::mem::take(&mut self.suggested) {
            self.input = Input::default();
        }
        self.on_paste(trimmed);
        self.receipt = (trimmed.len() != text.len()).then(|| {
            format!(
                "received {}; {}",
                crate::rules::fields::count(trimmed.chars().count(), "character"),
                removed_words(text)
            )
        });
    }

    /// Pasted text goes in at the cursor; line breaks and other control characters are dropped.
    pub fn on_paste(&mut self, text: &str) {
        // One rebuild, not one per character: a long paste stays linear.
        let cursor = self.input.cursor();
        let value = self.input.value();
        let at = value
            .char_indices()
            .nth(cursor)
            .map_or(value.len(), |(i, _)| i);
        let mut pasted: String = text.chars().filter(|c| !c.is_control()).collect();
        let joined = format!("{}{pasted}{}", &value[..at], &value[at..]);
        self.input = Input::new(joined).with_cursor(cursor + pasted.chars().count());
        // The paste may be a secret: leave no stray copy.
        pasted.zeroize();
        self.error = None;
        self.warnings.clear();
    }

    /// Apply a rule's verdict: the accepted value, or `None` when the step stays (an error, or
    /// warnings not yet confirmed by a second Enter).
    pub fn judge<T>(&mut self, verdict: Result<Validated<T>, FieldError>) -> Option<T> {
        match verdict {
            Err(e) => {
                self.error = Some(e.message);
                self.warnings.clear();
                None
            }
            Ok(v) => {
                self.error = None;
                if self.gate.pass(self.value().to_string(), &v.warnings) {
                    self.warnings.clear();
                    self.accepted = Some(self.value().to_string());
                    return Some(v.value);
                }
                self.warnings = v.warnings;
                None
            }
        }
    }

    /// Mark the current text as accepted (a value given up front, or an optional field left
    /// empty).
    pub fn accept(&mut self) {
        self.accepted = Some(self.value().to_string());
    }

    /// Leave without accepting: back to the text last accepted, if any, with no complaint left.
    pub fn revert(&mut self) {
        if let Some(text) = self.accepted.clone() {
            self.input = Input::new(text);
        }
        self.error = None;
        self.warnings.clear();
    }

    /// Forget the accepted text (a secret must not linger in a second copy).
    pub fn forget_accepted(&mut self) {
        self.accepted = None;
    }

    /// Draw the field in `area` (3 rows for the box, then error and warning lines).
    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        focused: bool,
        theme: Theme,
        shown: Option<&str>,
    ) {
        let border = if focused { theme.focus() } else { theme.dim() };
        let title = if focused {
            format!(" {} ▸ ", self.label)
        } else {
            format!(" {} ", self.label)
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(border)
            .title(title);
        let box_area = Rect {
            height: 3.min(area.height),
            ..area
        };
        let inner_width = box_area.width.saturating_sub(2) as usize;
        let scroll = self.input.visual_scroll(inner_width.max(1));
        let text = shown.map_or_else(|| self.value().to_string(), str::to_string);
        let visible: String = text.chars().skip(scroll).take(inner_width).collect();
        frame.render_widget(Paragraph::new(visible).block(block), box_area);
        if focused {
            let x = box_area.x + 1 + (self.input.visual_cursor().saturating_sub(scroll)) as u16;
            frame.set_cursor_position(Position::new(
                x.min(box_area.right().saturating_sub(2)),
                box_area.y + 1,
            ));
        }
        let mut lines = Vec::new();
        if let Some(r) = &self.receipt {
            lines.push(Line::from(vec![
                Span::styled("✓ paste: ", theme.ok()),
                Span::raw(r.clone()),
            ]));
        }
        lines.extend(problem_lines(self.error.as_deref(), &self.warnings, theme));
        if !self.warnings.is_empty() {
            lines.push(Line::styled(
                "  press Enter again to accept, or change the value",
                theme.warn(),
            ));
        }
        render_below(frame, area, lines);
    }
}

/// "✗ error: …" and "! warning: …" lines, marked in words so colour is never needed.
pub fn problem_lines(error: Option<&str>, warnings: &[String], theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(e) = error {
        lines.push(Line::from(vec![
            Span::styled("✗ error: ", theme.error()),
            Span::raw(e.to_string()),
        ]));
    }
    for w in warnings {
        lines.push(Line::from(vec![
            Span::styled("! warning: ", theme.warn()),
            Span::raw(w.clone()),
        ]));
    }
    lines
}

/// Lines under a field's 3-row box.
pub fn render_below(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>) {
    if area.height > 3 && !lines.is_empty() {
        let rest = Rect {
            y: area.y + 3,
            height: area.height - 3,
            ..area
        };
        frame.render_widget(crate::tui::widgets::wrap::paragraph(lines, rest), rest);
    }
}

/// What trimming `text` removed, in words: line breaks and spaces are named as what they are.
fn removed_words(text: &str) -> &'static str {
    let trimmed = text.trim();
    let start = text.len() - text.trim_start().len();
    let removed = text[..start]
        .chars()
        .chain(text[start + trimmed.len()..].chars());
    let (mut breaks, mut spaces) = (false, false);
    for c in removed {
        if c == '\n' || c == '\r' {
            breaks = true;
        } else {
            spaces = true;
        }
    }
    match (breaks, spaces) {
        (true, false) => "a line break at its end was removed",
        (true, true) => "surrounding spaces and line breaks were removed",
        _ => "surrounding spaces were removed",
    }
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    use super::*;

    #[test]
    fn typing_clears_the_error_and_warnings_need_a_second_enter() {
        let mut f = TextField::new("x");
        f.on_key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE));
        assert_eq!(f.value(), "a");
        let bad = FieldError::new(crate::rules::fields::Field::Login, "bad");
        assert_eq!(f.judge::<()>(Err(bad)), None);
        assert_eq!(f.error.as_deref(), Some("bad"));
        f.on_key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::NONE));
        assert!(f.error.is_none());
        let warn = || {
            Ok(Validated {
                value: 7,
                warnings: vec!["hmm".to_string()],
            })
        };
        assert_eq!(f.judge(warn()), None);
        assert_eq!(f.warnings, ["hmm"]);
        assert_eq!(f.judge(warn()), Some(7));
        f.on_paste("c\n");
        assert_eq!(f.value(), "abc");
    }

    #[test]
    fn a_paste_of_several_lines_is_refused_and_the_receipt_names_what_went() {
        let mut f = TextField::new("Client id");
        f.paste_value("acme-basic\nBasic-S3cr3t\n");
        assert_eq!(f.value(), "", "nothing joined");
        let e = f.error.clone().unwrap();
        assert!(e.starts_with("the paste had 2 lines"), "{e}");
        f.paste_value("acme-basic\n");
        assert_eq!(f.value(), "acme-basic");
        assert!(f.error.is_none());
        assert_eq!(
            f.receipt.as_deref(),
            Some("received 10 characters; a line break at its end was removed")
        );
        f.set_value("");
        f.paste_value("  id  ");
        assert!(
            f.receipt
                .as_deref()
                .unwrap()
                .ends_with("surrounding spaces were removed")
        );
    }
}
