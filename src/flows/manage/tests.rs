//! Properties of rename, copy, edit, default and delete over random sequences, on the file store
//! (which this folder owns whole, so "no orphan entry" can be checked exactly).

use std::collections::BTreeMap;
use std::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::rules::fields::parse_instance_url;
use crate::rules::provider::Provider;
use crate::stores::account::NewProfile;
use crate::stores::config_dir::ConfigDir;
use crate::stores::profile::{ClientForm, NewAccount};

const NAMES: [&str; 4] = ["a", "b", "c", "d"];

#[derive(Debug, Clone)]
enum Op {
    Create(usize, u8),
    Rename(usize, usize),
    Copy(usize, usize),
    Delete(usize),
    Default(usize),
    /// A change the server does not see (the client's name): tokens stay.
    EditForm(usize, u8),
    /// A new secret given with the edit.
    EditSecret(usize, u8),
    /// Some tokens, as a sign-in or a `token` would leave them.
    Session(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let n = 0..NAMES.len();
    prop_oneof![
        (n.clone(), any::<u8>()).prop_map(|(a, s)| Op::Create(a, s)),
        (n.clone(), n.clone()).prop_map(|(a, b)| Op::Rename(a, b)),
        (n.clone(), n.clone()).prop_map(|(a, b)| Op::Copy(a, b)),
        n.clone().prop_map(Op::Delete),
        n.clone().prop_map(Op::Default),
        (n.clone(), any::<u8>()).prop_map(|(a, s)| Op::EditForm(a, s)),
        (n.clone(), any::<u8>()).prop_map(|(a, s)| Op::EditSecret(a, s)),
        n.prop_map(Op::Session),
    ]
}

fn account(form: u8) -> NewAccount {
    let generic = Provider::get("generic").unwrap();
    NewAccount {
        provider: "generic".into(),
        instance: parse_instance_url("http://127.0.0.1:9/token", generic)
            .unwrap()
            .value,
        grant: crate::protocol::token::GrantType::ClientCredentials,
        client_id: "id".into(),
        client_auth: crate::protocol::token::ClientAuth::Post,
        scopes: vec!["read".into()],
        form: ClientForm {
            name: Some(format!("client {form}")),
            ..ClientForm::default()
        },
        user_grant: None,
    }
}

fn new_profile(name: &str, form: u8) -> NewProfile {
    NewProfile {
        name: name.into(),
        account: account(form),
        secret: SecretLocation::File,
        verdict: Verdict::Untested,
        make_default: false,
    }
}

/// What the model expects of one profile: its secret, and whether it holds tokens.
#[derive(Debug, Clone, PartialEq)]
struct Expected {
    secret: String,
    session: bool,
}

fn apply(accounts: &Accounts, model: &mut BTreeMap<String, Expected>, op: &Op) {
    let name = |i: usize| NAMES[i].to_string();
    match op {
        Op::Create(a, s) => {
            let secret = ClientSecret::from(crate::rules::secret::Secret::new(format!("s{s}")));
            let made = accounts.create(&new_profile(&name(*a), 0), &secret);
            assert_eq!(made.is_ok(), !model.contains_key(&name(*a)), "{made:?}");
            model.entry(name(*a)).or_insert(Expected {
                secret: format!("s{s}"),
                session: false,
            });
        }
        Op::Rename(a, b) => {
            let done = rename(accounts, &name(*a), &name(*b));
            let ok = model.contains_key(&name(*a)) && !model.contains_key(&name(*b)) && a != b;
            assert_eq!(done.is_ok(), ok, "{done:?}");
            if ok {
                let moved = model.remove(&name(*a)).unwrap();
                model.insert(name(*b), moved);
            }
        }
        Op::Copy(a, b) => {
            let done = copy(accounts, &name(*a), &name(*b), &CopySecret::Own);
            let ok = model.contains_key(&name(*a)) && !model.contains_key(&name(*b)) && a != b;
            assert_eq!(done.is_ok(), ok, "{done:?}");
            if ok {
                let secret = model[&name(*a)].secret.clone();
                model.insert(
                    name(*b),
                    Expected {
                        secret,
                        session: false,
                    },
                );
            }
        }
        Op::Delete(a) => {
            let done = accounts.delete(&name(*a));
            assert_eq!(done.is_ok(), model.remove(&name(*a)).is_some(), "{done:?}");
        }
        Op::Default(a) => {
            let done = make_default(accounts, &name(*a));
            assert_eq!(done.is_ok(), model.contains_key(&name(*a)), "{done:?}");
        }
        Op::EditForm(a, f) => edit(accounts, model, NAMES[*a], *f, false),
        Op::EditSecret(a, f) => edit(accounts, model, NAMES[*a], *f, true),
        Op::Session(a) => session(accounts, model, NAMES[*a]),
    }
}

/// An edit of the client's name (nothing the server sees), or with a new secret (tested).
fn edit(
    accounts: &Accounts,
    model: &mut BTreeMap<String, Expected>,
    name: &str,
    f: u8,
    given: bool,
) {
    let Some(expected) = model.get_mut(name) else {
        return;
    };
    let file = accounts.load().unwrap();
    let before = file.get(name).unwrap();
    let secret =
        given.then(|| ClientSecret::from(crate::rules::secret::Secret::new(format!("e{f}"))));
    let plan = plan_edit(name, before, &new_profile(name, f), secret);
    let tested = plan.needs_test;
    let verdict = if tested {
        Verdict::Passed
    } else {
        Verdict::Untested
    };
    save_edit(accounts, plan, &verdict, None, false).unwrap();
    if given {
        expected.secret = format!("e{f}");
    }
    // A change the server sees starts without the old tokens.
    expected.session &= !tested;
}

/// A cached token, as `token` leaves it.
fn session(accounts: &Accounts, model: &mut BTreeMap<String, Expected>, name: &str) {
    let Some(expected) = model.get_mut(name) else {
        return;
    };
    let p = accounts.load().unwrap().get(name).cloned().unwrap();
    let token = crate::rules::secret::Secret::new("cached".to_string());
    accounts
        .secrets()
        .set(
            crate::stores::secret_store::LocalStore::File,
            &crate::stores::account::cache_ref(&p.secret_ref),
            &token,
        )
        .unwrap();
    expected.session = true;
}

/// The store as the model says: each profile's secret and tokens are there, nothing else is,
/// and the default names a profile.
fn check(accounts: &Accounts, model: &BTreeMap<String, Expected>) {
    let file = accounts.load().unwrap();
    let names: Vec<&String> = file.profiles.keys().collect();
    assert_eq!(names, model.keys().collect::<Vec<_>>());
    if let Some(d) = &file.default_profile {
        assert!(file.get(d).is_some(), "default {d} is not a profile");
    }
    let mut wanted = Vec::new();
    for (name, p) in &file.profiles {
        let got = accounts.client_secret(p).unwrap();
        assert_eq!(
            got.as_secret().expose(),
            model[name].secret,
            "{name}'s secret"
        );
        wanted.push(p.secret_ref.clone());
        let cached = accounts.cached_token(p).is_some();
        assert_eq!(cached, model[name].session, "{name}'s tokens");
        if cached {
            wanted.push(crate::stores::account::cache_ref(&p.secret_ref));
        }
    }
    let mut entries = accounts.secrets().file_refs().unwrap();
    entries.sort();
    wanted.sort();
    assert_eq!(entries, wanted, "no entry without a profile");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn every_sequence_keeps_the_store_whole(ops in proptest::collection::vec(op(), 1..24)) {
        let tmp = tempfile::tempdir().unwrap();
        let accounts = Accounts::new(ConfigDir::new(tmp.path()), Duration::from_secs(1));
        let mut model = BTreeMap::new();
        for op in &ops {
            apply(&accounts, &mut model, op);
            check(&accounts, &model);
        }
    }
}

type ChangeFn = Box<dyn Fn(&mut NewProfile)>;

/// What the server sees decides the test: a new address, client id, scope or grant is tested;
/// the store and the client's details are not.
#[test]
fn an_edit_is_tested_exactly_when_the_server_would_see_it() {
    let tmp = tempfile::tempdir().unwrap();
    let accounts = Accounts::new(ConfigDir::new(tmp.path()), Duration::from_secs(1));
    let secret = ClientSecret::from(crate::rules::secret::Secret::new("s".to_string()));
    accounts.create(&new_profile("a", 0), &secret).unwrap();
    let before = accounts.load().unwrap().get("a").cloned().unwrap();
    let plan = |change: &dyn Fn(&mut NewProfile)| {
        let mut new = new_profile("a", 0);
        change(&mut new);
        plan_edit("a", &before, &new, None)
    };
    let generic = Provider::get("generic").unwrap();
    let seen: [(&str, ChangeFn, Change); 4] = [
        (
            "token URL",
            Box::new(|n| {
                n.account.instance = parse_instance_url("http://127.0.0.1:8/token", generic)
                    .unwrap()
                    .value;
            }),
            Change::Instance,
        ),
        (
            "client id",
            Box::new(|n| n.account.client_id = "other".into()),
            Change::ClientId,
        ),
        (
            "scopes",
            Box::new(|n| n.account.scopes.push("write".into())),
            Change::Scopes,
        ),
        (
            "client auth",
            Box::new(|n| n.account.client_auth = crate::protocol::token::ClientAuth::Basic),
            Change::ClientAuth,
        ),
    ];
    for (what, change, named) in &seen {
        let p = plan(change.as_ref());
        assert!(p.needs_test, "{what}");
        assert_eq!(p.changes, [*named], "{what}");
    }
    let unseen = plan(&|n| {
        n.secret = SecretLocation::Keyring;
        n.account.form.name = Some("renamed client".into());
    });
    assert!(!unseen.needs_test);
    assert_eq!(unseen.changes, [Change::ClientForm, Change::SecretStore]);
    assert!(plan(&|_| {}).changes.is_empty());
    assert!(
        plan_edit("a", &before, &new_profile("a", 0), Some(secret.clone())).needs_test,
        "a new secret"
    );
}
