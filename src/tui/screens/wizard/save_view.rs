//! Drawing the save step and the last screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{KeyringCheck, Preflight, SaveFocus, SavePhase, Wizard};
use crate::stores::profile::Verdict;
use crate::stores::secret_store::SecretStoreKind;
use crate::tui::widgets::theme::{Paint, Theme};
use crate::tui::widgets::wrap;

impl Wizard {
    /// What the save records of the test: nothing tested (an edit nothing the server sees
    /// changed), or a warning that it failed.
    fn verdict_line(&self, theme: crate::tui::widgets::theme::Theme) -> Option<Line<'static>> {
        match self.verdict() {
            Verdict::Passed => None,
            Verdict::Untested => Some(Line::styled(
                "  nothing the server sees changed, so nothing was tested",
                theme.dim(),
            )),
            _ => Some(Line::styled(
                "  ! saving unverified: the live test did not pass",
                theme.warn(),
            )),
        }
    }

    pub(super) fn render_save(&self, frame: &mut Frame, area: Rect, paint: &Paint) {
        let theme = paint.theme;
        let name_area = self.render_save_name(frame, area, theme);
        let options = wrap::hanging_all(self.save_options(theme), area.width);
        let mut lines = self.place_lines(paint);
        lines.extend(self.save_problems(paint));
        lines.extend(self.verdict_line(theme));
        if self.save.saving() {
            lines.push(Line::raw(format!("{} saving …", paint.spin())));
        }
        let mut y = area.y + name_area.height;
        let bottom = area.y + area.height;
        let options_h = u16::try_from(options.len())
            .unwrap_or(u16::MAX)
            .min(bottom - y);
        let options_area = Rect {
            y,
            height: options_h,
            ..area
        };
        frame.render_widget(wrap::paragraph(options, options_area), options_area);
        y += options_h;
        if matches!(
            self.save.store.kind(),
            SecretStoreKind::Vault | SecretStoreKind::Command
        ) && bottom > y
        {
            let field = Rect {
                y,
                height: 3.min(bottom - y),
                ..area
            };
            let focused = self.save.focus == SaveFocus::Where;
            self.save.place.render(frame, field, focused, theme, None);
            y += field.height;
        }
        let rest = Rect {
            y,
            height: bottom.saturating_sub(y),
            ..area
        };
        // What the store said (a Vault refusal and its fix) may be taller than what is left at
        // 60x18: it scrolls, and the legend offers PgUp/PgDn exactly then.
        let lines = wrap::hanging_all(lines, rest.width);
        let (top, _) = self.body.fit(lines.len(), usize::from(rest.height));
        let shown: Vec<Line> = lines.into_iter().skip(top).collect();
        frame.render_widget(ratatui::widgets::Paragraph::new(shown), rest);
    }

    /// The profile name: its field, or on a short screen while another option has the focus,
    /// one line. Returns the rows it took.
    fn render_save_name(&self, frame: &mut Frame, area: Rect, theme: Theme) -> Rect {
        let compact = area.height < super::view::SAVE_ROOM && self.save.focus != SaveFocus::Name;
        let name_area = Rect {
            height: area.height.min(if compact { 2 } else { 4 }),
            ..area
        };
        if compact {
            let line = Line::from(vec![
                Span::styled(format!("  {}: ", self.save.name.label), theme.dim()),
                Span::raw(self.save.name.value().to_string()),
            ]);
            frame.render_widget(wrap::paragraph(vec![line], name_area), name_area);
        } else {
            self.save.name.render(
                frame,
                name_area,
                self.save.focus == SaveFocus::Name,
                theme,
                None,
            );
        }
        name_area
    }

    /// Under the Vault address or the command: what will be used, and the preflight.
    fn place_lines(&self, paint: &Paint) -> Vec<Line<'static>> {
        let theme = paint.theme;
        let mut lines = Vec::new();
        if let Some(e) = &self.save.place.error {
            lines.push(Line::styled(format!("✗ error: {e}"), theme.error()));
        }
        if self.save.store.kind() != SecretStoreKind::Vault {
            return lines;
        }
        let name = self.save.name.value().trim();
        // An edit that keeps its Vault location shows that one, not a default path.
        let (mount, path) = match self.kept_location() {
            Some(crate::stores::secret_store::SecretLocation::Vault(at)) => (at.mount, at.path),
            _ => (
                crate::stores::vault::DEFAULT_MOUNT.to_string(),
                crate::stores::vault::default_path(if name.is_empty() {
                    "<profile>"
                } else {
                    name
                }),
            ),
        };
        let path_line = Line::raw(format!(
            "  path: {mount}/{path} (KV version 2); token from BAO_TOKEN, VAULT_TOKEN or ~/.vault-token"
        ));
        // A refusal comes first: it is what the user must read, and may be scrolled to.
        if !matches!(self.save.preflight, Preflight::Failed(_)) {
            lines.push(path_line.clone());
        }
        match &self.save.preflight {
            Preflight::NotYet => lines.push(Line::styled(
                "  Enter checks the mount and the token's rights, then saves",
                theme.dim(),
            )),
            Preflight::Checking(_) => {
                lines.push(Line::raw(format!("  {} checking Vault …", paint.spin())))
            }
            Preflight::Passed => lines.push(Line::styled(
                "  ✓ KV version 2; the token may read and write there",
                theme.ok(),
            )),
            Preflight::Failed(e) => {
                let name = self.save.name.value().trim();
                let fix = e.fix(paint.dir, name, crate::protocol::token::Surface::App);
                lines.push(Line::styled(format!("  ✗ {e}; {fix}"), theme.error()));
                lines.push(path_line);
            }
        }
        lines
    }

    fn save_options(&self, theme: Theme) -> Vec<Line<'static>> {
        let focus_mark = |f| if self.save.focus == f { "▸" } else { " " };
        let check = if self.save.make_default { "[x]" } else { "[ ]" };
        let mark = |s| {
            if self.save.store.kind() == s {
                "(•)"
            } else {
                "( )"
            }
        };
        let (kr, fl, va, pm) = (
            mark(SecretStoreKind::Keyring),
            mark(SecretStoreKind::File),
            mark(SecretStoreKind::Vault),
            mark(SecretStoreKind::Command),
        );
        let mut lines = vec![
            Line::raw(format!(
                "{} {check} make it the default profile",
                focus_mark(SaveFocus::Default)
            )),
            Line::raw(format!(
                "{} secret store: {kr} OS keyring  {fl} file (unencrypted)",
                focus_mark(SaveFocus::Store)
            )),
            // The shared stores on a line of their own, so no choice is split when it wraps.
            Line::raw(format!(
                "                 {va} Vault  {pm} password manager"
            )),
        ];
        let local = matches!(
            self.save.store.kind(),
            SecretStoreKind::Keyring | SecretStoreKind::File
        );
        match &self.save.keyring {
            // About the keyring: said while a local store is chosen.
            _ if !local => {}
            KeyringCheck::Checking => {
                lines.push(Line::styled("  checking the OS keyring …", theme.dim()));
            }
            KeyringCheck::Unusable(e) => lines.push(Line::styled(
                format!(
                    "  ! the OS keyring cannot be used here: {}; the file store is preselected",
                    e.plain()
                ),
                theme.warn(),
            )),
            KeyringCheck::NotYet | KeyringCheck::Usable => {}
        }
        if self.save.store.kind() == SecretStoreKind::File {
            lines.push(Line::styled(
                "  ! the file store keeps the secret UNENCRYPTED on disk (0600, only you can read it)",
                theme.warn(),
            ));
        }
        lines
    }

    fn save_problems(&self, paint: &Paint) -> Vec<Line<'static>> {
        let theme = paint.theme;
        let mut lines = Vec::new();
        if let Some(why) = &self.save.keyring_problem {
            lines.push(Line::from(vec![
                Span::styled("✗ the keyring cannot take the secret: ", theme.error()),
                Span::raw(why.to_string()),
            ]));
            lines.push(Line::raw(
                "  fix the keyring and press Enter again, or choose the file store knowingly.",
            ));
        }
        if let SavePhase::Failed(e) = &self.save.phase {
            let name = self.save.name.value().trim();
            let fix = e
                .fix(paint.dir, name, crate::protocol::token::Surface::App)
                .map(|f| format!("; {f}"))
                .unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled("✗ error: ", theme.error()),
                Span::raw(format!("{e}{fix}")),
            ]));
        }
        lines
    }

    pub(super) fn render_done(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let Some(saved) = &self.saved else { return };
        let lines = vec![
            Line::styled(format!("✓ saved profile {}", saved.name), theme.ok()),
            Line::raw(format!("  profile: {}", saved.profiles_path)),
            Line::raw(format!("  secret:  {}", saved.secret_location)),
            Line::raw(""),
            Line::raw("Next:"),
            Line::raw(format!("  oauth-setup verify {}", saved.name)),
            Line::raw(format!("  oauth-setup token {}", saved.name)),
        ];
        frame.render_widget(wrap::paragraph(lines, area), area);
    }
}
