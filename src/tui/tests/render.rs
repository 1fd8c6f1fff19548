//! Render snapshots of every screen at 80×24 (ratatui TestBackend + insta), and the promise
//! that a hidden secret is never drawn.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

use super::driver::{Driver, ctrl, granted, one_profile, refused};
use crate::protocol::token::OAuthError;
use crate::stores::account::Saved;
use crate::tui::app::{App, Entry, Screen};
use crate::tui::msg::Msg;
use crate::tui::screens::wizard::step::Step;

const SECRET: &str = "HIDDEN-CANARY-42";

pub(super) fn draw(app: &App, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| app.render(f)).unwrap();
    terminal.backend().clone()
}

pub(super) fn screen_text(backend: &TestBackend) -> String {
    let buf = backend.buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[track_caller]
fn snap(name: &str, d: &Driver) {
    let backend = draw(&d.app, 80, 24);
    assert!(
        !screen_text(&backend).contains(SECRET) || secret_revealed(d),
        "{name}: the hidden secret was drawn"
    );
    insta::assert_snapshot!(name, backend);
}

fn secret_revealed(d: &Driver) -> bool {
    match &d.app.screen {
        Screen::Wizard(w) => w.secret.revealed && w.step == Step::ClientSecret,
        _ => false,
    }
}

/// A wizard with every value filled in, at the review.
fn reviewed() -> Driver {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d
}

#[test]
fn every_wizard_step() {
    let mut d = Driver::wizard();
    snap("01_provider", &d);
    d.enter();
    snap("02_instance_empty", &d);
    d.typ("http://acme.coupahost.com").enter();
    snap("02_instance_error", &d);
    let mut d = Driver::wizard();
    d.enter().typ("acme.example.com").enter();
    snap("02_instance_warning", &d);
    let mut d = Driver::wizard();
    d.enter().typ("acme").enter();
    snap("03_grant_type", &d);
    d.enter();
    snap("04_client_name", &d);
    d.typ("ERP invoice sync").enter();
    snap("05_login", &d);
    d.typ("erp-sync").enter();
    snap("06_contact", &d);
    d.typ("Jane").press(KeyCode::Tab).typ("Doe").enter();
    snap("07_contact_email", &d);
    d.typ("jane@example.com").enter();
    snap("08_scopes", &d);
    d.typ("invoice")
        .press(KeyCode::Char(' '))
        .press(KeyCode::Down)
        .press(KeyCode::Char(' '));
    snap("08_scopes_filtered", &d);
    for _ in 0..7 {
        d.press(KeyCode::Backspace);
    }
    d.press(KeyCode::F(2)).enter();
    snap("09_create_client", &d);
    d.enter();
    snap("10_client_id", &d);
    d.typ("client-1").enter();
    d.send(Msg::Paste(format!("{SECRET}\n")));
    snap("11_secret_hidden", &d);
    d.send(ctrl('r'));
    snap("11_secret_revealed", &d);
    d.send(ctrl('r')).enter();
    snap("12_review", &d);
    d.enter();
    snap("13_test_running", &d);
}

#[test]
fn test_results_save_and_done() {
    let mut d = reviewed();
    d.take();
    d.enter();
    d.answer_test(Err(refused(OAuthError::InvalidClient)));
    snap("13_test_failed", &d);
    d.press(KeyCode::Char('r'));
    d.answer_test(Ok(granted()));
    snap("13_test_passed", &d);
    d.enter();
    snap("14_save", &d);
    d.press(KeyCode::Tab)
        .press(KeyCode::Tab)
        .press(KeyCode::Char(' '));
    snap("14_save_file_store", &d);
    d.enter();
    d.send(Msg::Saved(Ok(Saved {
        name: "acme".into(),
        profiles_path: "/home/jane/.config/oauth-setup/profiles.toml".into(),
        secret_location: "file /home/jane/.config/oauth-setup/secrets.toml (unencrypted)".into(),
    })));
    snap("15_done", &d);
}

#[test]
fn other_screens_and_overlays() {
    let mut file = one_profile();
    file.profiles.get_mut("acme").unwrap().last_verification = None;
    let mut d = Driver::new(Entry::Start, file.clone());
    snap("home", &d);
    d.press(KeyCode::Char('?'));
    snap("help_overlay", &d);
    let mut d = Driver::new(Entry::Rotate("acme".into()), file.clone());
    d.send(Msg::Paste(format!("{SECRET}\n")));
    snap("rotate", &d);
    d.enter();
    let refused = Box::new(refused(OAuthError::InvalidClient));
    d.answer_rotation(Err(crate::flows::rotate::RotateError::Refused(refused)));
    snap("rotate_refused", &d);
    let mut d = Driver::wizard();
    d.enter().typ("acme").send(ctrl('c'));
    snap("confirm_quit", &d);
}

#[test]
fn too_small_says_so_and_fits_at_80x24() {
    let d = reviewed();
    let small = screen_text(&draw(&d.app, 40, 10));
    assert!(small.contains("terminal too small (need 60×18"), "{small}");
    assert!(
        !small.contains("Review"),
        "no broken fields below the minimum"
    );
    let full = screen_text(&draw(&d.app, 80, 24));
    assert!(
        full.contains("12/14 Review") && full.contains("Run the live test"),
        "{full}"
    );
    let wide = screen_text(&draw(&d.app, 120, 30));
    assert!(
        wide.contains("✓ Instance URL") && wide.contains("▸ Review"),
        "side list of steps: {wide}"
    );
}

#[test]
fn the_hidden_secret_is_never_in_the_buffer() {
    let mut d = reviewed();
    d.press(KeyCode::Up).enter();
    d.send(Msg::Paste(SECRET.into()));
    for (w, h) in [(80, 24), (60, 18), (200, 60)] {
        assert!(!screen_text(&draw(&d.app, w, h)).contains(SECRET));
    }
    d.send(ctrl('r'));
    assert!(
        screen_text(&draw(&d.app, 80, 24)).contains(SECRET),
        "revealing shows it"
    );
    d.send(ctrl('r'));
    assert!(!screen_text(&draw(&d.app, 80, 24)).contains(SECRET));
}

/// The screens shown in the README (and in assets/screens/) are what the app draws today.
/// Refresh them with OAUTH_SETUP_UPDATE_SCREENS=1 cargo test readme_screens.
#[test]
fn readme_screens_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut scopes = Driver::wizard();
    scopes
        .enter()
        .typ("acme")
        .enter()
        .enter()
        .typ("ERP invoice sync")
        .enter()
        .typ("erp-invoice-sync")
        .enter();
    scopes
        .typ("Jane")
        .press(KeyCode::Tab)
        .typ("Doe")
        .enter()
        .typ("jane.doe@example.com")
        .enter();
    scopes
        .typ("invoice")
        .press(KeyCode::Char(' '))
        .press(KeyCode::Down);
    let review = reviewed();
    let update = std::env::var("OAUTH_SETUP_UPDATE_SCREENS").as_deref() == Ok("1");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for (name, d) in [("scopes", &scopes), ("review", &review)] {
        let text: String = screen_text(&draw(&d.app, 80, 24))
            .lines()
            .map(|l| format!("{}\n", l.trim_end()))
            .collect();
        let path = root.join("assets/screens").join(format!("{name}.txt"));
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        assert_eq!(
            std::fs::read_to_string(&path).unwrap_or_default(),
            text,
            "{} is stale",
            path.display()
        );
        assert!(
            readme.contains(&text),
            "README.md does not show the current {name} screen (copy it from {})",
            path.display()
        );
    }
}

/// The screen's text with wrapped lines joined, so a value split over lines can be found.
pub(super) fn joined(d: &Driver, width: u16, height: u16) -> String {
    screen_text(&draw(&d.app, width, height))
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}
