//! What a new user meets off the happy path (first found in issue 8's walk): Esc after an
//! invalid value, going back, leaving early, long and pasted values, fixes worded for the app.

use ratatui::crossterm::event::KeyCode;

use super::driver::{Driver, ctrl, granted, one_profile};
use super::render::{draw, joined, screen_text};
use crate::base::exit::ExitCode;
use crate::stores::profile::ProfilesFile;
use crate::tui::app::{Entry, Screen};
use crate::tui::command::Command;
use crate::tui::msg::Msg;
use crate::tui::screens::wizard::Prefill;
use crate::tui::screens::wizard::step::Step;

/// The review row of `step`.
fn row(d: &Driver, step: Step) -> String {
    d.w()
        .review_rows()
        .into_iter()
        .find(|r| r.step == step)
        .map(|r| r.value)
        .unwrap_or_default()
}

#[test]
fn esc_after_an_invalid_value_restores_the_accepted_one() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    // Review → Contact email → an invalid address → Enter (refused) → Esc.
    while d.w().review_at != Step::ContactEmail {
        d.press(KeyCode::Up);
    }
    d.enter().typ("@@").enter();
    assert!(d.w().email.error.is_some());
    d.press(KeyCode::Esc);
    assert_eq!(d.step(), Step::Review);
    assert_eq!(row(&d, Step::ContactEmail), "jane@example.com");
    assert_eq!(d.w().email.value(), "jane@example.com", "the widget too");
    assert!(d.w().email.error.is_none());
    // The same for the secret: an edit left with Esc is not the secret tested.
    while d.w().review_at != Step::ClientSecret {
        d.press(KeyCode::Down);
    }
    d.enter().typ("-more").press(KeyCode::Esc);
    assert_eq!(row(&d, Step::ClientSecret), "6 characters, hidden");
    d.press(KeyCode::Down).enter();
    let cmds = d.take();
    let Some(Command::Test { request, .. }) = cmds.last() else {
        panic!("{cmds:?}")
    };
    assert_eq!(request.secret.as_ref().unwrap().expose(), "s3cret");
    assert_eq!(request.client_id, "client-1");
}

#[test]
fn going_back_before_accepting_keeps_what_was_typed() {
    let mut d = Driver::wizard();
    d.enter().typ("acm").press(KeyCode::Esc).enter();
    assert_eq!(
        d.w().instance.value(),
        "acm",
        "nothing accepted yet: kept as typed"
    );
}

#[test]
fn the_suggested_profile_name_is_free() {
    let mut d = Driver::new(Entry::Wizard(Box::default()), one_profile());
    d.walk_to_review_with_login("other-login");
    d.enter();
    d.answer_test(Ok(granted())).enter();
    assert_eq!(d.step(), Step::Save);
    assert_eq!(d.w().save.name.value(), "acme-2", "acme is taken");
}

#[test]
fn the_delete_prompt_shows_its_own_keys() {
    let mut d = Driver::new(Entry::Start, one_profile());
    d.press(KeyCode::Char('d'));
    let screen = screen_text(&draw(&d.app, 80, 24));
    let footer = screen.lines().last().unwrap_or_default().to_string();
    assert!(footer.contains("y delete"), "{footer}");
    assert!(!footer.contains("n new"), "{footer}");
}

#[test]
fn leaving_before_the_work_is_done_exits_130() {
    let mut d = Driver::wizard();
    d.send(ctrl('c'));
    assert_eq!(
        d.ended.as_ref().map(|e| e.exit_code()),
        Some(ExitCode::Cancelled)
    );

    let mut d = Driver::wizard();
    d.press(KeyCode::Esc);
    assert_eq!(
        d.ended.as_ref().map(|e| e.exit_code()),
        Some(ExitCode::Cancelled)
    );

    let mut d = Driver::new(Entry::Rotate("acme".into()), one_profile());
    d.press(KeyCode::Esc);
    assert_eq!(
        d.ended.as_ref().map(|e| e.exit_code()),
        Some(ExitCode::Cancelled),
        "`rotate acme && deploy` must not deploy after Esc"
    );

    let mut d = Driver::new(Entry::Start, one_profile());
    d.press(KeyCode::Char('q'));
    assert_eq!(d.ended.as_ref().map(|e| e.exit_code()), Some(ExitCode::Ok));
    assert!(matches!(d.app.screen, Screen::Home(_)));
}

#[test]
fn review_wraps_long_values_and_shows_the_token_url_used() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.edit(Step::Scopes);
    let many = "core.user.read core.supplier.read core.purchase_order.read core.requisition.read";
    d.send(Msg::Paste(many.into())).enter();
    assert_eq!(d.step(), Step::Review);
    for (w, h) in [(80, 24), (120, 40)] {
        let text = joined(&d, w, h);
        for scope in many.split(' ') {
            assert!(text.contains(scope), "{w}x{h}: {scope} cut off:\n{text}");
        }
    }

    let mut g = Driver::wizard();
    g.press(KeyCode::Down)
        .press(KeyCode::Down)
        .press(KeyCode::Down)
        .enter();
    g.typ("https://auth.example.com/oauth2/token")
        .enter()
        .no_metadata();
    g.enter()
        .enter()
        .enter()
        .enter()
        .typ("app")
        .enter()
        .typ("x")
        .enter();
    assert_eq!(g.step(), Step::Review);
    let text = joined(&g, 80, 24);
    assert!(
        text.contains("Token URL      https://auth.example.com/oauth2/token"),
        "{text}"
    );
    assert!(text.contains("1 character, hidden"), "{text}");
}

#[test]
fn wording_and_titles() {
    let mut d = Driver::wizard();
    d.press(KeyCode::Down);
    let top = screen_text(&draw(&d.app, 80, 24));
    assert!(
        top.lines()
            .next()
            .unwrap_or_default()
            .contains("new ServiceNow profile"),
        "the title follows the highlighted provider: {top}"
    );
    d.enter().typ("acme").enter().enter().enter().enter();
    assert_eq!(d.step(), Step::CreateClient);
    let text = joined(&d, 80, 24);
    assert!(!text.contains("Name: ;"), "{text}");
    assert!(text.contains("Name: (not given)"), "{text}");
}

fn report(name: &str) -> crate::flows::verify::ProfileReport {
    use crate::flows::verify::{CheckName, Status, check};
    crate::flows::verify::ProfileReport {
        name: name.into(),
        provider: Some("coupa".into()),
        instance_url: Some(format!("https://{name}.coupahost.com")),
        ok: true,
        exit_code: 0,
        checks: [
            CheckName::Profile,
            CheckName::Permissions,
            CheckName::Secret,
            CheckName::Connection,
            CheckName::Token,
            CheckName::Scopes,
        ]
        .into_iter()
        .map(|c| check(c, Status::Ok, format!("{c} of {name} is fine")))
        .collect(),
    }
}

#[test]
fn verify_all_streams_scrolls_and_cancels() {
    let names: Vec<String> = (1..=6).map(|i| format!("p{i}")).collect();
    let mut d = Driver::new(Entry::Verify(names.clone()), one_profile());
    assert!(matches!(d.take()[..], [Command::Verify { .. }]));
    d.send(Msg::Verified {
        index: 0,
        report: Box::new(report("p1")),
    });
    let text = joined(&d, 80, 24);
    assert!(
        text.contains("p1 ✓ ok") && text.contains("p6 | checking"),
        "{text}"
    );
    for (i, name) in names.iter().enumerate().skip(1) {
        d.send(Msg::Verified {
            index: i,
            report: Box::new(report(name)),
        });
    }
    d.send(Msg::VerifyDone(Ok(())));
    assert!(
        !joined(&d, 80, 24).contains("scopes of p6"),
        "six reports do not fit"
    );
    d.press(KeyCode::End);
    let bottom = joined(&d, 80, 24);
    assert!(bottom.contains("scopes of p6 is fine"), "{bottom}");
    // Presses past an end do not pile up: one step back moves at once, from either end.
    for code in [KeyCode::End, KeyCode::PageDown, KeyCode::Down] {
        for _ in 0..5 {
            d.press(code);
        }
        assert_eq!(joined(&d, 80, 24), bottom, "{code:?} stays at the bottom");
        d.press(KeyCode::Up);
        assert_ne!(joined(&d, 80, 24), bottom, "Up after {code:?} moves");
        d.press(KeyCode::End);
    }
    d.press(KeyCode::Home);
    assert!(joined(&d, 80, 24).contains("p1 ✓ ok"));
    let top = joined(&d, 80, 24);
    for _ in 0..5 {
        d.press(KeyCode::PageUp);
    }
    d.press(KeyCode::Down);
    assert_ne!(joined(&d, 80, 24), top, "Down after PgUp at the top moves");

    let mut d = Driver::new(Entry::Verify(names), one_profile());
    d.take();
    d.press(KeyCode::Esc);
    assert!(matches!(d.take()[..], [Command::CancelVerify]));
    assert!(
        d.ended.is_none(),
        "Esc while running cancels the run, not the screen"
    );
    d.send(Msg::Verified {
        index: 0,
        report: Box::new(report("p1")),
    });
    let text = joined(&d, 80, 24);
    assert!(text.contains("cancelled: 0 of 6 done"), "{text}");
    assert!(text.contains("not checked (cancelled)"), "{text}");
}

/// A Coupa setup given on the command line up to a contact email that the rule refuses.
fn given_up_to_a_bad_email() -> Prefill {
    Prefill {
        provider: Some("coupa".into()),
        instance: Some("acme".into()),
        grant: Some("client-credentials".into()),
        client_name: Some("ERP sync".into()),
        login: Some("erp-sync".into()),
        first_name: Some("Jane".into()),
        last_name: Some("Doe".into()),
        email: Some("not-an-address".into()),
        ..Prefill::default()
    }
}

#[test]
fn options_given_on_the_command_line_fill_and_skip_their_steps() {
    let prefill = given_up_to_a_bad_email();
    let d = Driver::new(
        Entry::Wizard(Box::new(prefill.clone())),
        ProfilesFile::default(),
    );
    assert_eq!(
        d.step(),
        Step::ContactEmail,
        "stops at the first value refused"
    );
    assert!(d.w().email.error.is_some(), "and says why");
    let all = Prefill {
        email: Some("jane@example.com".into()),
        scopes: Some("core.common.read".into()),
        client_id: Some("client-1".into()),
        ..prefill
    };
    let d = Driver::new(Entry::Wizard(Box::new(all)), ProfilesFile::default());
    assert_eq!(
        d.step(),
        Step::ClientSecret,
        "the secret is never an option"
    );
    let d = Driver::new(
        Entry::Wizard(Box::new(Prefill {
            grant: Some("client-credentials".into()),
            ..Prefill::default()
        })),
        ProfilesFile::default(),
    );
    assert_eq!(d.step(), Step::Provider, "nothing given: the first step");
}

#[test]
fn pasted_values_say_what_was_changed() {
    let mut d = Driver::wizard();
    d.enter();
    // Two lines are refused, never joined into one value; the field keeps what it had.
    d.typ("ac");
    d.send(Msg::Paste("acme\ncoupahost.com".into()));
    assert_eq!(d.w().instance.value(), "ac");
    let error = d.w().instance.error.clone().unwrap_or_default();
    assert!(error.starts_with("the paste had 2 lines"), "{error}");
    assert!(joined(&d, 80, 24).contains("the paste had 2 lines"));
    d.send(Msg::Paste("me\n".into()));
    assert!(d.w().instance.error.is_none(), "a good paste clears it");
    assert!(d.w().instance.receipt.is_some());
    d.press(KeyCode::Backspace);
    assert!(
        d.w().instance.receipt.is_none(),
        "an edit clears the receipt"
    );
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.edit(Step::ClientId);
    for _ in 0.."client-1".len() {
        d.press(KeyCode::Backspace);
    }
    d.send(Msg::Paste("  client-2 \n".into()));
    let receipt = d.w().client_id.receipt.clone().unwrap_or_default();
    assert_eq!(
        receipt,
        "received 8 characters; surrounding spaces and line breaks were removed"
    );
    assert!(joined(&d, 80, 24).contains("✓ paste: received 8 characters"));
    d.enter();
    assert_eq!(d.w().draft.client_id.as_deref(), Some("client-2"));
}

#[test]
fn someone_with_a_client_skips_its_form_and_the_checklist() {
    let mut d = Driver::wizard();
    d.enter().typ("acme").enter();
    assert_eq!(d.step(), Step::GrantType);
    d.press(KeyCode::Char('h')).enter();
    assert_eq!(
        d.step(),
        Step::Scopes,
        "no name, login, contact or checklist"
    );
    d.send(Msg::Paste("core.common.read".into())).enter();
    assert_eq!(d.step(), Step::ClientId);
    d.typ("client-1").enter().typ("s3cret").enter();
    assert_eq!(d.step(), Step::Review);
    assert_eq!(d.w().route().position(Step::Review), (7, 9));
    let labels: Vec<&str> = d.w().review_rows().iter().map(|r| r.label).collect();
    assert!(!labels.contains(&"Login"), "{labels:?}");
}

#[test]
fn fixes_in_the_app_name_app_actions() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.take();
    d.enter();
    d.answer_test(Err(super::driver::refused(
        crate::protocol::token::OAuthError::InvalidScope,
    )));
    let text = joined(&d, 80, 24);
    assert!(text.contains("press c to ask for fewer"), "{text}");
    assert!(!text.contains("--scopes"), "{text}");
}

#[test]
fn help_is_never_cut() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.edit(Step::Scopes).press(KeyCode::F(1));
    for (w, h) in [(60, 18), (80, 24), (120, 40)] {
        let text = joined(&d, w, h);
        assert!(
            text.contains("Any key closes this help."),
            "{w}x{h}: {text}"
        );
        assert!(text.contains("R W D X"), "{w}x{h}");
    }
}

#[test]
fn an_unusable_keyring_is_found_before_saving_and_the_file_store_preselected() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.enter();
    d.answer_test(Ok(granted())).enter();
    assert!(
        d.take().iter().any(|c| matches!(c, Command::ProbeKeyring)),
        "the save step checks the keyring"
    );
    assert!(joined(&d, 80, 24).contains("checking the OS keyring"));
    d.send(Msg::KeyringProbed(Some(
        crate::stores::secret_store::StoreError::KeyringUnavailable {
            reason: "org.freedesktop.DBus.Error.ServiceUnknown".into(),
        },
    )));
    assert_eq!(d.w().save.store.kind().as_str(), "file");
    let text = joined(&d, 80, 24);
    assert!(
        text.contains("no keyring service (Secret Service) runs"),
        "{text}"
    );
    assert!(
        !text.contains("org.freedesktop"),
        "no raw D-Bus text: {text}"
    );
}

/// A wizard opened from home goes back to home on Esc at its first step, whatever the preset
/// chose for it, and so does each screen opened from home.
#[test]
fn esc_on_the_first_step_of_a_wizard_from_home_returns_home() {
    let mut d = Driver::new(Entry::Start, one_profile());
    d.press(KeyCode::Char('n'));
    assert!(
        d.app.screen_name().starts_with("wizard"),
        "n opens the wizard"
    );
    d.press(KeyCode::Esc);
    assert_eq!(d.app.screen_name(), "home", "overlay: {:?}", d.app.overlay);
    assert!(d.ended.is_none(), "the app goes on");
}

/// The review keeps the row the cursor is on in view at every size, with many scopes: every
/// row can be reached and seen, "Run the live test" included.
#[test]
fn the_review_keeps_its_cursor_row_in_view() {
    let many = "core.accounting.read core.accounting.write core.approval.read \
        core.approval.write core.budget.read core.budget.write core.catalog.read \
        core.catalog.write core.comment.read core.comment.write core.common.write \
        core.contract.read core.contract.write core.expense.read core.expense.write \
        core.integration.read core.integration.write";
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.edit(Step::Scopes);
    d.send(Msg::Paste(many.into()));
    d.enter();
    assert_eq!(d.step(), Step::Review);
    for (w, h) in [(60, 18), (80, 24), (120, 40)] {
        // From the top row down to the last, then back up.
        for _ in 0..20 {
            d.press(KeyCode::Up);
        }
        let rows = d.w().review_rows();
        for (i, row) in rows.iter().enumerate() {
            let screen = screen_text(&draw(&d.app, w, h));
            // Wide screens show the steps at the left, the current one marked too.
            let body = |l: &str| l.rsplit('│').next().unwrap_or(l).to_string();
            let marked: Vec<String> = screen
                .lines()
                .map(body)
                .filter(|l| l.contains('▸'))
                .collect();
            assert_eq!(marked.len(), 1, "{w}x{h} row {i}:\n{screen}");
            assert!(
                marked[0].contains(row.label) || row.step == Step::Test,
                "{w}x{h} row {i} ({}):\n{screen}",
                row.label
            );
            d.press(KeyCode::Down);
        }
        let screen = screen_text(&draw(&d.app, w, h));
        assert!(
            screen.contains("▸ ▶"),
            "{w}x{h}: the live test row:\n{screen}"
        );
    }
    d.press(KeyCode::Home);
    assert_eq!(d.w().review_at, Step::Provider, "Home: the first row");
    d.press(KeyCode::End);
    assert_eq!(d.w().review_at, Step::Test, "End: the live test");
}

/// At the smallest size the scope step keeps a usable list: several catalogue rows, and in the
/// selection every scope the cursor is on is seen (so Del never removes an unseen one). What F3
/// did is said, and is gone after the next change.
#[test]
fn the_scope_step_stays_usable_at_60x18() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.edit(Step::Scopes);
    let screen = screen_text(&draw(&d.app, 60, 18));
    let scope_rows = screen
        .lines()
        .filter(|l| l.contains("[ ]") || l.contains("[x]"))
        .count();
    assert!(scope_rows >= 4, "{scope_rows} rows:\n{screen}");
    assert!(screen.contains("Tab Tab: paste a list"), "{screen}");
    d.press(KeyCode::Tab);
    let selected = d.w().scopes.selected.clone();
    assert!(selected.len() >= 2);
    for name in &selected {
        let screen = screen_text(&draw(&d.app, 60, 18));
        assert!(
            screen.contains(&format!("▸[x] {name}")),
            "{name}:\n{screen}"
        );
        d.press(KeyCode::Down);
    }
    d.press(KeyCode::Tab);
    let screen = screen_text(&draw(&d.app, 60, 18));
    assert!(
        screen.contains("Paste a list"),
        "the paste box, once reached:\n{screen}"
    );
    d.press(KeyCode::Tab);
    d.press(KeyCode::F(3));
    let note = d.w().scopes.note.clone().unwrap_or_default();
    assert!(note.starts_with("F3 read-only: added "), "{note}");
    d.press(KeyCode::Char(' '));
    assert_eq!(
        d.w().scopes.note,
        None,
        "a later change clears what F3 said"
    );
}

/// Home comes back to the row it left from (verify, rotate, log in again), and to a profile
/// just saved, once the profiles are read again.
#[test]
fn home_keeps_its_row_across_the_screens_it_opens() {
    let mut file = one_profile();
    let acme = file.profiles["acme"].clone();
    for name in ["beta", "gamma"] {
        file.profiles.insert(name.into(), acme.clone());
    }
    let mut d = Driver::new(Entry::Start, file.clone());
    d.press(KeyCode::Down).press(KeyCode::Down);
    let name = |d: &Driver| match &d.app.screen {
        Screen::Home(h) => h.current(&d.app.profiles),
        _ => None,
    };
    assert_eq!(name(&d).as_deref(), Some("gamma"));
    for open in [KeyCode::Enter, KeyCode::Char('r')] {
        d.press(open);
        assert!(
            !d.app.screen_name().starts_with("home"),
            "{open:?} opens a screen"
        );
        // Esc stops a running verify first, then leaves.
        while !d.app.screen_name().starts_with("home") {
            d.press(KeyCode::Esc);
        }
        d.send(Msg::Profiles(Ok(file.clone())));
        assert_eq!(name(&d).as_deref(), Some("gamma"), "back from {open:?}");
    }
    // A profile saved or signed in: home is asked for it and finds it once it is read.
    let mut home = crate::tui::screens::home::Home::selecting(Some("beta".into()), None);
    home.reselect(&file);
    assert_eq!(home.current(&file).as_deref(), Some("beta"));
}

/// While the screen says "terminal too small", no key acts on what cannot be seen; once it
/// is big enough again, keys act as before. Ctrl+C still leaves.
#[test]
fn no_key_acts_while_the_terminal_is_too_small() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    let before = d.w().review_at;
    draw(&d.app, 40, 10);
    for code in [
        KeyCode::Up,
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Char('q'),
    ] {
        d.press(code);
        assert_eq!(d.step(), Step::Review, "{code:?} while too small");
        assert_eq!(d.w().review_at, before, "{code:?} while too small");
    }
    assert!(d.ended.is_none());
    draw(&d.app, 80, 24);
    d.press(KeyCode::Up);
    assert_ne!(d.w().review_at, before, "keys act again at 80x24");
    draw(&d.app, 40, 10);
    d.send(ctrl('c')).send(ctrl('c'));
    assert!(d.ended.is_some(), "Ctrl+C twice leaves even when too small");
}

/// A change made from the review returns to it with the live test chosen, so Enter moves on
/// instead of opening the field again.
#[test]
fn enter_after_an_edit_from_the_review_moves_on() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.edit(Step::ClientId);
    d.typ("x").enter();
    assert_eq!(d.step(), Step::Review);
    assert_eq!(d.w().review_at, Step::Test);
    d.enter();
    assert_eq!(d.step(), Step::Test, "Enter runs the live test");
}

/// A bad path keeps the import box open with what went wrong, so the next keys mend the path
/// instead of firing home's hotkeys.
#[test]
fn a_bad_import_path_keeps_the_box_open() {
    let mut d = Driver::new(Entry::Start, one_profile());
    d.press(KeyCode::Char('i')).typ("~/nope.toml").enter();
    assert!(
        d.take()
            .iter()
            .any(|c| matches!(c, Command::PlanImport { path, .. } if path == "~/nope.toml")),
        "the path is read"
    );
    let gone = crate::flows::import::ImportError::Read {
        path: "/home/jane/nope.toml".into(),
        reason: "No such file or directory (os error 2)".into(),
    };
    d.send(Msg::ImportPlanned(Box::new(Err(gone))));
    let open = |d: &Driver| matches!(&d.app.screen, Screen::Home(h) if h.import.is_some());
    assert!(open(&d), "the box stays open");
    assert!(
        joined(&d, 80, 24).contains("No such file"),
        "{}",
        joined(&d, 80, 24)
    );
    d.typ("n");
    assert!(open(&d), "n is typed into the path, not a new profile");
    d.press(KeyCode::Esc);
    assert!(!open(&d));
}

/// At 60x18 the checklist to create a Coupa client is taller than the screen: it says there
/// is more, PgDn reaches its end ("Press Enter when the client exists"), and PgUp its start.
#[test]
fn the_checklist_scrolls_at_60x18() {
    let mut d = Driver::wizard();
    d.enter().typ("acme").enter().enter();
    d.typ("ERP invoice sync").enter().typ("erp-sync").enter();
    d.typ("Jane").press(KeyCode::Tab).typ("Doe").enter();
    d.typ("jane@example.com").enter();
    d.send(Msg::Paste("core.common.read".into()));
    d.enter();
    assert_eq!(d.step(), Step::CreateClient);
    let first = screen_text(&draw(&d.app, 60, 18));
    assert!(first.contains("↓ more below: PgDn"), "{first}");
    assert!(
        first.contains("PgUp PgDn more"),
        "the legend offers it: {first}"
    );
    for _ in 0..10 {
        d.press(KeyCode::PageDown);
        draw(&d.app, 60, 18);
    }
    let end = screen_text(&draw(&d.app, 60, 18));
    assert!(end.contains("Press Enter when the client exists"), "{end}");
    assert!(!end.contains("↓ more below"), "{end}");
    d.press(KeyCode::PageUp);
    assert_ne!(
        screen_text(&draw(&d.app, 60, 18)),
        end,
        "PgUp moves at once"
    );
    let tall = screen_text(&draw(&d.app, 120, 40));
    assert!(
        !tall.contains("PgUp PgDn"),
        "nothing to scroll when it fits: {tall}"
    );
}

/// After verify-all, which profiles failed comes first, above reports taller than the screen.
#[test]
fn verify_all_ends_with_a_summary_of_the_failures() {
    let names: Vec<String> = (1..=4).map(|i| format!("p{i}")).collect();
    let mut d = Driver::new(Entry::Verify(names.clone()), one_profile());
    d.take();
    for (i, name) in names.iter().enumerate() {
        let mut r = report(name);
        if i % 2 == 1 {
            r.ok = false;
        }
        d.send(Msg::Verified {
            index: i,
            report: Box::new(r),
        });
    }
    assert!(!joined(&d, 80, 24).contains("failed:"), "not while it runs");
    d.send(Msg::VerifyDone(Ok(())));
    let text = joined(&d, 60, 18);
    assert!(text.contains("✗ 2 of 4 failed: p2, p4"), "{text}");
}

/// Every given, valid value is taken wherever it comes: after a refused email is mended, the
/// given scopes and client id are taken too, and the wizard lands on the secret. Going back
/// shows a taken step again.
#[test]
fn options_after_a_refused_one_are_taken_too() {
    let prefill = Prefill {
        scopes: Some("core.common.read".into()),
        client_id: Some("client-1".into()),
        ..given_up_to_a_bad_email()
    };
    let mut d = Driver::new(Entry::Wizard(Box::new(prefill)), ProfilesFile::default());
    assert_eq!(d.step(), Step::ContactEmail);
    for _ in 0.."not-an-address".len() {
        d.press(KeyCode::Backspace);
    }
    d.typ("jane@example.com").enter();
    assert_eq!(
        d.step(),
        Step::ClientSecret,
        "scopes and client id were given"
    );
    assert_eq!(d.w().draft.client_id.as_deref(), Some("client-1"));
    d.press(KeyCode::Esc);
    assert_eq!(d.step(), Step::ClientId, "back shows the taken step");
    d.enter();
    assert_eq!(d.step(), Step::ClientSecret);
}

/// What differs between providers comes from their presets: only Coupa's client id field is
/// titled with Coupa's name for it, also after the provider is changed on the first step, and
/// the rules' own messages name no provider's page.
#[test]
fn field_titles_and_rule_messages_carry_no_other_providers_words() {
    let mut d = Driver::wizard();
    assert_eq!(d.w().client_id.label, "Client id (Identifier)", "Coupa's");
    d.press(KeyCode::Down).enter();
    assert_eq!(d.w().provider.id, "servicenow");
    assert_eq!(d.w().client_id.label, "Client id");
    for message in [
        crate::rules::fields::parse_client_id("")
            .unwrap_err()
            .message,
        crate::rules::fields::parse_secret(crate::rules::secret::ClientSecret::new(""))
            .unwrap_err()
            .message,
    ] {
        for coupa in ["Identifier", "ClientSecret", "Show"] {
            assert!(!message.contains(coupa), "{message}");
        }
    }
}

/// A public client is offered only with authorization code highlighted, and a tick does not
/// follow the cursor to a grant that proves the client with its secret.
#[test]
fn the_public_client_box_is_for_authorization_code_only() {
    let mut d = Driver::wizard();
    d.enter().typ("acme").enter();
    assert_eq!(d.step(), Step::GrantType);
    assert!(!d.w().keys().contains(&("p", "public client")));
    d.press(KeyCode::Char('p'));
    assert!(!d.w().draft.public, "p does nothing for client credentials");
    d.press(KeyCode::Down);
    assert!(d.w().keys().contains(&("p", "public client")));
    d.press(KeyCode::Char('p'));
    assert!(d.w().draft.public);
    d.press(KeyCode::Up).enter();
    assert!(!d.w().draft.public, "client credentials has a secret");
}

/// The suggested profile name is replaced by what is typed (it was appended to, "localsnow"),
/// kept by Enter, and edited after a key that moves the cursor.
#[test]
fn the_suggested_profile_name_is_replaced_by_typing() {
    let at_save = || {
        let mut d = Driver::wizard();
        d.walk_to_review().enter();
        d.answer_test(Ok(granted())).enter();
        assert_eq!(d.step(), Step::Save);
        d
    };
    let mut d = at_save();
    let suggested = d.w().save.name.value().to_string();
    assert!(!suggested.is_empty());
    d.typ("snow-test");
    assert_eq!(d.w().save.name.value(), "snow-test");
    let mut d = at_save();
    d.press(KeyCode::End).typ("-2");
    assert_eq!(d.w().save.name.value(), format!("{suggested}-2"));
}

/// The rotate screen's header says when the secret was last replaced as an age, and "just now"
/// once its own rotation is done (it kept saying "never").
#[test]
fn the_rotate_header_follows_the_rotation() {
    let mut file = one_profile();
    file.profiles.get_mut("acme").unwrap().secret_rotated_at = Some("2026-01-01T00:00:00Z".into());
    let mut d = Driver::new(Entry::Rotate("acme".into()), file);
    let before = joined(&d, 80, 24);
    assert!(
        before.contains("last rotated") && before.contains("ago"),
        "{before}"
    );
    assert!(
        !before.contains("2026-01-01T"),
        "an age, not a raw timestamp: {before}"
    );
    d.send(Msg::Paste("n3w-s3cret\n".into()));
    d.enter();
    let location = "file".to_string();
    d.answer_rotation(Ok(crate::flows::rotate::Rotated { location }));
    assert!(
        joined(&d, 80, 24).contains("last rotated just now"),
        "{}",
        joined(&d, 80, 24)
    );
}

/// An import whose profile name is taken asks for another name (a free one suggested), or the
/// same to replace that profile once the new one has passed.
#[test]
fn an_import_name_clash_offers_another_name_or_replacing() {
    let mut d = Driver::new(Entry::Start, one_profile());
    d.press(KeyCode::Char('i'))
        .typ("/tmp/acme.profile.toml")
        .enter();
    d.take();
    let clash = crate::flows::import::ImportError::Exists("acme".into());
    d.send(Msg::ImportPlanned(Box::new(Err(clash))));
    let text = joined(&d, 80, 24);
    assert!(text.contains("a profile named acme exists"), "{text}");
    assert!(text.contains("acme-2"), "a free name is suggested: {text}");
    // Enter takes the suggestion, for the same file.
    d.enter();
    let cmds = d.take();
    assert!(
        matches!(cmds.as_slice(), [Command::PlanImport { path, request }]
            if path == "/tmp/acme.profile.toml"
                && request.name.as_deref() == Some("acme-2")
                && !request.replace),
        "{cmds:?}"
    );
    // The taken name again: a replacement, which the plan then says and asks about.
    d.send(Msg::ImportPlanned(Box::new(Err(
        crate::flows::import::ImportError::Exists("acme".into()),
    ))));
    d.typ("acme").enter();
    let cmds = d.take();
    assert!(
        matches!(cmds.as_slice(), [Command::PlanImport { request, .. }]
            if request.name.as_deref() == Some("acme") && request.replace),
        "{cmds:?}"
    );
    for (w, h) in [(60, 18), (80, 24)] {
        assert!(joined(&d, w, h).contains("Esc"), "{w}x{h}");
    }
}

/// Another provider chosen from the review leaves values to accept again: the live test's row
/// then opens the first of them instead of doing nothing.
#[test]
fn the_live_test_opens_a_value_still_to_be_accepted() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.edit(Step::Provider);
    d.press(KeyCode::Down).enter();
    assert_eq!(d.step(), Step::Review, "{}", joined(&d, 80, 24));
    assert!(
        d.w().draft.instance.is_none(),
        "the other provider's rules apply anew"
    );
    while d.w().review_at != Step::Test {
        d.press(KeyCode::Down);
    }
    d.take();
    d.enter();
    assert_eq!(d.step(), Step::Instance, "{}", joined(&d, 80, 24));
    assert!(d.take().iter().all(|c| !matches!(c, Command::Test { .. })));
}
