//! Home's import box: the path of a file, then, when its profile name is taken, the name to
//! import it under; and the plan shown before anything is contacted or run.

use ratatui::crossterm::event::KeyEvent;
use ratatui::text::Line;

use super::{Act, Home, HomeAction};
use crate::flows::import::Prepared;
use crate::stores::profile::ProfilesFile;
use crate::tui::widgets::text_field::TextField;
use crate::tui::widgets::theme::Theme;

/// A file to import whose profile name is taken.
#[derive(Debug)]
pub struct ImportAs {
    pub path: String,
    pub taken: String,
}

impl Home {
    /// A key while the box is open.
    pub(super) fn on_import_key(&mut self, act: Option<Act>, key: KeyEvent) -> HomeAction {
        let Some(field) = self.import.as_mut() else {
            return HomeAction::None;
        };
        match act {
            Some(Act::CancelImport) => {
                self.import = None;
                self.import_as = None;
            }
            // The box stays open until the file is read: a bad path is said under it and
            // can be mended, and the next keys go on into it, not to home's hotkeys.
            Some(_) => {
                let value = field.value().trim().to_string();
                if value.is_empty() {
                    field.error = Some(match self.import_as {
                        Some(_) => "type a name for the profile, or Esc".into(),
                        None => "type the path of the file, or Esc".into(),
                    });
                    return HomeAction::None;
                }
                let path = self
                    .import_as
                    .as_ref()
                    .map_or(value.clone(), |c| c.path.clone());
                let request = match &self.import_as {
                    Some(clash) => crate::flows::import::Request {
                        replace: value == clash.taken,
                        name: Some(value),
                        ..Default::default()
                    },
                    None => crate::flows::import::Request::default(),
                };
                return HomeAction::Import { path, request };
            }
            None => field.on_key(key),
        }
        HomeAction::None
    }

    /// The file's profile name is taken: the box asks for another name (one that is free is
    /// suggested), or the taken one to replace that profile.
    pub fn name_clash(&mut self, taken: String, profiles: &ProfilesFile) {
        let path = match (&self.import_as, &self.import) {
            (Some(clash), _) => clash.path.clone(),
            (None, Some(field)) => field.value().trim().to_string(),
            (None, None) => return,
        };
        let free = crate::rules::fields::free_profile_name(&taken, |n| profiles.get(n).is_some());
        let mut field = TextField::new("Name for the imported profile");
        field.suggest(&free);
        field.error = Some(format!(
            "a profile named {taken} exists: Enter imports this one as {free}, or type {taken} to replace it once the new one has passed its test"
        ));
        self.import = Some(Box::new(field));
        self.import_as = Some(ImportAs { path, taken });
    }
}

/// What an import would contact or run, and the question.
pub(super) fn plan_lines(prepared: &Prepared, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!(
            "Profile {} would contact or run (nothing has been yet):",
            prepared.new.name
        ),
        theme.warn(),
    )];
    for line in crate::report::import_plan_lines(prepared) {
        lines.push(Line::raw(format!("  {line}")));
    }
    lines.push(Line::styled(
        "Import it? y imports and tests it, n or Esc imports nothing",
        theme.warn(),
    ));
    lines
}
