//! The scope picker off the happy path: a plain field without a catalogue, seeing and removing every selected scope, the filter, and messages that wrap.

use ratatui::crossterm::event::KeyCode;

use super::driver::Driver;
use super::render::joined;
use crate::tui::msg::Msg;
use crate::tui::screens::wizard::step::Step;

/// The wizard at the scope step of the provider at `index` in the list.
fn at_scopes(index: usize, instance: &str) -> Driver {
    let mut d = Driver::wizard();
    for _ in 0..index {
        d.press(KeyCode::Down);
    }
    d.enter().typ(instance).enter();
    if d.w().discovering.is_some() {
        d.no_metadata();
    }
    // Grant type, then the optional client name.
    d.enter().enter();
    assert_eq!(d.step(), Step::Scopes);
    d
}

#[test]
fn without_a_catalogue_scopes_are_a_plain_field() {
    for (index, instance) in [(1, "acme"), (2, "https://auth.example.com/oauth2/token")] {
        let mut d = at_scopes(index, instance);
        d.typ("read write,admin").enter();
        assert_eq!(d.step(), Step::CreateClient, "{index}");
        assert_eq!(d.w().draft.scopes(), ["read", "write", "admin"]);
        let legend: Vec<&str> = d.w().keys().iter().map(|(k, _)| *k).collect();
        assert!(
            !legend.contains(&"F2") && !legend.contains(&"Space"),
            "no catalogue keys: {legend:?}"
        );
    }
}

#[test]
fn every_selected_scope_can_be_seen_and_removed() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.edit(Step::Scopes);
    d.send(Msg::Paste("custom.partner.read".into()));
    d.press(KeyCode::Tab);
    let text = joined(&d, 80, 24);
    assert!(
        text.contains("custom.partner.read (not in the catalogue)"),
        "{text}"
    );
    assert!(text.contains("core.common.read"), "{text}");
    // The pasted one is last: go there and remove it.
    for _ in 0..5 {
        d.press(KeyCode::Down);
    }
    d.press(KeyCode::Delete);
    assert_eq!(
        d.w().scopes.selected,
        ["core.common.read", "core.invoice.read"]
    );
    d.enter();
    assert_eq!(d.step(), Step::Review);
    assert_eq!(
        d.w().draft.scopes(),
        ["core.common.read", "core.invoice.read"]
    );
}

#[test]
fn enter_in_the_filter_selects_the_match_and_f3_says_what_it_removed() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.edit(Step::Scopes);
    d.send(Msg::Paste("core.user.read".into()));
    d.press(KeyCode::Tab)
        .press(KeyCode::Delete)
        .press(KeyCode::Delete)
        .press(KeyCode::Delete);
    d.press(KeyCode::Tab).press(KeyCode::Tab);
    assert!(d.w().scopes.selected.is_empty());
    d.typ("invoice.write").enter();
    assert_eq!(
        d.step(),
        Step::Scopes,
        "Enter with a filter selects, it does not leave"
    );
    assert_eq!(d.w().scopes.selected, ["core.invoice.write"]);
    assert_eq!(d.w().scopes.filter.value(), "");
    d.press(KeyCode::F(3));
    let note = d.w().scopes.note.clone().unwrap_or_default();
    assert!(note.contains("; removed core.invoice.write"), "{note}");
    assert!(
        note.starts_with("F3 read-only: added core.invoice.read"),
        "{note}"
    );
}

#[test]
fn status_messages_wrap_instead_of_losing_how_to_go_on() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.edit(Step::Scopes);
    d.send(Msg::Paste(
        "core.brand_new_area_with_a_long_name.read".into(),
    ));
    d.enter();
    assert!(!d.w().scopes.warnings.is_empty());
    for (w, h) in [(60, 18), (80, 24)] {
        let text = joined(&d, w, h);
        assert!(text.contains("(Enter again accepts)"), "{w}x{h}:\n{text}");
    }
}

/// Enter on a filter that matches nothing keeps the filter and says where such a scope goes;
/// changing the filter takes the message away.
#[test]
fn a_filter_matching_nothing_is_kept_and_explained() {
    let mut d = Driver::wizard();
    d.walk_to_review();
    d.edit(Step::Scopes);
    d.typ("Dev").enter();
    assert_eq!(d.step(), Step::Scopes);
    assert_eq!(d.w().scopes.filter.value(), "Dev", "the filter stays");
    let error = d.w().scopes.error.clone().unwrap_or_default();
    assert!(
        error.starts_with("nothing in the catalogue matches \"Dev\""),
        "{error}"
    );
    d.press(KeyCode::Backspace);
    assert_eq!(d.w().scopes.error, None);
}
