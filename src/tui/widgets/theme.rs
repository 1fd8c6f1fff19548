//! Styles. With NO_COLOR or --no-color only modifiers (bold, reversed) remain, and every state is
//! also spelled out in words or symbols, so nothing depends on colour.

use ratatui::style::{Color, Modifier, Style};

/// The spinner frame for a tick count; ASCII, so every terminal shows it.
pub fn spinner(tick: usize) -> &'static str {
    ["|", "/", "-", "\\"][tick % 4]
}

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }

    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn dim(self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        }
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn focus(self) -> Style {
        self.fg(Color::Cyan)
    }

    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
}

/// What every screen draws with: the styles, the spinner's frame (one spinner, turned by the
/// app), and the config folder that fixes name.
#[derive(Debug, Clone, Copy)]
pub struct Paint<'a> {
    pub theme: Theme,
    pub spinner: usize,
    pub dir: &'a crate::stores::config_dir::ConfigDir,
}

impl Paint<'_> {
    pub fn spin(&self) -> &'static str {
        spinner(self.spinner)
    }
}
