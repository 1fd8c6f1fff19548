//! The app's pure update: key sequences in, state and commands out, for every step.

use ratatui::crossterm::event::KeyCode;

use super::driver::{Driver, ctrl, granted, refused, test_attempt};
use crate::protocol::token::{ClientAuth, OAuthError};
use crate::stores::account::{AccountError, Saved};
use crate::stores::profile::Verdict;
use crate::stores::secret_store::StoreError;
use crate::tui::app::Overlay;
use crate::tui::command::Command;
use crate::tui::msg::Msg;
use crate::tui::screens::wizard::step::Step;
use crate::tui::screens::wizard::{SaveFocus, TestState};

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
        d.w().draft.instance.as_ref().unwrap().url,
        "https://acme.coupahost.com"
    );
    d.press(KeyCode::Down).enter();
    assert_eq!(d.step(), Step::ClientName, "authorization code is offered");
    assert_eq!(
        d.w().route().title(Step::Test),
        "Sign in",
        "its proof is a sign-in"
    );
    assert_eq!(
        d.w().scopes.selected,
        ["offline_access"],
        "the refresh scope is selected for a user grant"
    );
    d.press(KeyCode::Esc);
    assert_eq!(d.step(), Step::GrantType);
    d.press(KeyCode::Up).enter();
    assert_eq!(d.step(), Step::ClientName);
    assert_eq!(d.w().route().title(Step::Test), "Live test");
    assert!(
        d.w().scopes.selected.is_empty(),
        "and taken back for another"
    );
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
    assert_eq!(d.w().draft.scopes(), ["core.common.read"]);
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
    let Command::Test {
        attempt, request, ..
    } = &cmds[0]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(request.token_url, "https://acme.coupahost.com/oauth2/token");
    assert_eq!(request.client_id, "client-1");
    assert_eq!(request.secret.as_ref().unwrap().expose(), "s3cret-value");
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
    let Some(Command::Save { new, secret, .. }) = cmds.last() else {
        panic!("{cmds:?}")
    };
    assert_eq!((new.name.as_str(), new.make_default), ("acme", true));
    assert_eq!(secret.as_ref().unwrap().expose(), "s3cret-value");
    assert_eq!(new.account.form.login.as_deref(), Some("erp-sync"));
    assert_eq!(
        new.account.form.contact_email.as_deref(),
        Some("jane@example.com")
    );
    assert_eq!(new.verdict, Verdict::Passed);
    // While saving, nothing typed changes what is being saved, and Esc does not leave.
    d.typ("x").press(KeyCode::Esc).press(KeyCode::Tab);
    assert_eq!(d.w().save.name.value(), "acme");
    assert_eq!((d.step(), d.w().save.focus), (Step::Save, SaveFocus::Name));
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
    assert_eq!(d.farewell().as_deref(), Some("saved profile acme"));
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
    assert_eq!(
        d.app.overlay,
        Some(Overlay::ConfirmLeave),
        "Esc on the first step asks before losing what was typed"
    );
    assert!(d.ended.is_none());
    d.press(KeyCode::Char('n'));
    assert!(
        d.app.overlay.is_none() && d.ended.is_none(),
        "any other key stays"
    );
    d.press(KeyCode::Esc).press(KeyCode::Char('y'));
    assert!(d.ended.is_some(), "y leaves the wizard");
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
    assert_eq!(rows.last().unwrap().value, "Run the live test");
    assert!(rows.iter().any(|r| r.value == "6 characters, hidden"));
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
            .value
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
    assert_eq!(d.app.spinner, 1);
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
    d.answer_test(Err(refused(OAuthError::InvalidScope)));
    assert!(matches!(d.w().test, TestState::Failed { .. }));
    d.press(KeyCode::Char('c'));
    assert_eq!(d.step(), Step::Scopes, "invalid_scope leads to the scopes");
    d.enter();
    assert_eq!(d.step(), Step::Review);
    d.enter();
    d.answer_test(Err(refused(OAuthError::InvalidClient)));
    d.press(KeyCode::Char('u'));
    assert!(matches!(d.w().test, TestState::Confirming(_)));
    d.press(KeyCode::Char('n'));
    assert!(matches!(d.w().test, TestState::Failed(_)));
    assert_eq!(d.step(), Step::Test);
    d.press(KeyCode::Char('u')).press(KeyCode::Char('y'));
    assert_eq!(d.step(), Step::Save);
    assert_ne!(d.w().verdict(), Verdict::Passed);
    d.enter();
    let cmds = d.take();
    let Some(Command::Save { new, .. }) = cmds.last() else {
        panic!("{cmds:?}")
    };
    assert!(
        matches!(&new.verdict, Verdict::Failed(s) if s.contains("invalid_client")),
        "{:?}",
        new.verdict
    );
}

#[test]
fn an_unusable_keyring_offers_the_file_store() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.enter();
    d.answer_test(Ok(granted())).enter().enter();
    d.take();
    d.send(Msg::Saved(Err(AccountError::Store(
        StoreError::KeyringUnavailable {
            reason: "no D-Bus session bus".into(),
        },
    ))));
    assert_eq!(d.step(), Step::Save);
    let problem = d.w().save.keyring_problem.as_ref().unwrap().to_string();
    assert!(problem.contains("no D-Bus"), "{problem}");
    assert_eq!(d.w().save.focus, SaveFocus::Store);
    d.press(KeyCode::Char(' ')).enter();
    let cmds = d.take();
    let Some(Command::Save { new, .. }) = cmds.last() else {
        panic!("{cmds:?}")
    };
    assert_eq!(new.secret.kind().as_str(), "file");
}

#[test]
fn review_test_and_save_see_only_accepted_values() {
    let mut d = Driver::wizard();
    d.press(KeyCode::Down)
        .enter()
        .typ("acme")
        .enter()
        .enter()
        .enter();
    d.enter()
        .enter()
        .typ("client-9")
        .enter()
        .typ("s3cr3t")
        .enter();
    assert_eq!(
        d.step(),
        Step::Review,
        "ServiceNow: name and scopes may stay empty"
    );
    let client_id_row = |d: &Driver| {
        d.w()
            .review_rows()
            .into_iter()
            .find(|r| r.step == Step::ClientId)
            .unwrap()
            .value
    };
    d.press(KeyCode::Up)
        .press(KeyCode::Up)
        .enter()
        .typ(" x y")
        .enter();
    assert!(d.w().client_id.error.is_some());
    d.press(KeyCode::Esc);
    assert_eq!(d.step(), Step::Review);
    assert_eq!(
        client_id_row(&d),
        "client-9",
        "the refused edit is not shown"
    );
    d.press(KeyCode::Down).press(KeyCode::Down).enter();
    let cmds = d.take();
    let Some(Command::Test { request, .. }) = cmds.last() else {
        panic!("{cmds:?}")
    };
    assert_eq!(request.client_id, "client-9", "nor tested");
}
