#![no_main]
//! The sanitiser's property: nothing it returns holds a control or bidi character.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    oauth_setup::fuzzing::sanitizer(&String::from_utf8_lossy(data));
});
