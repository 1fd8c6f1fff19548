//! Driving the app's pure update in tests: keys in, state and commands out.

use oauth_setup::profile::ProfilesFile;
use oauth_setup::secret::Secret;
use oauth_setup::token::{ClientAuth, Failure, Granted, OAuthError, TestFailure, TestOk};
use oauth_setup::tui::app::Screen;
use oauth_setup::tui::command::Command;
use oauth_setup::tui::msg::Msg;
use oauth_setup::tui::wizard::Wizard;
use oauth_setup::tui::wizard::step::Step;
use oauth_setup::tui::{App, Entry, Prefill, Theme};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub struct Driver {
    pub app: App,
    pub commands: Vec<Command>,
}

impl Driver {
    pub fn new(entry: Entry, profiles: ProfilesFile) -> Self {
        let (app, commands) = App::new(entry, profiles, Theme { color: false });
        Self { app, commands }
    }

    pub fn wizard() -> Self {
        Self::new(Entry::Wizard(Prefill::default()), ProfilesFile::default())
    }

    pub fn send(&mut self, msg: Msg) -> &mut Self {
        let cmds = self.app.update(msg);
        self.commands.extend(cmds);
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

    pub fn take(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.commands)
    }

    /// Walk a Coupa setup to the review, with valid values.
    pub fn walk_to_review(&mut self) -> &mut Self {
        self.enter() // Coupa
            .typ("acme")
            .enter()
            .enter() // client credentials
            .typ("ERP invoice sync")
            .enter()
            .typ("erp-sync")
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
            access_token: Secret::new("tok"),
            token_type: "bearer".into(),
            expires_in: Some(86399),
            scope: Some(vec!["core.common.read".into(), "core.invoice.read".into()]),
        },
        auth: ClientAuth::Post,
        not_granted: vec![],
    }
}

pub fn refused(error: OAuthError) -> TestFailure {
    TestFailure {
        failure: Failure::OAuth {
            status: 400,
            error,
            description: None,
        },
        missing_scopes: vec![],
        unchecked_scopes: vec![],
        tried_other_auth: false,
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
    let a = test_attempt(&other.take());
    other
        .send(Msg::TestDone {
            attempt: a,
            result: Box::new(Ok(granted())),
        })
        .enter()
        .enter();
    let Command::Save { profile, .. } = other.take().remove(0) else {
        panic!()
    };
    let mut file = ProfilesFile::default();
    file.profiles.insert("acme".into(), *profile);
    file.default_profile = Some("acme".into());
    file
}
