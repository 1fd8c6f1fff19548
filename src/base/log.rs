//! `-v` diagnostics on stderr. Callers pass only redacted text: the Authorization header,
//! client_secret and token fields never reach here in clear.

use std::sync::atomic::{AtomicU8, Ordering};

static VERBOSITY: AtomicU8 = AtomicU8::new(0);

pub fn set_verbosity(level: u8) {
    VERBOSITY.store(level, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    VERBOSITY.load(Ordering::Relaxed) > 0
}

pub fn debug(message: impl std::fmt::Display) {
    if enabled() {
        crate::tell!("debug: {message}");
    }
}
