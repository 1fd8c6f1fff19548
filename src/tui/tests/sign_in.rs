//! The wizard's sign-in step and "log in again", through the pure update: the commands it asks
//! for, pastes, Esc, stale results, and what is saved.

use std::time::Instant;

use ratatui::crossterm::event::KeyCode;

use super::driver::{Driver, ctrl, one_profile};
use super::render::joined;
use crate::flows::sign_in::Progress;
use crate::flows::sign_in::{BrowserOutcome, SignInError, SignInEvent};
use crate::protocol::discovery::Metadata;
use crate::protocol::token::GrantType;
use crate::tui::app::{Entry, Screen};
use crate::tui::command::Command;
use crate::tui::msg::Msg;
use crate::tui::screens::wizard::step::Step;
use crate::tui::widgets::sign_in_panel::PanelState;

/// A Coupa authorization-code setup walked to the review.
fn at_review(public: bool) -> Driver {
    let mut d = Driver::wizard();
    d.enter().typ("acme").enter().press(KeyCode::Down);
    if public {
        d.press(KeyCode::Char('p'));
    }
    d.enter()
        .typ("ERP sync")
        .enter()
        .typ("erp-sync")
        .enter()
        .typ("Jane")
        .press(KeyCode::Tab)
        .typ("Doe")
        .enter()
        .typ("jane@example.com")
        .enter();
    assert_eq!(d.w().scopes.selected, ["offline_access"]);
    d.enter().enter().typ("client-1").enter();
    if !public {
        d.typ("s3cret").enter();
    }
    assert_eq!(d.step(), Step::Review);
    d
}

fn waiting(attempt: u64) -> Msg {
    Msg::SignInProgress {
        attempt,
        update: Progress::Browser(SignInEvent::Waiting {
            url: "https://acme.coupahost.com/oauth2/authorizations/new?x=1".into(),
            redirect_uri: "http://127.0.0.1:8765/callback".into(),
            browser: BrowserOutcome::Opened,
            listener_failed: None,
        }),
        at: Instant::now(),
    }
}

#[test]
fn the_sign_in_step_pastes_cancels_and_ignores_stale_results() {
    let mut d = at_review(false);
    d.take();
    d.enter();
    let cmds = d.take();
    let Some(Command::SignIn { attempt, job }) = cmds.last() else {
        panic!("{cmds:?}");
    };
    let attempt = *attempt;
    assert_eq!(
        job.user_grant.authorize_url.as_deref(),
        Some("https://acme.coupahost.com/oauth2/authorizations/new")
    );
    assert_eq!(job.user_grant.redirect_uris.len(), 3);
    assert_eq!(job.request.secret.as_ref().unwrap().expose(), "s3cret");
    assert!(d.w().is_busy());
    d.send(waiting(attempt));
    assert!(d.w().typing(), "the paste field takes the keys");
    d.typ("http://127.0.0.1:8765/callback?code=abc&state=x")
        .enter();
    assert!(
        matches!(d.take().last(), Some(Command::SignInPaste(t)) if t.starts_with("http://127.0.0.1")),
        "the pasted address goes to the running sign-in"
    );
    d.press(KeyCode::Esc);
    assert!(matches!(d.take().last(), Some(Command::CancelSignIn)));
    let panel = d.w().sign_in.as_ref().unwrap();
    assert!(matches!(panel.state, PanelState::Cancelled));
    // The cancelled run's answer comes late: it changes nothing.
    d.send(Msg::SignedIn {
        attempt,
        result: Box::new(Err(SignInError::CodeExpired)),
    });
    assert!(matches!(
        d.w().sign_in.as_ref().unwrap().state,
        PanelState::Cancelled
    ));
    d.press(KeyCode::Char('r'));
    assert!(
        matches!(d.take().last(), Some(Command::SignIn { attempt: a, .. }) if *a > attempt),
        "r signs in again"
    );
    d.press(KeyCode::Esc).press(KeyCode::Esc);
    assert_eq!(d.step(), Step::Review, "Esc twice: cancel, then back");
}

#[test]
fn a_public_client_skips_the_secret_and_saves_none() {
    let d = at_review(true);
    let account = d.w().draft.account(d.w().provider, d.w().auth).unwrap();
    assert_eq!(
        account.client_auth,
        crate::protocol::token::ClientAuth::None
    );
    assert!(!d.w().route().applies(Step::ClientSecret));
}

#[test]
fn home_logs_in_again_only_for_a_signed_in_profile() {
    let mut file = one_profile();
    let mut d = Driver::new(Entry::Start, file.clone());
    d.take();
    d.press(KeyCode::Char('l'));
    assert!(
        matches!(d.app.screen, Screen::Home(_)),
        "client credentials: nobody to sign in"
    );
    let p = file.profiles.get_mut("acme").unwrap();
    p.grant_type = crate::protocol::token::GrantType::AuthorizationCode;
    p.user_grant = Some(crate::stores::profile::UserGrant {
        authorize_url: Some("https://acme.coupahost.com/oauth2/authorizations/new".into()),
        redirect_uris: vec!["http://127.0.0.1:8765/callback".into()],
        ..Default::default()
    });
    let mut d = Driver::new(Entry::Start, file);
    d.take();
    assert!(d.app.legend().contains(&("l", "log in again")));
    d.press(KeyCode::Char('l'));
    assert!(matches!(d.app.screen, Screen::Login(_)));
    let cmds = d.take();
    let Some(Command::SignIn { job, .. }) = cmds.last() else {
        panic!("{cmds:?}");
    };
    assert!(
        job.secret_of.is_some(),
        "the stored secret is read by the runtime"
    );
    d.press(KeyCode::Esc);
    d.press(KeyCode::Esc);
    assert!(matches!(d.app.screen, Screen::Home(_)));
    assert!(d.take().iter().any(|c| matches!(c, Command::CancelSignIn)));
}

#[test]
fn an_issuer_given_for_a_standard_server_brings_its_grants_and_scopes() {
    let mut d = Driver::wizard();
    d.press(KeyCode::Down).press(KeyCode::Down).enter();
    assert_eq!(d.w().provider.id, "generic");
    assert_eq!(
        d.w().grants(),
        [GrantType::ClientCredentials],
        "no metadata yet"
    );
    d.typ("https://auth.example.com").enter();
    let cmds = d.take();
    let Some(Command::Discover { attempt, issuer }) = cmds.last() else {
        panic!("{cmds:?}");
    };
    assert_eq!(issuer, "https://auth.example.com");
    assert_eq!(d.app.legend()[0], ("Esc", "stop reading"));
    let meta: Metadata = serde_json::from_value(serde_json::json!({
        "issuer": "https://auth.example.com",
        "token_endpoint": "https://auth.example.com/token",
        "authorization_endpoint": "https://login.example.com/authorize",
        "revocation_endpoint": "https://auth.example.com/revoke",
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "scopes_supported": ["openid", "offline_access", "api.read", "api.write"],
        "code_challenge_methods_supported": ["S256"],
    }))
    .unwrap();
    d.send(Msg::Discovered {
        attempt: *attempt,
        result: Box::new(Ok(("https://auth.example.com".into(), meta))),
    });
    assert_eq!(d.step(), Step::GrantType);
    assert_eq!(
        d.w().grants(),
        [GrantType::ClientCredentials, GrantType::AuthorizationCode],
        "no device endpoint: no device code"
    );
    assert_eq!(
        d.w().auth,
        crate::protocol::token::ClientAuth::Post,
        "the server's method"
    );
    let names: Vec<&str> = d
        .w()
        .scopes
        .matches()
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["openid", "offline_access", "api.read", "api.write"]);
    d.press(KeyCode::Down).enter(); // authorization code
    d.enter(); // no name
    d.send(Msg::Paste("api.read offline_access".into())).enter();
    d.enter().typ("app").enter().typ("x").enter();
    assert_eq!(d.step(), Step::Review);
    let account = d.w().draft.account(d.w().provider, d.w().auth).unwrap();
    let g = account.user_grant.unwrap();
    assert_eq!(
        g.authorize_url.as_deref(),
        Some("https://login.example.com/authorize")
    );
    assert_eq!(g.issuer.as_deref(), Some("https://auth.example.com"));
    assert_eq!(account.instance.token_url, "https://auth.example.com/token");
}

/// A client-credentials setup that passed its test, at the save step.
fn at_save() -> Driver {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.enter();
    d.answer_test(Ok(super::driver::granted()));
    d.enter();
    assert_eq!(d.step(), Step::Save);
    d.take();
    d
}

#[test]
fn the_save_step_offers_vault_with_a_preflight_and_a_password_manager() {
    use crate::tui::screens::wizard::{Preflight, SaveFocus};
    let mut d = at_save();
    d.press(KeyCode::Tab).press(KeyCode::Tab);
    assert_eq!(d.w().save.focus, SaveFocus::Store);
    d.press(KeyCode::Char(' ')).press(KeyCode::Char(' '));
    assert_eq!(
        d.w().save.store.kind(),
        crate::stores::secret_store::SecretStoreKind::Vault
    );
    d.press(KeyCode::Tab);
    assert_eq!(d.w().save.focus, SaveFocus::Where, "the address field");
    for _ in 0..40 {
        d.press(KeyCode::Backspace);
    }
    d.typ("vault.example.com").enter();
    assert!(
        d.w()
            .save
            .place
            .error
            .as_deref()
            .unwrap()
            .contains("Vault address")
    );
    for _ in 0..20 {
        d.press(KeyCode::Backspace);
    }
    d.typ("https://vault.example.com:8200").enter();
    let cmds = d.take();
    let Some(Command::CheckVault { attempt, at }) = cmds.last() else {
        panic!("{cmds:?}")
    };
    assert_eq!(at.path, "oauth-setup/acme");
    let attempt = *attempt;
    d.send(Msg::VaultChecked {
        attempt,
        result: Err(crate::stores::secret_store::StoreError::Vault(
            crate::stores::vault::VaultError::Sealed,
        )),
    });
    assert!(matches!(
        &d.w().save.preflight,
        Preflight::Failed(crate::stores::secret_store::StoreError::Vault(
            crate::stores::vault::VaultError::Sealed
        ))
    ));
    assert!(d.take().is_empty(), "nothing saved");
    d.enter();
    let Some(Command::CheckVault { attempt, .. }) = d.take().last().map(|c| match c {
        Command::CheckVault { attempt, at } => Command::CheckVault {
            attempt: *attempt,
            at: at.clone(),
        },
        _ => panic!("{c:?}"),
    }) else {
        panic!()
    };
    d.send(Msg::VaultChecked {
        attempt,
        result: Ok(()),
    });
    let cmds = d.take();
    let Some(Command::Save { new, .. }) = cmds.last() else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        new.secret.vault().unwrap().addr,
        "https://vault.example.com:8200"
    );
    // The password manager: its command is what is saved, checked as a command line.
    let mut d = at_save();
    d.press(KeyCode::Tab)
        .press(KeyCode::Tab)
        .press(KeyCode::Left);
    assert_eq!(
        d.w().save.store.kind(),
        crate::stores::secret_store::SecretStoreKind::Command
    );
    d.press(KeyCode::Tab).typ("pass show 'coupa/acme").enter();
    assert!(
        d.w()
            .save
            .place
            .error
            .as_deref()
            .unwrap()
            .contains("cannot be split")
    );
    d.typ("'").enter();
    let cmds = d.take();
    let Some(Command::Save { new, .. }) = cmds.last() else {
        panic!("{cmds:?}")
    };
    assert_eq!(new.secret.command().unwrap().read, "pass show 'coupa/acme'");
}

#[test]
fn home_imports_a_profile_file() {
    let mut d = Driver::new(Entry::Start, one_profile());
    d.take();
    assert!(d.app.legend().contains(&("i", "import")));
    d.press(KeyCode::Char('i'));
    assert!(d.app.legend().contains(&("Enter", "import")));
    d.typ("/tmp/acme.profile.toml").enter();
    let cmds = d.take();
    assert!(
        matches!(cmds.last(), Some(Command::PlanImport { path, .. }) if path == "/tmp/acme.profile.toml"),
        "{cmds:?}"
    );
    d.send(Msg::Imported(Box::new(Err(
        crate::flows::import::ImportError::Exists("acme".into()),
    ))));
    assert!(matches!(d.take().last(), Some(Command::LoadProfiles)));
    let Screen::Home(h) = &d.app.screen else {
        panic!()
    };
    let dir = crate::stores::config_dir::ConfigDir::new("/tmp/x");
    assert_eq!(
        h.note.as_ref().and_then(|n| n.text(&dir)).unwrap(),
        "import: profile \"acme\" already exists"
    );
    // Esc leaves the path unused.
    d.press(KeyCode::Char('i')).typ("x").press(KeyCode::Esc);
    assert!(d.take().is_empty());
}

/// While the browser sign-in waits, Ctrl+Y sends the address to the clipboard and says so
/// until the next key; Ctrl+O asks for it alone on the plain screen. Both are in the legend.
#[test]
fn the_waiting_address_can_be_copied_or_shown_alone() {
    let url = "https://acme.coupahost.com/oauth2/authorizations/new?x=1";
    let mut d = at_review(false);
    d.take();
    d.enter();
    let cmds = d.take();
    let Some(Command::SignIn { attempt, .. }) = cmds.last() else {
        panic!("no sign-in: {cmds:?}");
    };
    d.send(waiting(*attempt));
    let legend = d.w().keys();
    assert!(legend.contains(&("Ctrl+O", "address alone")), "{legend:?}");
    assert!(legend.contains(&("Ctrl+Y", "copy it")), "{legend:?}");
    d.send(ctrl('y'));
    assert!(
        matches!(d.take()[..], [Command::CopyToClipboard(ref u)] if u == url),
        "the address to the clipboard"
    );
    assert!(joined(&d, 80, 24).contains("sent to the terminal's clipboard"));
    d.typ("a");
    assert!(!joined(&d, 80, 24).contains("sent to the terminal's clipboard"));
    d.send(ctrl('o'));
    assert!(matches!(d.take()[..], [Command::ShowAlone(ref u)] if u == url));
}

/// At 60x18 Vault's refusal and its fix are taller than what the save step has left: the
/// legend offers PgDn, and the end of the message can be scrolled into view.
#[test]
fn a_vault_refusal_at_60x18_scrolls_into_view() {
    let mut d = at_save();
    d.press(KeyCode::Tab).press(KeyCode::Tab);
    d.press(KeyCode::Char(' ')).press(KeyCode::Char(' '));
    d.press(KeyCode::Tab);
    for _ in 0..40 {
        d.press(KeyCode::Backspace);
    }
    d.typ("https://vault.example.com:8200").enter();
    let attempt = match d.take().last() {
        Some(Command::CheckVault { attempt, .. }) => *attempt,
        other => panic!("{other:?}"),
    };
    d.send(Msg::VaultChecked {
        attempt,
        result: Err(crate::stores::secret_store::StoreError::Vault(
            crate::stores::vault::VaultError::Other {
                status: 500,
                errors: "1 error occurred: * internal error: the storage backend could not \
                         complete the request within its deadline; retry later or ask the \
                         operator to look at the server log, where the request id is recorded"
                    .into(),
            },
        )),
    });
    let end = "recorded";
    let first = joined(&d, 60, 18);
    assert!(
        first.contains("✗ Vault"),
        "the refusal is in view first:\n{first}"
    );
    assert!(first.contains("PgDn"), "scrolling is offered:\n{first}");
    let mut seen = first.contains(end);
    for _ in 0..10 {
        d.press(KeyCode::PageDown);
        seen |= joined(&d, 60, 18).contains(end);
    }
    assert!(
        seen,
        "the refusal's words come into view:\n{}",
        joined(&d, 60, 18)
    );
    // And at 80x24 it all fits: nothing to scroll.
    assert!(!joined(&d, 80, 24).contains("PgDn"));
}
