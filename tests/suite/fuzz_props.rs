//! Property tests (bounded, in the normal run): the field rules, the profiles loader and the
//! token-response parser never panic, and every rejection is a clear message.

use oauth_setup::protocol::token::{Context, RawResponse, interpret};
use oauth_setup::rules::fields::{self, Field};
use oauth_setup::rules::provider::Provider;
use oauth_setup::rules::secret::ClientSecret;
use oauth_setup::stores::config_dir::ConfigDir;
use oauth_setup::stores::profile::ProfileStore;
use proptest::prelude::*;
use serde_json::json;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

type Rule = fn(&str) -> Result<String, fields::FieldError>;

fn clear(field: Field, e: &fields::FieldError) {
    let text = e.to_string();
    assert!(text.starts_with(field.label()), "{text}");
    assert!(e.message.len() > 10, "too terse: {text}");
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn instance_rule(input in "\\PC{0,60}|[a-zA-Z0-9:/.\\[\\]@%?#-]{0,60}") {
        for provider in Provider::all() {
            match fields::parse_instance_url(&input, provider) {
                Ok(v) => {
                    let url = &v.value.url;
                    prop_assert!(url.starts_with("https://") || url.starts_with("http://"), "{url}");
                    prop_assert!(!url[8..].contains('/'), "origin only: {url}");
                    prop_assert!(v.value.token_url.starts_with(url.as_str()));
                }
                Err(e) => clear(Field::InstanceUrl, &e),
            }
        }
    }

    #[test]
    fn text_rules(input in "\\PC{0,80}|[\\x00-\\x7f]{0,80}") {
        let checks: [(Field, Rule); 5] = [
            (Field::ClientName, fields::parse_client_name),
            (Field::Login, fields::parse_login),
            (Field::ContactEmail, fields::parse_contact_email),
            (Field::ClientId, fields::parse_client_id),
            (Field::Profile, fields::parse_profile_name),
        ];
        for (field, rule) in checks {
            match rule(&input) {
                Ok(v) => prop_assert!(!v.is_empty() && v.trim() == v),
                Err(e) => clear(field, &e),
            }
        }
        let _ = fields::parse_grant_type(&input);
        let _ = fields::parse_client_auth(&input);
    }

    #[test]
    fn scope_rule(input in "[a-z_., \\n\\t]{0,120}|\\PC{0,60}") {
        for provider in Provider::all() {
            match fields::parse_scopes(&input, provider) {
                Ok(v) => {
                    let mut sorted = v.value.clone();
                    sorted.sort();
                    sorted.dedup();
                    prop_assert_eq!(sorted.len(), v.value.len(), "duplicates kept");
                    prop_assert!(v.value.iter().all(|s| !s.is_empty() && !s.contains([' ', ','])));
                }
                Err(e) => clear(Field::Scopes, &e),
            }
        }
    }

    #[test]
    fn secret_rule_never_echoes(secret in "[A-Za-z0-9]{16,40}", noise in "[\\x00-\\x1f ]{0,4}") {
        let raw = format!("{noise}{secret}{noise}");
        match fields::parse_secret(ClientSecret::new(raw.as_str())) {
            Ok(v) => prop_assert_eq!(v.value.expose().trim(), v.value.expose()),
            Err(e) => {
                prop_assert!(!e.to_string().contains(&secret), "the secret leaked into: {e}");
                clear(Field::ClientSecret, &e);
            }
        }
    }

    #[test]
    fn token_response_parser(
        status in 100u16..600,
        ct in prop_oneof![Just("application/json".to_string()), Just("text/html".to_string()), "\\PC{0,20}"],
        body in prop::collection::vec(any::<u8>(), 0..400),
        truncated in any::<bool>(),
    ) {
        let mut r = RawResponse::default();
        r.status = status;
        r.content_type = Some(ct);
        r.body = body;
        r.truncated = truncated;
        if let Err(f) = interpret(&r) {
            let ctx = Context { provider_name: "Coupa".into(), ..Context::default() };
            prop_assert!(!f.summary(&ctx).is_empty() && !f.fix(&ctx).is_empty());
        }
    }

    #[test]
    fn token_response_json_shapes(
        token in proptest::option::of("[a-z]{0,5}"),
        token_type in proptest::option::of("[A-Za-z]{0,6}"),
        expires in proptest::option::of(prop_oneof![Just(serde_json::json!(-5)), Just(serde_json::json!("12")), Just(serde_json::json!(1.5)), Just(serde_json::json!(3600))]),
        error in proptest::option::of("[a-z_]{0,20}"),
    ) {
        let mut v = serde_json::json!({});
        if let Some(t) = &token { v["access_token"] = serde_json::json!(t); }
        if let Some(t) = &token_type { v["token_type"] = serde_json::json!(t); }
        if let Some(e) = &expires { v["expires_in"] = e.clone(); }
        if let Some(e) = &error { v["error"] = serde_json::json!(e); }
        for status in [200u16, 400, 401] {
            let mut r = RawResponse::default();
            r.status = status;
            r.body = v.to_string().into_bytes();
            let _ = interpret(&r);
        }
    }
}

const VALID: &str = r#"schema_version = 1
default_profile = "acme"

[profiles.acme]
provider = "coupa"
instance_url = "https://acme.coupahost.com"
token_url = "https://acme.coupahost.com/oauth2/token"
grant_type = "client_credentials"
client_id = "id"
client_auth = "client_secret_post"
scopes = ["core.common.read"]
secret_store = "keyring"
secret_ref = "acme-0123456789ab"
created_at = "2026-01-01T00:00:00Z"
"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// A hand-edited file: a valid one with a random cut, insertion or replacement.
    #[test]
    fn profiles_loader(at in 0usize..VALID.len(), cut in 0usize..12, insert in "\\PC{0,6}") {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(ConfigDir::new(dir.path()));
        let mut text = VALID.to_string();
        let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let end = (at + cut).min(text.len());
        let end = (end..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
        text.replace_range(at..end, &insert);
        std::fs::write(store.path(), &text).unwrap();
        match store.load() {
            Ok(file) => prop_assert!(file.schema_version == 2, "read as this version"),
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.contains("profiles.toml"), "{msg}");
            }
        }
        prop_assert_eq!(std::fs::read_to_string(store.path()).unwrap(), text, "loading never writes");
    }
}

/// A valid shared profile file, for the import property to cut and splice.
const SHARED: &str = r#"kind = "oauth-setup profile"
format_version = 1
name = "acme"

[profile]
provider = "generic"
instance_url = "https://auth.example.com"
token_url = "https://auth.example.com/oauth2/token"
grant_type = "client_credentials"
client_id = "id"
client_auth = "client_secret_post"
scopes = ["core.common.read"]
secret_store = "command"

[profile.command]
read = "pass show acme"
"#;

/// Text a hostile file or server might hold.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,8}",
        prop::sample::select(vec![
            "\\u001b[2J".to_string(),
            "\\u202e".to_string(),
            "\\u009b".to_string(),
            "\"".to_string(),
            "http://evil.example".to_string(),
            "../..".to_string(),
            "%2e%2e".to_string(),
        ]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    /// A token response through to the cache entry and the refresh entry, at any request time
    /// and with any lifetime (the overflow of issue 15 lived here).
    #[test]
    fn token_response_through_the_cache(
        token in prop_oneof!["[ -~]{0,20}", "\\PC{0,10}"],
        token_type in prop_oneof![Just("Bearer".to_string()), "[ -~]{0,8}"],
        expires in prop_oneof![any::<u64>().prop_map(|n| json!(n)), any::<i64>().prop_map(|n| json!(n)), Just(json!("18446744073709551615")), Just(json!(1e300))],
        refresh in proptest::option::of("[ -~]{0,20}"),
        refresh_expires in any::<u64>(),
        sent_at in any::<u64>(),
    ) {
        let mut body = json!({"access_token": token, "token_type": token_type, "expires_in": expires, "refresh_token_expires_in": refresh_expires});
        if let Some(r) = refresh {
            body["refresh_token"] = json!(r);
        }
        let mut r = RawResponse::default();
        r.status = 200;
        r.content_type = Some("application/json".into());
        r.body = body.to_string().into_bytes();
        oauth_setup::fuzzing::token_response_through_cache(&r, sent_at);
    }

    /// A profile file with hostile text spliced in: the checks never panic, and the plan shown
    /// to the importer is safe for a terminal.
    #[test]
    fn import_file_through_the_checks(at in 0usize..SHARED.len(), cut in 0usize..8, insert in hostile_text()) {
        let mut text = SHARED.to_string();
        let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let end = (at + cut).min(text.len());
        let end = (end..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
        text.replace_range(at..end, &insert);
        oauth_setup::fuzzing::import_text(&text);
    }

    /// Nothing the sanitiser returns holds a control or bidi character.
    #[test]
    fn sanitizer_output_is_safe(s in "\\PC{0,40}|[\\x00-\\x7f\\u{80}-\\u{9f}\\u{200e}\\u{200f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}\\u{61c}]{0,40}") {
        oauth_setup::fuzzing::sanitizer(&s);
    }
}

/// For the reliability table: how many cases the properties above try per run.
#[test]
fn property_case_counts() {
    crate::support::report::row(
        "property tests: field rules, scopes, secret, token parser (x2), profiles loader, token to cache, import file, sanitiser",
        6 * 300 + 200 + 3 * 300,
        "no panic; every rejection names its field or file",
    );
}
