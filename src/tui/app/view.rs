//! Drawing the app: the screen that is up, its legend and help, the overlays, then the scrub.

use ratatui::Frame;
use ratatui::text::Line;

use super::{App, Overlay, Screen};
use crate::tui::widgets::layout;
use crate::tui::widgets::theme::Paint;

impl App {
    /// The legend of the screen that is up.
    pub fn legend(&self) -> Vec<(&'static str, &'static str)> {
        match &self.screen {
            Screen::Home(h) => h.keys(&self.profiles),
            Screen::Wizard(w) => w.keys(),
            Screen::Rotate(r) => r.keys(),
            Screen::Verify(v) => v.keys(),
            Screen::Login(l) => l.keys(),
            Screen::Profile(v) => v.keys(),
        }
    }

    /// Help for the screen that is up: the keys its legend shows and what the app always
    /// takes, from the same lists the legends are drawn from.
    fn help_lines(&self) -> Vec<Line<'static>> {
        let mut keys = self.legend();
        let notes = match &self.screen {
            Screen::Home(h) => {
                keys.extend(h.more_keys(&self.profiles));
                vec![]
            }
            Screen::Wizard(w) => w.help_notes(),
            Screen::Profile(v) => {
                keys.extend(v.more_keys());
                vec![]
            }
            Screen::Rotate(_) | Screen::Verify(_) | Screen::Login(_) => vec![],
        };
        keys.retain(|(k, _)| !matches!(*k, "F1" | "?" | "Ctrl+C"));
        keys.extend([
            ("F1 or ?", "this help (? types itself in text fields)"),
            ("Ctrl+C", "quit; asks first when input would be lost"),
        ]);
        let mut lines = key_lines(&keys);
        if !notes.is_empty() {
            lines.push(Line::raw(""));
            lines.extend(notes.into_iter().map(Line::raw));
        }
        lines.push(Line::raw(""));
        lines.push(Line::raw("Any key closes this help."));
        lines
    }

    /// Draw the frame, then scrub it: no cell reaches the terminal with a control or bidi
    /// character, whatever path its text took.
    pub fn render(&self, frame: &mut Frame) {
        let too_small = layout::too_small(frame, frame.area());
        self.too_small.set(too_small);
        if !too_small {
            self.render_screen(frame);
        }
        crate::tui::scrub::scrub(frame.buffer_mut());
    }

    fn render_screen(&self, frame: &mut Frame) {
        let paint = Paint {
            theme: self.theme,
            spinner: self.spinner,
            dir: &self.dir,
        };
        match &self.screen {
            Screen::Home(h) => h.render(frame, &paint, &self.profiles, &self.statuses),
            Screen::Wizard(w) => w.render(frame, &paint),
            Screen::Rotate(r) => r.render(frame, &paint),
            Screen::Verify(v) => v.render(frame, &paint),
            Screen::Login(l) => l.render(frame, &paint),
            Screen::Profile(v) => v.render(frame, &paint),
        }
        match self.overlay {
            Some(Overlay::Help) => layout::overlay(frame, self.theme, "Keys", self.help_lines()),
            Some(Overlay::ConfirmQuit) => layout::overlay(
                frame,
                self.theme,
                "Quit?",
                vec![
                    Line::raw("Quit and lose what you typed? Nothing has been saved."),
                    Line::raw("y: quit · any other key: stay"),
                ],
            ),
            Some(Overlay::ConfirmLeave) => layout::overlay(
                frame,
                self.theme,
                "Leave?",
                vec![
                    Line::raw("Leave and lose what you typed? Nothing has been saved."),
                    Line::raw("y: leave · any other key: stay"),
                ],
            ),
            None => {}
        }
    }
}

/// One line per key, the descriptions in one column.
fn key_lines(keys: &[(&str, &str)]) -> Vec<Line<'static>> {
    let width = keys
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    keys.iter()
        .map(|(k, what)| Line::raw(format!("{k:<width$}  {what}")))
        .collect()
}
