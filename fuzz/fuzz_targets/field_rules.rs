#![no_main]
//! Every field rule on arbitrary input: no panic, and every rejection names its field.

use libfuzzer_sys::fuzz_target;
use oauth_setup::rules::fields::{self, Field};
use oauth_setup::rules::provider::Provider;
use oauth_setup::rules::secret::ClientSecret;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for provider in Provider::all() {
        if let Err(e) = fields::parse_instance_url(&text, provider) {
            assert!(e.to_string().starts_with(Field::InstanceUrl.label()));
        }
        if let Err(e) = fields::parse_scopes(&text, provider) {
            assert!(e.to_string().starts_with(Field::Scopes.label()));
        }
    }
    let _ = fields::parse_client_name(&text);
    let _ = fields::parse_login(&text);
    let _ = fields::parse_contact_email(&text);
    let _ = fields::parse_client_id(&text);
    let _ = fields::parse_profile_name(&text);
    let _ = fields::parse_grant_type(&text);
    let _ = fields::parse_client_auth(&text);
    let _ = fields::parse_secret(ClientSecret::new(text.as_ref()));
});
