//! The app's pure update: key sequences in, state and commands out, for every step.

use oauth_setup::profile::ProfilesFile;
use oauth_setup::token::{ClientAuth, OAuthError};
use oauth_setup::tui::app::{Overlay, Screen};
use oauth_setup::tui::command::Command;
use oauth_setup::tui::msg::{KEYRING_PREFIX, Msg, Saved};
use oauth_setup::tui::wizard::step::Step;
use oauth_setup::tui::wizard::{SaveFocus, TestState};
use oauth_setup::tui::{Entry, Prefill};
use ratatui::crossterm::event::KeyCode;

use crate::support::tui::{Driver, ctrl, granted, one_profile, refused, test_attempt};

#[test]
fn a_whole_setup_from_first_key_to_save() {
    let mut d = Driver::wizard();
    assert_eq!(d.step(), Step::Provider);
    d.enter().typ("http://acme.coupahost.com").enter();
    assert_eq!(d.step(), Step::Instance, "plain http must be refused");
    assert!(
        d.w()
            .instance
            .error
            .as_deref()
            .unwrap()
            .contains("use https://")
    );
    for _ in 0.."http://acme.coupahost.com".len() {
        d.press(KeyCode::Backspace);
    }
    assert!(d.w().instance.error.is_none(), "editing clears the error");
    d.typ("acme").enter();
    assert_eq!(d.step(), Step::GrantType);
    assert_eq!(
        d.w().instance_value.as_ref().unwrap().url,
        "https://acme.coupahost.com"
    );
    d.press(KeyCode::Down).enter();
    assert_eq!(
        d.step(),
        Step::GrantType,
        "authorization code is not offered yet"
    );
    assert!(d.w().grant_error.is_some());
    d.press(KeyCode::Up).enter();
    assert_eq!(d.step(), Step::ClientName);
    d.enter();
    assert!(
        d.w()
            .client_name
            .error
            .as_deref()
            .unwrap()
            .starts_with("is empty")
    );
    d.typ("ERP sync").enter().typ("erp sync").enter();
    assert_eq!(d.step(), Step::Login);
    assert!(
        d.w()
            .login
            .error
            .as_deref()
            .unwrap()
            .contains("contains spaces")
    );
    d.press(KeyCode::Backspace)
        .press(KeyCode::Backspace)
        .press(KeyCode::Backspace)
        .press(KeyCode::Backspace)
        .press(KeyCode::Backspace);
    d.typ("-sync").enter();
    assert_eq!(d.w().login.value(), "erp-sync");
    d.enter();
    assert_eq!(d.step(), Step::Contact, "both names are required");
    d.typ("Jane").press(KeyCode::Tab).typ("Doe").enter();
    d.typ("jane@").enter();
    assert_eq!(d.step(), Step::ContactEmail);
    d.typ("example.com").enter();
    assert_eq!(d.step(), Step::Scopes);
    d.enter();
    assert!(d.w().scopes.error.is_some(), "at least one scope");
    d.press(KeyCode::F(2)).enter();
    assert_eq!(d.step(), Step::CreateClient);
    assert_eq!(d.w().scope_values, ["core.common.read"]);
    d.enter().typ("client-1").enter();
    d.send(Msg::Paste("s3cret-value\n".into()));
    assert_eq!(
        d.w().secret.receipt.as_deref(),
        Some("received 12 characters; a trailing newline was removed")
    );
    d.enter();
    assert_eq!(d.step(), Step::Review);
    d.take();
    d.enter();
    assert_eq!(d.step(), Step::Test);
    let cmds = d.take();
    let Command::Test { attempt, request } = &cmds[0] else {
        panic!("{cmds:?}")
    };
    assert_eq!(request.token_url, "https://acme.coupahost.com/oauth2/token");
    assert_eq!(request.client_id, "client-1");
    assert_eq!(request.secret.expose(), "s3cret-value");
    assert_eq!(request.scopes, ["core.common.read"]);
    assert_eq!(request.auth, ClientAuth::Post);
    d.send(Msg::TestDone {
        attempt: *attempt,
        result: Box::new(Ok(granted())),
    });
    assert!(matches!(d.w().test, TestState::Passed(_)));
    d.enter();
    assert_eq!(d.step(), Step::Save);
    assert_eq!(d.w().save.name.value(), "acme");
    assert!(
        d.w().save.make_default,
        "the first profile becomes the default"
    );
    d.enter();
    let cmds = d.take();
    let Command::Save {
        name,
        profile,
        secret,
        make_default,
    } = &cmds[0]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!((name.as_str(), *make_default), ("acme", true));
    assert_eq!(secret.expose(), "s3cret-value");
    assert_eq!(profile.login.as_deref(), Some("erp-sync"));
    assert_eq!(profile.contact_email.as_deref(), Some("jane@example.com"));
    assert!(profile.last_verification.as_ref().unwrap().ok);
    d.send(Msg::Saved(Ok(Saved {
        name: "acme".into(),
        profiles_path: "/p".into(),
        secret_location: "OS keyring".into(),
    })));
    assert_eq!(d.step(), Step::Done);
    assert!(
        d.w().secret.is_empty(),
        "the secret is wiped from the wizard once saved"
    );
    d.enter();
    assert!(d.app.quit);
    assert_eq!(d.app.farewell.as_deref(), Some("saved profile acme"));
}

#[test]
fn warnings_need_a_second_enter_and_going_back_keeps_values() {
    let mut d = Driver::wizard();
    d.enter().typ("acme.example.com").enter();
    assert_eq!(d.step(), Step::Instance);
    assert!(d.w().instance.warnings[0].contains("not a Coupa domain"));
    d.enter();
    assert_eq!(d.step(), Step::GrantType);
    d.press(KeyCode::Esc).press(KeyCode::Esc);
    assert_eq!(d.step(), Step::Provider);
    d.enter();
    assert_eq!(d.w().instance.value(), "acme.example.com");
    d.press(KeyCode::Esc).press(KeyCode::Esc);
    assert!(d.app.quit, "Esc on the first step leaves the wizard");
}

#[test]
fn reveal_toggle_and_rehide_on_leaving() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.press(KeyCode::Up).press(KeyCode::Enter);
    assert_eq!(d.step(), Step::ClientSecret);
    assert!(!d.w().secret.revealed);
    d.send(ctrl('r'));
    assert!(d.w().secret.revealed);
    d.send(ctrl('r'));
    assert!(!d.w().secret.revealed);
    d.send(ctrl('r')).enter();
    assert_eq!(
        d.step(),
        Step::Review,
        "editing from the review returns to it"
    );
    assert!(
        !d.w().secret.revealed,
        "the secret hides again when the step is left"
    );
}

#[test]
fn review_jumps_to_any_step() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    let rows = d.w().review_rows();
    assert_eq!(rows.last().unwrap().2, "Run the live test");
    assert!(rows.iter().any(|r| r.2 == "6 characters, hidden"));
    for _ in 0..rows.len() {
        d.press(KeyCode::Up);
    }
    d.press(KeyCode::Down).enter();
    assert_eq!(d.step(), Step::Instance);
    d.press(KeyCode::Backspace)
        .press(KeyCode::Backspace)
        .press(KeyCode::Backspace)
        .press(KeyCode::Backspace);
    d.typ("beta").enter();
    assert_eq!(d.step(), Step::Review);
    assert!(
        d.w().review_rows()[1]
            .2
            .starts_with("https://beta.coupahost.com")
    );
}

#[test]
fn a_running_test_can_be_cancelled_and_stale_results_are_ignored() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.take();
    d.enter();
    let first = test_attempt(&d.take());
    d.send(Msg::Tick);
    assert_eq!(d.w().spinner, 1);
    d.press(KeyCode::Esc);
    assert!(matches!(d.take()[..], [Command::CancelTest]));
    assert!(matches!(d.w().test, TestState::Cancelled));
    d.send(Msg::TestDone {
        attempt: first,
        result: Box::new(Ok(granted())),
    });
    assert!(
        matches!(d.w().test, TestState::Cancelled),
        "a cancelled run's result is dropped"
    );
    d.press(KeyCode::Char('r'));
    let second = test_attempt(&d.take());
    assert!(second > first);
}

#[test]
fn a_failed_test_offers_change_retry_and_save_unverified() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.take();
    d.enter();
    let a = test_attempt(&d.take());
    d.send(Msg::TestDone {
        attempt: a,
        result: Box::new(Err(refused(OAuthError::InvalidScope))),
    });
    assert!(matches!(d.w().test, TestState::Failed { .. }));
    d.press(KeyCode::Char('c'));
    assert_eq!(d.step(), Step::Scopes, "invalid_scope leads to the scopes");
    d.enter();
    assert_eq!(d.step(), Step::Review);
    d.enter();
    let a = test_attempt(&d.take());
    d.send(Msg::TestDone {
        attempt: a,
        result: Box::new(Err(refused(OAuthError::InvalidClient))),
    });
    d.press(KeyCode::Char('u'));
    assert!(matches!(
        d.w().test,
        TestState::Failed {
            confirm_unverified: true,
            ..
        }
    ));
    d.press(KeyCode::Char('n'));
    assert_eq!(d.step(), Step::Test);
    d.press(KeyCode::Char('u')).press(KeyCode::Char('y'));
    assert_eq!(d.step(), Step::Save);
    assert!(!d.w().save.verified);
    d.enter();
    let cmds = d.take();
    let Command::Save { profile, .. } = &cmds[0] else {
        panic!("{cmds:?}")
    };
    let v = profile.last_verification.as_ref().unwrap();
    assert!(!v.ok && v.result.contains("invalid_client"), "{v:?}");
}

#[test]
fn an_unusable_keyring_offers_the_file_store() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.enter();
    let a = test_attempt(&d.take());
    d.send(Msg::TestDone {
        attempt: a,
        result: Box::new(Ok(granted())),
    })
    .enter()
    .enter();
    d.take();
    d.send(Msg::Saved(Err(format!(
        "{KEYRING_PREFIX}the OS keyring is unusable: no D-Bus session bus"
    ))));
    assert_eq!(d.step(), Step::Save);
    assert!(
        d.w()
            .save
            .keyring_problem
            .as_deref()
            .unwrap()
            .contains("no D-Bus")
    );
    assert_eq!(d.w().save.focus, SaveFocus::Store);
    d.press(KeyCode::Char(' ')).enter();
    let cmds = d.take();
    let Command::Save { profile, .. } = &cmds[0] else {
        panic!("{cmds:?}")
    };
    assert_eq!(profile.secret_store.as_str(), "file");
}

#[test]
fn ctrl_c_asks_first_when_input_would_be_lost() {
    let mut d = Driver::wizard();
    d.send(ctrl('c'));
    assert!(d.app.quit, "nothing typed: quit at once");

    let mut d = Driver::wizard();
    d.enter().typ("acme");
    d.send(ctrl('c'));
    assert_eq!(d.app.overlay, Some(Overlay::ConfirmQuit));
    d.press(KeyCode::Char('n'));
    assert!(!d.app.quit && d.app.overlay.is_none());
    d.send(ctrl('c')).press(KeyCode::Char('y'));
    assert!(d.app.quit);
    assert_eq!(
        d.app.farewell.as_deref(),
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
    let mut d = Driver::new(Entry::Wizard(Prefill::default()), file);
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
    assert_eq!(d.step().position(d.w().provider), (5, 11));
}

#[test]
fn prefill_from_setup_options() {
    let prefill = Prefill {
        provider: Some("coupa".into()),
        instance: Some("acme".into()),
        scopes: Some("core.user.read".into()),
        ..Prefill::default()
    };
    let d = Driver::new(Entry::Wizard(prefill), ProfilesFile::default());
    assert_eq!(d.w().instance.value(), "acme");
    assert_eq!(d.w().scopes.selected, ["core.user.read"]);
}

#[test]
fn rotate_tests_first_and_stores_only_on_success() {
    use oauth_setup::tui::rotate::RotateState;
    let mut d = Driver::new(Entry::Rotate("acme".into()), one_profile());
    let state = |d: &Driver| match &d.app.screen {
        Screen::Rotate(r) => format!("{:?}", r.state),
        other => panic!("{other:?}"),
    };
    d.enter();
    assert!(d.take().is_empty(), "an empty secret is not tested");
    d.send(Msg::Paste("wrong\n".into())).enter();
    let a = test_attempt(&d.take());
    d.send(Msg::TestDone {
        attempt: a,
        result: Box::new(Err(refused(OAuthError::InvalidClient))),
    });
    assert!(state(&d).starts_with("Failed"));
    assert!(d.take().is_empty(), "a refused secret is never stored");
    for _ in 0..5 {
        d.press(KeyCode::Backspace);
    }
    d.typ("right").enter();
    let a = test_attempt(&d.take());
    d.send(Msg::TestDone {
        attempt: a,
        result: Box::new(Ok(granted())),
    });
    let cmds = d.take();
    let Command::Rotate { name, secret, .. } = &cmds[0] else {
        panic!("{cmds:?}")
    };
    assert_eq!((name.as_str(), secret.expose()), ("acme", "right"));
    d.send(Msg::Rotated(Ok("OS keyring".into())));
    let Screen::Rotate(r) = &d.app.screen else {
        panic!()
    };
    assert!(matches!(r.state, RotateState::Done(_)));
    assert!(r.secret.is_empty());
    d.enter();
    assert!(
        d.app.quit,
        "opened directly by `rotate`, so finishing quits"
    );
}

#[test]
fn home_screen_actions() {
    let mut d = Driver::new(Entry::Start, one_profile());
    assert!(matches!(d.app.screen, Screen::Home(_)));
    d.press(KeyCode::Char('v'));
    let cmds = d.take();
    assert!(matches!(&cmds[..], [Command::Verify { names }] if names == &["acme"]));
    d.send(Msg::Verified(vec![]));
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
    assert!(d.app.quit);
}
