#![no_main]
//! A profile file through the checks an import makes before anything is contacted: no panic,
//! and every line shown to the importer is safe for a terminal.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        oauth_setup::fuzzing::import_text(text);
    }
});
