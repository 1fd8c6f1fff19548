//! Drawing a profile's view: show's rows, the question or the note, and the name box.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{ProfileView, Purpose, ViewNote};
use crate::flows::manage::ManageError;
use crate::flows::show::ProfileInfo;
use crate::stores::config_dir::ConfigDir;
use crate::tui::widgets::layout::{self, Chrome};
use crate::tui::widgets::theme::{Paint, Theme};
use crate::tui::widgets::wrap;

impl ProfileView {
    pub fn render(&self, frame: &mut Frame, paint: &Paint) {
        let chrome = Chrome {
            title: format!("oauth-setup · profile {}", self.name),
            indicator: String::new(),
            steps: vec![],
            keys: self.keys(),
        };
        let offered = self.scroll.overflows();
        self.render_body(frame, paint, &chrome);
        // Only the drawn text knows whether it is taller than the screen; the legend offers
        // scrolling exactly then, so a change is drawn again with the legend that says so.
        if self.scroll.overflows() != offered {
            frame.buffer_mut().reset();
            let chrome = Chrome {
                keys: self.keys(),
                ..chrome
            };
            self.render_body(frame, paint, &chrome);
        }
    }

    fn render_body(&self, frame: &mut Frame, paint: &Paint, chrome: &Chrome) {
        let theme = paint.theme;
        let area = layout::draw(frame, theme, chrome);
        let mut lines = self.info_lines(theme);
        lines.push(Line::raw(""));
        lines.extend(self.below_lines(paint.dir, theme));
        let lines = wrap::hanging_all(lines, area.width);
        let height = usize::from(area.height);
        // The box for a name sits under the text, so the text gives way to it.
        let boxed = if self.name_box.is_some() { 3 } else { 0 };
        let text_h = height.saturating_sub(boxed);
        // The question or the note is what the user must see: the end of the text is shown.
        let (top, _) = self.scroll.fit(lines.len(), text_h);
        let top = if self.confirm_delete || self.name_box.is_some() || self.note.is_some() {
            lines.len().saturating_sub(text_h)
        } else {
            top
        };
        let shown: Vec<Line> = lines.into_iter().skip(top).take(text_h).collect();
        frame.render_widget(Paragraph::new(shown), area);
        if let Some(b) = &self.name_box
            && area.height > 3
        {
            let below = ratatui::layout::Rect {
                y: area.y + area.height - 3,
                height: 3,
                ..area
            };
            b.field.render(frame, below, true, theme, None);
        }
    }

    fn info_lines(&self, theme: Theme) -> Vec<Line<'static>> {
        let Some(info) = &self.info else {
            return vec![Line::styled("reading the profile's stores …", theme.dim())];
        };
        crate::report::profile_rows(info)
            .into_iter()
            .map(|(label, value)| {
                Line::from(vec![
                    Span::styled(format!("{label:<15} "), theme.dim()),
                    Span::raw(value),
                ])
            })
            .collect()
    }

    /// The question, the name box's note, or what the last action came to.
    fn below_lines(&self, dir: &ConfigDir, theme: Theme) -> Vec<Line<'static>> {
        if self.confirm_delete {
            return vec![Line::styled(
                format!("Delete profile {} and its stored secret? y/n", self.name),
                theme.warn(),
            )];
        }
        if let Some(b) = &self.name_box {
            let mut lines = Vec::new();
            if let Some(e) = &b.field.error {
                lines.push(Line::styled(format!("✗ {e}"), theme.error()));
            }
            if b.purpose == Purpose::Copy
                && let Some(info) = &self.info
            {
                lines.push(Line::raw(copy_note(info, b.share)));
            }
            return lines;
        }
        let Some(note) = &self.note else {
            return Vec::new();
        };
        let text = match note {
            ViewNote::Renamed { from } => format!("renamed {from} to {}", self.name),
            ViewNote::Copied { to, done } => {
                format!("copied to {to} (secret: {})", done.secret_location)
            }
            ViewNote::MadeDefault => format!("{} is now the default profile", self.name),
            ViewNote::Failed(e) => failure_words(e, dir, &self.name),
            ViewNote::Ended(ending) => match ending.farewell() {
                Some(words) => words,
                None => return Vec::new(),
            },
        };
        let style = match note {
            ViewNote::Failed(_) => theme.error(),
            _ => theme.ok(),
        };
        vec![Line::styled(format!("• {text}"), style)]
    }
}

/// Where the copy's secret will go.
fn copy_note(info: &ProfileInfo, share: bool) -> String {
    use crate::stores::secret_store::SecretLocation;
    match (&info.profile.secret, share) {
        (SecretLocation::Keyring | SecretLocation::File, _) => {
            "The copy gets its own entry in the same store; it signs in on its own.".into()
        }
        (SecretLocation::Vault(_), false) => {
            "The copy's secret goes to oauth-setup/<name> in the same Vault. Tab: share this path instead.".into()
        }
        (SecretLocation::Command(_), false) => {
            "A password manager's entry cannot be copied. Tab: share the same entry.".into()
        }
        (_, true) => {
            "Shared: both profiles use the same secret, so a rotation of one changes both. Tab: undo.".into()
        }
    }
}

/// A refused rename, copy or default, with what to do.
fn failure_words(e: &ManageError, dir: &ConfigDir, name: &str) -> String {
    match e {
        ManageError::Account(a) => {
            let fix = a
                .fix(dir, name, crate::protocol::token::Surface::App)
                .map(|f| format!("; {f}"))
                .unwrap_or_default();
            format!("{a}{fix}")
        }
        ManageError::Name(f) => format!("{}: {}", f.field.label(), f.message),
        ManageError::CannotCopyCommand => format!("{e}: Tab shares the same entry"),
        other => other.to_string(),
    }
}
