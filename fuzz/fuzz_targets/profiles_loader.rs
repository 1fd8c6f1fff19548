#![no_main]
//! The profiles-file loader on arbitrary text: no panic; a rejection names the file.

use libfuzzer_sys::fuzz_target;
use oauth_setup::stores::config_dir::ConfigDir;
use oauth_setup::stores::profile::ProfileStore;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let store = ProfileStore::new(ConfigDir::new("/fuzz"));
    if let Err(e) = store.parse_text(text) {
        assert!(e.to_string().contains("profiles.toml"));
    }
});
