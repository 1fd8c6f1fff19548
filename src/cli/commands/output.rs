//! Text output: status words that carry the meaning, colour only as decoration.

use std::io::IsTerminal;

/// Colour unless `--no-color` or a non-empty `NO_COLOR` says otherwise.
pub fn colour_allowed(no_color: bool) -> bool {
    !no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    pub fn detect(no_color: bool) -> Self {
        Self {
            color: colour_allowed(no_color) && std::io::stdout().is_terminal(),
        }
    }

    pub fn enabled(self) -> bool {
        self.color
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn ok(self, text: &str) -> String {
        self.paint("32", text)
    }

    pub fn warn(self, text: &str) -> String {
        self.paint("33", text)
    }

    pub fn fail(self, text: &str) -> String {
        self.paint("31;1", text)
    }
}
