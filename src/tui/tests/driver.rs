//! Driving the app's pure update in tests: keys in, state and commands out.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::protocol::token::{ClientAuth, Failure, Granted, OAuthError, TestFailure, TestOk};
use crate::stores::config_dir::ConfigDir;
use crate::stores::profile::{Profile, ProfilesFile};
use crate::tui::app::{App, Entry, Screen};
use crate::tui::command::{Command, Ending};
use crate::tui::msg::Msg;
use crate::tui::screens::wizard::Wizard;
use crate::tui::screens::wizard::step::Step;
use crate::tui::widgets::theme::Theme;

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub struct Driver {
    pub app: App,
    pub commands: Vec<Command>,
    /// How the app ended, once a command said so.
    pub ended: Option<Ending>,
}

impl Driver {
    pub fn new(entry: Entry, profiles: ProfilesFile) -> Self {
        let dir = ConfigDir::new("/home/jane/.config/oauth-setup");
        let vault_env = crate::stores::vault::VaultEnv::default();
        let (app, commands) = App::new(entry, profiles, dir, Theme { color: false }, vault_env);
        let mut d = Self {
            app,
            commands: Vec::new(),
            ended: None,
        };
        d.record(commands);
        d
    }

    fn record(&mut self, commands: Vec<Command>) {
        for c in commands {
            match c {
                Command::Quit(ending) => self.ended = Some(ending),
                other => self.commands.push(other),
            }
        }
    }

    /// The line the app would print on leaving.
    pub fn farewell(&self) -> Option<String> {
        self.ended.as_ref().and_then(Ending::farewell)
    }

    pub fn wizard() -> Self {
        Self::new(Entry::Wizard(Box::default()), ProfilesFile::default())
    }

    pub fn send(&mut self, msg: Msg) -> &mut Self {
        let cmds = self.app.update(msg);
        self.record(cmds);
        self
    }

    pub fn press(&mut self, code: KeyCode) -> &mut Self {
        self.send(key(code))
    }

    pub fn enter(&mut self) -> &mut Self {
        self.press(KeyCode::Enter)
    }

    pub fn typ(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
        self
    }

    pub fn w(&self) -> &Wizard {
        match &self.app.screen {
            Screen::Wizard(w) => w,
            other => panic!("not the wizard: {other:?}"),
        }
    }

    pub fn step(&self) -> Step {
        self.w().step
    }

    /// Answer the live test the app just asked for (its commands are taken).
    pub fn answer_test(&mut self, result: Result<TestOk, TestFailure>) -> &mut Self {
        let attempt = test_attempt(&self.take());
        self.send(Msg::TestDone {
            attempt,
            result: Box::new(result),
        })
    }

    /// End the rotation the app just asked for with `result` (its commands are taken).
    pub fn answer_rotation(
        &mut self,
        result: Result<crate::flows::rotate::Rotated, crate::flows::rotate::RotateError>,
    ) -> &mut Self {
        let cmds = self.take();
        let attempt = cmds
            .iter()
            .find_map(|c| match c {
                Command::Rotate { attempt, .. } => Some(*attempt),
                _ => None,
            })
            .expect("a rotate command");
        self.send(Msg::Rotated {
            attempt,
            result: Box::new(result),
        })
    }

    pub fn take(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.commands)
    }

    /// Answer the metadata read the app just asked for: nothing found there.
    pub fn no_metadata(&mut self) -> &mut Self {
        let attempt = self
            .take()
            .iter()
            .rev()
            .find_map(|c| match c {
                Command::Discover { attempt, .. } => Some(*attempt),
                _ => None,
            })
            .expect("the app asked to read the metadata");
        self.send(Msg::Discovered {
            attempt,
            result: Box::new(Err(crate::protocol::discovery::DiscoveryError::NotFound {
                tried: vec![],
            })),
        })
    }

    /// Walk a Coupa setup to the review, with valid values.
    pub fn walk_to_review(&mut self) -> &mut Self {
        self.walk_to_review_with_login("erp-sync")
    }

    /// From the review, open the step that sets `step` (to change its value).
    pub fn edit(&mut self, step: Step) -> &mut Self {
        assert_eq!(self.step(), Step::Review);
        while self.w().review_at != step {
            self.press(KeyCode::Up);
        }
        self.enter()
    }

    /// Walk a Coupa setup to the review, with valid values and this login.
    pub fn walk_to_review_with_login(&mut self, login: &str) -> &mut Self {
        self.enter() // Coupa
            .typ("acme")
            .enter()
            .enter() // client credentials
            .typ("ERP invoice sync")
            .enter()
            .typ(login)
            .enter()
            .typ("Jane")
            .press(KeyCode::Tab)
            .typ("Doe")
            .enter()
            .typ("jane@example.com")
            .enter();
        self.send(Msg::Paste("core.common.read core.invoice.read".into()));
        self.enter() // scopes
            .enter() // create the client
            .typ("client-1")
            .enter()
            .typ("s3cret")
            .enter();
        assert_eq!(self.step(), Step::Review);
        self
    }
}

pub fn granted() -> TestOk {
    TestOk {
        granted: Granted {
            access_token: crate::rules::secret::AccessToken::new("tok"),
            token_type: "bearer".into(),
            expires_in: Some(86399),
            scope: Some(vec!["core.common.read".into(), "core.invoice.read".into()]),
            refresh_token: None,
            refresh_expires_in: None,
        },
        auth: ClientAuth::Post,
        not_granted: vec![],
    }
}

pub fn refused(error: OAuthError) -> TestFailure {
    refused_with_description(error, None)
}

/// A refusal whose description is the server's own (hostile) text.
pub fn refused_with(error: OAuthError, description: &str) -> TestFailure {
    refused_with_description(error, Some(description.to_string()))
}

fn refused_with_description(error: OAuthError, description: Option<String>) -> TestFailure {
    TestFailure {
        failure: Failure::OAuth {
            status: 400,
            error,
            description,
        },
        missing_scopes: vec![],
        unchecked_scopes: vec![],
        tried_other_auth: false,
        auth: ClientAuth::Post,
    }
}

pub fn test_attempt(cmds: &[Command]) -> u64 {
    cmds.iter()
        .find_map(|c| match c {
            Command::Test { attempt, .. } => Some(*attempt),
            _ => None,
        })
        .expect("a test command")
}

pub fn one_profile() -> ProfilesFile {
    let mut other = Driver::wizard();
    other.walk_to_review().enter();
    other.answer_test(Ok(granted())).enter().enter();
    let Some(Command::Save { new, .. }) = other
        .take()
        .into_iter()
        .find(|c| matches!(c, Command::Save { .. }))
    else {
        panic!("no save")
    };
    let profile = Profile::new(
        &new.account,
        new.secret.clone(),
        "acme-000000000000".into(),
        "2026-01-01T00:00:00Z",
        &new.verdict,
    );
    let mut file = ProfilesFile::default();
    file.profiles.insert("acme".into(), profile);
    file.default_profile = Some("acme".into());
    file
}
