//! The profile view from home, and the app's edit, rename, copy and make-default: keys in,
//! the commands the use cases run, and what the screen says of their answers.

use ratatui::crossterm::event::KeyCode;

use super::driver::{Driver, granted, one_profile};
use super::render::joined;
use crate::flows::manage::ManageError;
use crate::flows::show::{Presence, ProfileInfo};
use crate::rules::secret::{ClientSecret, Secret};
use crate::session::status::SessionStatus;
use crate::stores::profile::ProfilesFile;
use crate::tui::app::{Entry, Screen};
use crate::tui::command::Command;
use crate::tui::msg::Msg;
use crate::tui::screens::wizard::step::Step;

const SIZES: [(u16, u16); 4] = [(60, 18), (80, 24), (120, 40), (200, 60)];

fn info(file: &ProfilesFile, name: &str) -> ProfileInfo {
    ProfileInfo {
        name: name.into(),
        profile: file.get(name).unwrap().clone(),
        is_default: file.default_profile.as_deref() == Some(name),
        secret: Some(Presence::Present),
        location: "OS keyring (service oauth-setup)".into(),
        session: SessionStatus::default(),
        history: None,
        at: std::time::SystemTime::now(),
    }
}

/// Home with `file`, Enter on its first row, and the view's read answered.
fn viewing(file: ProfilesFile) -> Driver {
    let mut d = Driver::new(Entry::Start, file.clone());
    d.take();
    d.enter();
    let name = match d.take().as_slice() {
        [Command::Describe { name }] => name.clone(),
        other => panic!("Enter on home reads the profile: {other:?}"),
    };
    d.send(Msg::Described(Box::new(Some(info(&file, &name)))));
    d
}

fn two_profiles() -> ProfilesFile {
    let mut file = one_profile();
    let mut other = file.get("acme").unwrap().clone();
    other.secret_ref = "acme-test-000000000000".into();
    file.profiles.insert("acme-test".into(), other);
    file
}

#[test]
fn the_view_shows_what_show_prints_and_every_key_it_offers_at_every_size() {
    let d = viewing(one_profile());
    assert_eq!(d.app.screen_name(), "profile acme");
    for (w, h) in SIZES {
        let text = joined(&d, w, h);
        for words in ["client id", "scopes", "secret", "present in the OS keyring"] {
            assert!(text.contains(words), "{w}x{h}: {words} missing:\n{text}");
        }
        for key in [
            "e edit", "n rename", "c copy", "r rotate", "v verify", "d delete", "Esc back",
        ] {
            assert!(text.contains(key), "{w}x{h}: {key} missing:\n{text}");
        }
    }
    // It is the default already: nothing to make default.
    assert!(!joined(&d, 200, 60).contains("m make default"));
}

#[test]
fn rename_asks_a_name_keeps_the_box_on_a_clash_and_follows_the_new_name() {
    let mut d = viewing(two_profiles());
    d.press(KeyCode::Char('n')).typ("acme-test").enter();
    let cmds = d.take();
    assert!(
        matches!(cmds.as_slice(), [Command::Rename { from, to }] if from == "acme" && to == "acme-test"),
        "{cmds:?}"
    );
    // Keys wait for the answer.
    d.press(KeyCode::Char('x'));
    d.send(Msg::Renamed {
        from: "acme".into(),
        result: Err(ManageError::Exists("acme-test".into())),
    });
    let text = joined(&d, 80, 24);
    assert!(
        text.contains("already exists; choose another name"),
        "{text}"
    );
    // The box is still open, with what was typed: mend it.
    for _ in 0.."-test".len() {
        d.press(KeyCode::Backspace);
    }
    d.typ("-prod").enter();
    assert!(matches!(d.take().as_slice(), [Command::Rename { to, .. }] if to == "acme-prod"));
    d.send(Msg::Renamed {
        from: "acme".into(),
        result: Ok("acme-prod".into()),
    });
    assert_eq!(d.app.screen_name(), "profile acme-prod");
    assert!(joined(&d, 80, 24).contains("renamed acme to acme-prod"));
    let reload = d.take();
    assert!(
        reload
            .iter()
            .any(|c| matches!(c, Command::Describe { name } if name == "acme-prod"))
    );
    // Esc goes home, on that row.
    d.press(KeyCode::Esc);
    assert_eq!(d.app.screen_name(), "home");
}

#[test]
fn copy_and_make_default_run_their_use_cases_and_say_what_came_of_them() {
    let mut file = two_profiles();
    file.default_profile = Some("acme-test".into());
    let mut d = viewing(file);
    assert!(joined(&d, 80, 24).contains("m make default"));
    d.press(KeyCode::Char('m'));
    assert!(matches!(d.take().as_slice(), [Command::MakeDefault { name }] if name == "acme"));
    d.send(Msg::DefaultMade {
        name: "acme".into(),
        result: Ok(()),
    });
    assert!(joined(&d, 80, 24).contains("acme is now the default profile"));
    d.take();
    d.press(KeyCode::Char('c')).typ("acme-ci").enter();
    let cmds = d.take();
    assert!(
        matches!(cmds.as_slice(), [Command::Copy { to, share: false, .. }] if to == "acme-ci"),
        "{cmds:?}"
    );
    d.send(Msg::Copied {
        from: "acme".into(),
        result: Err(ManageError::CannotCopyCommand),
    });
    let text = joined(&d, 80, 24);
    assert!(text.contains("cannot copy"), "{text}");
}

#[test]
fn delete_from_the_view_asks_then_goes_home() {
    let mut d = viewing(one_profile());
    d.press(KeyCode::Char('d'));
    assert!(joined(&d, 80, 24).contains("Delete profile acme and its stored secret? y/n"));
    d.press(KeyCode::Char('x'));
    assert!(d.take().is_empty(), "any other key keeps it");
    d.press(KeyCode::Char('d')).press(KeyCode::Char('y'));
    assert!(matches!(d.take().as_slice(), [Command::Delete { name }] if name == "acme"));
}

/// `e`, and the stored secret read: the wizard opens on the review with every value of the
/// profile.
fn editing() -> Driver {
    let mut d = viewing(one_profile());
    d.press(KeyCode::Char('e'));
    assert!(matches!(d.take().as_slice(), [Command::ReadForEdit { name }] if name == "acme"));
    let profile = d.app.profiles.get("acme").cloned().map(Box::new);
    d.send(Msg::EditReady {
        profile,
        name: "acme".into(),
        secret: Ok(Some(ClientSecret::from(Secret::new(
            "stored-secret".to_string(),
        )))),
    });
    d
}

#[test]
fn an_edit_opens_on_the_review_and_saves_a_change_the_server_does_not_see_untested() {
    let mut d = editing();
    assert_eq!(d.step(), Step::Review, "{}", joined(&d, 80, 24));
    assert!(d.w().is_edit());
    for (w, h) in SIZES {
        let text = joined(&d, w, h);
        assert!(text.contains("Save the changes"), "{w}x{h}:\n{text}");
    }
    // Nothing changed yet: Esc leaves without asking.
    d.press(KeyCode::Esc);
    assert_eq!(d.app.screen_name(), "profile acme");

    // The last row saves at once; the save step keeps the name, and moves the secret to
    // another store when asked.
    let mut d = editing();
    while d.w().review_at != Step::Test {
        d.press(KeyCode::Down);
    }
    d.enter();
    assert_eq!(d.step(), Step::Save);
    while d.w().save.focus != crate::tui::screens::wizard::SaveFocus::Store {
        d.press(KeyCode::Tab);
    }
    d.press(KeyCode::Char(' '));
    d.enter();
    let cmds = d.take();
    let Some(Command::SaveEdit {
        name, new, secret, ..
    }) = cmds
        .into_iter()
        .find(|c| matches!(c, Command::SaveEdit { .. }))
    else {
        panic!("an edit saves as an edit");
    };
    assert_eq!(name, "acme");
    assert_eq!(
        new.secret,
        crate::stores::secret_store::SecretLocation::File
    );
    assert_eq!(new.account.form.name.as_deref(), Some("ERP invoice sync"));
    assert_eq!(secret, None, "the stored secret stays");
    assert_eq!(new.verdict, crate::stores::profile::Verdict::Untested);
}

#[test]
fn an_edit_of_the_scopes_is_tested_live_before_it_is_saved() {
    let mut d = editing();
    d.edit(Step::Scopes);
    d.typ("core.supplier.read").enter().enter();
    assert_eq!(d.step(), Step::Review, "{}", joined(&d, 80, 24));
    assert!(joined(&d, 80, 24).contains("Run the live test"));
    while d.w().review_at != Step::Test {
        d.press(KeyCode::Down);
    }
    d.enter();
    let cmds = d.take();
    let Some(Command::Test { request, .. }) =
        cmds.iter().find(|c| matches!(c, Command::Test { .. }))
    else {
        panic!("the live test runs: {cmds:?}");
    };
    assert!(request.scopes.contains(&"core.supplier.read".to_string()));
    assert_eq!(
        request.secret.as_ref().unwrap().as_secret().expose(),
        "stored-secret"
    );
    d.commands = cmds;
    d.answer_test(Ok(granted())).enter();
    assert_eq!(d.step(), Step::Save);
    d.enter();
    assert!(
        d.take()
            .iter()
            .any(|c| matches!(c, Command::SaveEdit { .. }))
    );
}

#[test]
fn an_edit_whose_secret_cannot_be_read_asks_for_it() {
    let mut d = viewing(one_profile());
    d.press(KeyCode::Char('e'));
    d.take();
    let profile = d.app.profiles.get("acme").cloned().map(Box::new);
    d.send(Msg::EditReady {
        profile,
        name: "acme".into(),
        secret: Err(crate::stores::secret_store::StoreError::Missing {
            store: "OS keyring".into(),
        }),
    });
    assert_eq!(d.step(), Step::ClientSecret);
}

#[test]
fn home_opens_the_view_on_enter_and_verifies_on_v() {
    let mut d = Driver::new(Entry::Start, one_profile());
    d.take();
    d.press(KeyCode::Char('v'));
    assert!(matches!(d.app.screen, Screen::Verify(_)));
}

/// A value the profile was saved with despite a warning (a host outside Coupa's domains) does
/// not stop the edit: it opens on the review all the same.
#[test]
fn an_edit_takes_the_profiles_warned_values_as_they_were_accepted() {
    let mut file = one_profile();
    let p = file.profiles.get_mut("acme").unwrap();
    p.instance_url = "http://127.0.0.1:9".into();
    p.token_url = crate::rules::fields::Endpoint::parse(
        crate::rules::fields::Field::InstanceUrl,
        "the token URL",
        "http://127.0.0.1:9/oauth2/token",
    )
    .unwrap();
    let mut d = viewing(file);
    d.press(KeyCode::Char('e'));
    d.take();
    let profile = d.app.profiles.get("acme").cloned().map(Box::new);
    d.send(Msg::EditReady {
        profile,
        name: "acme".into(),
        secret: Ok(Some(ClientSecret::from(Secret::new("stored".to_string())))),
    });
    assert_eq!(d.step(), Step::Review, "{}", joined(&d, 80, 24));
}

/// The edit starts from the profile as profiles.toml holds it when `e` is pressed, not as the
/// view last drew it (another process may have changed it).
#[test]
fn an_edit_starts_from_the_profile_as_it_is_now() {
    let mut d = viewing(one_profile());
    d.press(KeyCode::Char('e'));
    d.take();
    let mut now = d.app.profiles.get("acme").cloned().unwrap();
    now.client_id = "changed-elsewhere".into();
    now.client_auth = crate::protocol::token::ClientAuth::Basic;
    d.send(Msg::EditReady {
        name: "acme".into(),
        profile: Some(Box::new(now)),
        secret: Ok(Some(ClientSecret::from(Secret::new("stored".to_string())))),
    });
    assert_eq!(d.step(), Step::Review);
    assert!(joined(&d, 80, 24).contains("changed-elsewhere"));
    assert!(
        d.w().saves_untested(),
        "nothing differs from the profile as it is now"
    );
    // And a profile deleted meanwhile goes home.
    let mut d = viewing(one_profile());
    d.press(KeyCode::Char('e'));
    d.take();
    d.send(Msg::EditReady {
        name: "acme".into(),
        profile: None,
        secret: Ok(None),
    });
    assert_eq!(d.app.screen_name(), "home");
}

/// Esc on the save step of an untested edit goes back to the review; it never starts a test.
#[test]
fn esc_on_an_untested_edits_save_returns_to_the_review_without_a_request() {
    let mut d = editing();
    while d.w().review_at != Step::Test {
        d.press(KeyCode::Down);
    }
    d.enter();
    assert_eq!(d.step(), Step::Save);
    d.take();
    d.press(KeyCode::Esc);
    assert_eq!(d.step(), Step::Review);
    assert!(
        !d.take().iter().any(|c| matches!(c, Command::Test { .. })),
        "no token request"
    );
}

/// As on the command line: an edit whose added scope the server does not grant is refused
/// (Enter does not save it); c goes back to the scopes, u saves it on purpose, unverified.
#[test]
fn an_edit_whose_added_scope_is_not_granted_is_refused_unless_saved_unverified() {
    let mut d = editing();
    d.edit(Step::Scopes);
    d.typ("core.supplier.read").enter().enter();
    while d.w().review_at != Step::Test {
        d.press(KeyCode::Down);
    }
    d.enter();
    let mut ok = granted();
    ok.not_granted = vec!["core.supplier.read".into()];
    d.answer_test(Ok(ok));
    let text = joined(&d, 80, 24);
    assert!(text.contains("did not grant core.supplier.read"), "{text}");
    d.enter();
    assert_eq!(d.step(), Step::Test, "Enter does not save a refused edit");
    d.press(KeyCode::Char('u'));
    assert_eq!(d.step(), Step::Save);
    assert!(matches!(
        d.w().verdict(),
        crate::stores::profile::Verdict::Failed(s) if s.contains("core.supplier.read")
    ));
}

/// A screen opened from the view (here: log in again, left with Esc) comes back to the view.
#[test]
fn leaving_log_in_again_returns_to_the_view_it_was_opened_from() {
    let mut file = one_profile();
    let p = file.profiles.get_mut("acme").unwrap();
    p.grant_type = crate::protocol::token::GrantType::AuthorizationCode;
    p.user_grant = Some(crate::stores::profile::UserGrant {
        authorize_url: Some("https://acme.coupahost.com/oauth2/authorizations/new".into()),
        redirect_uris: vec!["http://127.0.0.1:8765/callback".into()],
        ..Default::default()
    });
    let mut d = viewing(file);
    d.press(KeyCode::Char('l'));
    assert!(
        d.app.screen_name().starts_with("login"),
        "{}",
        d.app.screen_name()
    );
    d.press(KeyCode::Esc);
    d.press(KeyCode::Esc);
    assert_eq!(d.app.screen_name(), "profile acme");
}
