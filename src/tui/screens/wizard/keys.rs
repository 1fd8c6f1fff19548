//! The wizard's keys: one table per step and state, which both the key handling and the legend
//! read, and what each action does. A key the table lacks goes to the step's text field, if it
//! has one.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::Wizard;
use super::state::{After, SaveFocus, TestState};
use super::step::Step;
use crate::tui::command::{Command, Ending, Outcome};
use crate::tui::widgets::keymap::{Key, Keymap};
use crate::tui::widgets::scope_picker::{PickerAction, PickerKey};
use crate::tui::widgets::sign_in_panel::PanelKey;

/// What a key asks of the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// A tall step's text, by this many lines.
    Scroll(isize),
    /// ↑ or ↓ in a list of choices.
    Move(isize),
    /// Enter: accept the step's value and go on.
    Next,
    /// Esc: put the step back as it was accepted, and go back.
    Back,
    StopReading,
    ToggleClient,
    TogglePublic,
    OtherField,
    Reveal,
    CancelTest,
    Retry,
    ChangeField,
    /// An edit's added scope was not granted: back to the scopes.
    ChangeScopes,
    AskUnverified,
    SaveUnverified,
    KeepFailure,
    NextOption,
    PrevOption,
    ToggleDefault,
    NextStore,
    PrevStore,
    Finish,
    Picker(PickerKey),
    Panel(PanelKey),
}

fn enter(keys: Keymap<Act>, does: &'static str) -> Keymap<Act> {
    keys.on(KeyCode::Enter, "Enter", does, Act::Next)
}

fn back(keys: Keymap<Act>) -> Keymap<Act> {
    keys.on(KeyCode::Esc, "Esc", "back", Act::Back)
}

/// Home and End: the first and the last row of a list (quiet, beside ↑↓).
fn ends(keys: Keymap<Act>) -> Keymap<Act> {
    keys.quiet(KeyCode::Home, Act::Move(isize::MIN / 2))
        .quiet(KeyCode::End, Act::Move(isize::MAX / 2))
}

fn choose(keys: Keymap<Act>) -> Keymap<Act> {
    keys.keys(
        "↑↓",
        "choose",
        &[
            (KeyCode::Up.into(), Act::Move(-1)),
            (KeyCode::Down.into(), Act::Move(1)),
        ],
    )
}

impl Wizard {
    /// The keys of the step in its present state, with PgUp/PgDn while its text is taller
    /// than the screen.
    pub fn keymap(&self) -> Keymap<Act> {
        let scroll = [
            (KeyCode::PageUp.into(), Act::Scroll(-5)),
            (KeyCode::PageDown.into(), Act::Scroll(5)),
        ];
        self.step_keymap().when(self.body.overflows(), |k| {
            k.keys("PgUp PgDn", "more", &scroll)
        })
    }

    fn step_keymap(&self) -> Keymap<Act> {
        match self.step {
            // Nothing else acts while the metadata is read (`type_key` takes no text then).
            Step::Instance if self.discovering.is_some() => {
                Keymap::new().on(KeyCode::Esc, "Esc", "stop reading", Act::StopReading)
            }
            Step::Provider => back(enter(choose(Keymap::new()), "next")),
            Step::GrantType => self.grant_keys(),
            Step::Contact => back(
                enter(Keymap::new(), "next")
                    .on(KeyCode::Tab, "Tab", "next field", Act::OtherField)
                    .quiet(KeyCode::BackTab, Act::OtherField),
            ),
            Step::Scopes => back(Keymap::new().embed(self.scopes.keymap(), Act::Picker)),
            Step::ClientSecret => back(enter(Keymap::new(), "next").on(
                Key::Ctrl('r'),
                "Ctrl+R",
                "show/hide",
                Act::Reveal,
            )),
            Step::Review if self.saves_untested() => {
                back(enter(ends(choose(Keymap::new())), "edit or save"))
            }
            Step::Review if self.route().signs_in() => {
                back(enter(ends(choose(Keymap::new())), "edit or sign in"))
            }
            Step::Review => back(enter(ends(choose(Keymap::new())), "edit or run test")),
            Step::Test if self.route().signs_in() => match &self.sign_in {
                Some(panel) => Keymap::new().embed(panel.keymap(), Act::Panel),
                None => back(Keymap::new()),
            },
            Step::Test => self.test_keys(),
            Step::Save => self.save_keys(),
            Step::Done => Keymap::new()
                .on(KeyCode::Enter, "Enter", "finish", Act::Finish)
                .quiet('q', Act::Finish),
            _ => back(enter(Keymap::new(), "next")),
        }
    }

    fn grant_keys(&self) -> Keymap<Act> {
        let keys = Keymap::new()
            .when(self.grants().len() > 1, choose)
            .on('h', "h", "have a client", Act::ToggleClient)
            .when(self.offers_public(), |k| {
                k.on('p', "p", "public client", Act::TogglePublic)
            });
        back(enter(keys, "next"))
    }

    fn test_keys(&self) -> Keymap<Act> {
        let retry = |k: Keymap<Act>| {
            k.on('r', "r", "retry", Act::Retry)
                .quiet(KeyCode::Enter, Act::Retry)
        };
        match &self.test {
            TestState::Running { .. } => {
                Keymap::new().on(KeyCode::Esc, "Esc", "cancel", Act::CancelTest)
            }
            TestState::Passed(_) if !self.refused_additions().is_empty() => back(
                Keymap::new()
                    .on('c', "c", "change scopes", Act::ChangeScopes)
                    .on('u', "u", "save unverified", Act::SaveUnverified),
            ),
            TestState::Passed(_) => back(enter(Keymap::new(), "continue")),
            TestState::Confirming(_) => Keymap::new()
                .on('y', "y", "save unverified", Act::SaveUnverified)
                .on('n', "n", "no", Act::KeepFailure)
                .quiet(KeyCode::Esc, Act::KeepFailure),
            TestState::Failed(_) => back(
                retry(Keymap::new().on('c', "c", "change field", Act::ChangeField)).on(
                    'u',
                    "u",
                    "save unverified",
                    Act::AskUnverified,
                ),
            ),
            TestState::Idle | TestState::Cancelled => back(retry(Keymap::new())),
        }
    }

    fn save_keys(&self) -> Keymap<Act> {
        if self.save.saving() {
            // Nothing may change what is being saved (`type_key` takes no text then either);
            // the legend says why nothing acts.
            return Keymap::new().keys("…", "saving", &[]);
        }
        let keys = Keymap::new()
            .on(KeyCode::Tab, "Tab", "next option", Act::NextOption)
            .quiet(KeyCode::BackTab, Act::PrevOption);
        let keys = match self.save.focus {
            SaveFocus::Name | SaveFocus::Where => keys,
            SaveFocus::Default => keys.on(' ', "Space", "toggle default", Act::ToggleDefault),
            SaveFocus::Store => keys
                .on(' ', "Space", "switch store", Act::NextStore)
                .quiet(KeyCode::Right, Act::NextStore)
                .quiet(KeyCode::Left, Act::PrevStore),
        };
        back(enter(keys, "save"))
    }

    /// The legend: the step's table, then what the app always takes.
    pub fn keys(&self) -> Vec<(&'static str, &'static str)> {
        let mut keys = self.keymap().legend();
        if self.step != Step::Done {
            keys.push(if self.typing() {
                ("F1", "help")
            } else {
                ("?", "help")
            });
            keys.push(("Ctrl+C", "quit"));
        }
        keys
    }

    pub(super) fn on_key(&mut self, key: KeyEvent) -> Outcome {
        match self.keymap().action(&key) {
            Some(act) => self.apply(act),
            None => {
                self.type_key(key);
                Outcome::none()
            }
        }
    }

    fn apply(&mut self, act: Act) -> Outcome {
        let commands = match act {
            Act::Move(by) => {
                self.move_cursor(by);
                vec![]
            }
            Act::Next => self.submit(),
            Act::Back => return self.step_back(),
            Act::Scroll(by) => {
                self.body.page(by > 0);
                vec![]
            }
            Act::StopReading => {
                // The answer, when it comes, belongs to no attempt any more.
                self.discovering = None;
                vec![]
            }
            Act::ToggleClient => {
                self.client = self.client.other();
                vec![]
            }
            Act::TogglePublic => {
                self.draft.public = !self.draft.public;
                vec![]
            }
            Act::OtherField => {
                self.contact_focus = self.contact_focus.other();
                vec![]
            }
            Act::Reveal => {
                self.secret.toggle_reveal();
                vec![]
            }
            Act::Finish => return self.finish(),
            Act::Picker(_)
            | Act::Panel(_)
            | Act::CancelTest
            | Act::Retry
            | Act::ChangeField
            | Act::ChangeScopes => self.apply_test(act),
            _ => self.apply_save(act),
        };
        commands.into()
    }

    /// Actions of the proof step (and the scope picker's own keys).
    fn apply_test(&mut self, act: Act) -> Vec<Command> {
        match act {
            Act::Picker(key) => {
                let moved_on = self.scopes.act(key) == PickerAction::MoveOn;
                if moved_on { self.submit() } else { vec![] }
            }
            Act::Panel(key) => self.on_panel(key),
            Act::CancelTest => {
                self.test = TestState::Cancelled;
                vec![Command::CancelTest]
            }
            Act::Retry => self.start_test(),
            Act::ChangeField => self.change_failing_field(),
            Act::ChangeScopes => {
                self.after = After::Review;
                self.go(Step::Scopes)
            }
            _ => vec![],
        }
    }

    /// Actions after a failed test and in the save step.
    fn apply_save(&mut self, act: Act) -> Vec<Command> {
        match act {
            Act::AskUnverified => self.ask_unverified(true),
            Act::KeepFailure => self.ask_unverified(false),
            Act::SaveUnverified => return self.go(Step::Save),
            Act::NextOption => self.save_focus(true),
            Act::PrevOption => self.save_focus(false),
            Act::ToggleDefault => self.save.make_default = !self.save.make_default,
            Act::NextStore => self.switch_store(false),
            Act::PrevStore => self.switch_store(true),
            _ => {}
        }
        vec![]
    }

    /// Esc: the step goes back to what it last accepted, then to the review it came from or
    /// to the step before.
    fn step_back(&mut self) -> Outcome {
        self.revert_step();
        if self.after == After::Review && self.step < Step::Review {
            self.after = After::Next;
            return self.go(Step::Review).into();
        }
        self.back()
    }

    fn finish(&mut self) -> Outcome {
        match &self.saved {
            Some(s) => Outcome::Done(Ending::Saved {
                name: s.name.clone(),
            }),
            None => Outcome::Back,
        }
    }
}
