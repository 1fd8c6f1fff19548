//! The secret input: masked unless the user reveals it, with a receipt for every paste.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use zeroize::Zeroize;

use crate::rules::fields::{FieldError, SecretWarning, Validated, parse_secret};
use crate::rules::secret::ClientSecret;
use crate::tui::widgets::text_field::{TextField, problem_lines, render_below};
use crate::tui::widgets::theme::Theme;

#[derive(Debug, Clone)]
pub struct SecretField {
    pub field: TextField,
    pub revealed: bool,
    /// What the last paste delivered, never its content: "received 64 characters; …".
    pub receipt: Option<String>,
}

impl SecretField {
    pub fn new(label: &'static str) -> Self {
        Self {
            field: TextField::new(label),
            revealed: false,
            receipt: None,
        }
    }

    pub fn toggle_reveal(&mut self) {
        self.revealed = !self.revealed;
    }

    pub fn hide(&mut self) {
        self.revealed = false;
    }

    pub fn on_key(&mut self, key: KeyEvent) {
        self.field.on_key(key);
        self.receipt = None;
    }

    pub fn on_paste(&mut self, text: &str) {
        match parse_secret(ClientSecret::new(text)) {
            Ok(v) => {
                self.field.on_paste(v.value.expose());
                self.receipt = Some(v.receipt());
            }
            Err(e) => {
                // The rule's messages start with a verb: "is empty", "has 2 lines".
                self.field.error = Some(format!("the paste was refused: it {}", e.message));
                self.receipt = None;
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.field.value().is_empty()
    }

    /// The typed or pasted value, checked by the core's rule.
    pub fn validated(&self) -> Result<Validated<ClientSecret, SecretWarning>, FieldError> {
        parse_secret(ClientSecret::new(self.field.value()))
    }

    /// Enter on the field: the secret when it passes the rule. Warnings other than a paste's
    /// receipt stop the first Enter, as on every field.
    pub fn submit(&mut self) -> Option<ClientSecret> {
        let verdict = self.validated().map(|v| Validated {
            warnings: v
                .warnings
                .iter()
                .filter(|w| !w.is_receipt())
                .map(ToString::to_string)
                .collect(),
            value: v.value,
        });
        let secret = self.field.judge(verdict);
        self.field.forget_accepted();
        secret
    }

    /// Leave without accepting: back to `accepted` (the secret the step last took), if any.
    pub fn revert(&mut self, accepted: Option<&ClientSecret>) {
        if let Some(s) = accepted {
            self.clear();
            self.field.set_value(s.expose());
        }
        self.field.error = None;
        self.field.warnings.clear();
    }

    /// Forget the value, wiping the copy the input hands back.
    pub fn clear(&mut self) {
        let mut old = self.field.input.value_and_reset();
        old.zeroize();
        self.receipt = None;
        self.revealed = false;
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, focused: bool, theme: Theme) {
        let masked = "•".repeat(self.field.value().chars().count());
        let shown = if self.revealed {
            None
        } else {
            Some(masked.as_str())
        };
        self.field.render(
            frame,
            Rect {
                height: 3.min(area.height),
                ..area
            },
            focused,
            theme,
            shown,
        );
        let state = if self.revealed {
            "shown (Ctrl+R hides it)"
        } else {
            "hidden (Ctrl+R shows it)"
        };
        let mut lines = vec![Line::from(vec![
            Span::styled("  secret is ", theme.dim()),
            Span::raw(state),
        ])];
        if let Some(r) = &self.receipt {
            lines.push(Line::from(vec![
                Span::styled("✓ paste: ", theme.ok()),
                Span::raw(r.clone()),
            ]));
        }
        lines.extend(problem_lines(
            self.field.error.as_deref(),
            &self.field.warnings,
            theme,
        ));
        render_below(frame, area, lines);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paste_gives_a_receipt_without_the_content() {
        let mut s = SecretField::new("secret");
        s.on_paste("abc123\n");
        assert_eq!(
            s.receipt.as_deref(),
            Some("received 6 characters; a trailing newline was removed")
        );
        assert_eq!(s.field.value(), "abc123");
        s.clear();
        s.on_paste("xyz");
        assert_eq!(s.receipt.as_deref(), Some("received 3 characters"));
        s.on_paste(" \n");
        assert!(s.field.error.as_deref().unwrap().contains("is empty"));
    }
}
