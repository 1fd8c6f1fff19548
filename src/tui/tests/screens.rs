//! The app's pure update around the wizard: quitting, help, home, rotate.

use ratatui::crossterm::event::KeyCode;

use super::driver::{Driver, ctrl, granted, one_profile, refused};
use crate::protocol::token::OAuthError;
use crate::stores::profile::ProfilesFile;
use crate::tui::app::{Entry, Overlay, Screen};
use crate::tui::command::Command;
use crate::tui::msg::Msg;
use crate::tui::screens::wizard::Prefill;
use crate::tui::screens::wizard::step::Step;

#[test]
fn ctrl_c_asks_first_when_input_would_be_lost() {
    let mut d = Driver::wizard();
    d.send(ctrl('c'));
    assert!(d.ended.is_some(), "nothing typed: quit at once");

    let mut d = Driver::wizard();
    d.enter().typ("acme");
    d.send(ctrl('c'));
    assert_eq!(d.app.overlay, Some(Overlay::ConfirmQuit));
    d.press(KeyCode::Char('n'));
    assert!(d.ended.is_none() && d.app.overlay.is_none());
    d.send(ctrl('c')).press(KeyCode::Char('y'));
    assert!(d.ended.is_some());
    assert_eq!(
        d.farewell().as_deref(),
        Some("cancelled; nothing was saved")
    );
}

#[test]
fn question_mark_is_help_except_where_it_is_typed() {
    let mut d = Driver::wizard();
    d.press(KeyCode::Char('?'));
    assert_eq!(d.app.overlay, Some(Overlay::Help));
    d.press(KeyCode::Char('x'));
    assert!(d.app.overlay.is_none());
    d.enter().press(KeyCode::Char('?'));
    assert!(d.app.overlay.is_none());
    assert_eq!(d.w().instance.value(), "?");
    d.press(KeyCode::F(1));
    assert_eq!(d.app.overlay, Some(Overlay::Help));
}

#[test]
fn login_must_be_unique_on_the_instance() {
    let file = one_profile();
    let mut d = Driver::new(Entry::Wizard(Box::default()), file);
    d.enter()
        .typ("acme")
        .enter()
        .enter()
        .typ("x")
        .enter()
        .typ("ERP-SYNC")
        .enter();
    assert_eq!(d.step(), Step::Login);
    assert!(
        d.w()
            .login
            .error
            .as_deref()
            .unwrap()
            .contains("Login has already been taken")
    );
}

#[test]
fn servicenow_skips_the_coupa_only_steps() {
    let mut d = Driver::wizard();
    d.press(KeyCode::Down).enter();
    assert_eq!(d.w().provider.id, "servicenow");
    d.typ("acme").enter().enter().enter();
    assert_eq!(d.step(), Step::Scopes, "no login or contact for ServiceNow");
    assert_eq!(d.w().route().position(d.step()), (5, 11));
}

#[test]
fn prefill_from_setup_options() {
    let prefill = Prefill {
        provider: Some("coupa".into()),
        instance: Some("acme".into()),
        scopes: Some("core.user.read".into()),
        ..Prefill::default()
    };
    let d = Driver::new(Entry::Wizard(Box::new(prefill)), ProfilesFile::default());
    assert_eq!(d.w().instance.value(), "acme");
    assert_eq!(d.w().scopes.selected, ["core.user.read"]);
}

#[test]
fn the_rotate_screen_follows_the_rotation_it_started() {
    use crate::tui::screens::rotate::RotateState;
    let mut d = Driver::new(Entry::Rotate("acme".into()), one_profile());
    let state = |d: &Driver| match &d.app.screen {
        Screen::Rotate(r) => format!("{:?}", r.state),
        other => panic!("{other:?}"),
    };
    d.enter();
    assert!(d.take().is_empty(), "an empty secret is not tested");
    d.send(Msg::Paste("wrong\n".into())).enter();
    let rotation = |d: &mut Driver| {
        let cmds = d.take();
        let Some(Command::Rotate {
            attempt,
            name,
            secret,
            ..
        }) = cmds.first()
        else {
            panic!("{cmds:?}")
        };
        assert_eq!(name, "acme");
        (*attempt, secret.expose().to_string())
    };
    let (attempt, secret) = rotation(&mut d);
    assert_eq!(secret, "wrong");
    let refused = Box::new(refused(OAuthError::InvalidClient));
    let result = Box::new(Err(crate::flows::rotate::RotateError::Refused(refused)));
    d.send(Msg::Rotated { attempt, result });
    assert!(state(&d).starts_with("Failed"));
    for _ in 0..5 {
        d.press(KeyCode::Backspace);
    }
    d.typ("right").enter();
    let (attempt, secret) = rotation(&mut d);
    assert_eq!(secret, "right");
    // A report of an earlier rotation changes nothing.
    let stale = Box::new(Ok(crate::flows::rotate::Rotated {
        location: "elsewhere".into(),
    }));
    d.send(Msg::Rotated {
        attempt: attempt - 1,
        result: stale,
    });
    assert!(state(&d).starts_with("Testing"), "{}", state(&d));
    let update = crate::flows::rotate::Progress::Tested(granted());
    d.send(Msg::RotateProgress { attempt, update });
    assert!(state(&d).starts_with("Storing"), "{}", state(&d));
    d.press(KeyCode::Esc);
    assert!(d.take().is_empty(), "storing cannot be stopped halfway");
    let location = "OS keyring".into();
    let result = Box::new(Ok(crate::flows::rotate::Rotated { location }));
    d.send(Msg::Rotated { attempt, result });
    let Screen::Rotate(r) = &d.app.screen else {
        panic!()
    };
    assert!(matches!(r.state, RotateState::Done(_)));
    assert!(r.secret.is_empty());
    d.enter();
    assert!(
        d.ended.is_some(),
        "opened directly by `rotate`, so finishing quits"
    );
}

#[test]
fn home_screen_actions() {
    let mut d = Driver::new(Entry::Start, one_profile());
    assert!(matches!(d.app.screen, Screen::Home(_)));
    d.press(KeyCode::Char('v'));
    let cmds = d.take();
    assert!(
        matches!(cmds.last(), Some(Command::Verify { names }) if names == &["acme"]),
        "{cmds:?}"
    );
    d.send(Msg::VerifyDone(Ok(())));
    d.press(KeyCode::Esc);
    assert!(
        matches!(d.app.screen, Screen::Home(_)),
        "verify returns home"
    );
    d.take();
    d.press(KeyCode::Char('d'));
    assert!(d.take().is_empty(), "delete asks first");
    d.press(KeyCode::Char('y'));
    assert!(matches!(&d.take()[..], [Command::Delete { name }] if name == "acme"));
    d.press(KeyCode::Char('n'));
    assert!(matches!(d.app.screen, Screen::Wizard(_)));
    d.press(KeyCode::Esc);
    assert!(
        matches!(d.app.screen, Screen::Home(_)),
        "leaving the wizard returns home"
    );
    d.press(KeyCode::Char('q'));
    assert!(d.ended.is_some());
}

#[test]
fn a_first_run_left_at_the_wizard_shows_the_empty_home_with_import() {
    use super::render::{draw, screen_text};
    let mut d = Driver::new(Entry::Start, ProfilesFile::default());
    assert!(
        matches!(d.app.screen, Screen::Wizard(_)),
        "no profiles: the wizard"
    );
    d.press(KeyCode::Esc);
    assert!(
        d.ended.is_none(),
        "leaving the first wizard does not end the app"
    );
    assert!(matches!(d.app.screen, Screen::Home(_)));
    for (w, h) in [(80, 24), (60, 18), (200, 50)] {
        let text = screen_text(&draw(&d.app, w, h));
        assert!(text.contains("No profiles yet"), "{w}x{h}:\n{text}");
        assert!(text.contains("i import"), "{w}x{h}:\n{text}");
    }
    d.press(KeyCode::Char('i'));
    let Screen::Home(home) = &d.app.screen else {
        panic!("home")
    };
    assert!(home.import.is_some(), "i opens the import field");
    d.press(KeyCode::Esc);
    d.press(KeyCode::Char('n'));
    assert!(matches!(d.app.screen, Screen::Wizard(_)));
    d.press(KeyCode::Esc);
    assert!(
        matches!(d.app.screen, Screen::Home(_)),
        "home again, not the end"
    );
    d.press(KeyCode::Char('q'));
    assert!(d.ended.is_some());
}

#[test]
fn ctrl_c_still_ends_a_first_run() {
    let mut d = Driver::new(Entry::Start, ProfilesFile::default());
    d.press(KeyCode::Char('c'));
    d.send(ctrl('c'));
    assert!(d.ended.is_some(), "Ctrl+C still ends a first run");
}
