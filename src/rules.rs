//! Pure rules and values: the field checks, the provider presets, the loopback rule, the
//! sanitiser, the secret types, timestamps and timeouts.

pub mod fields;
pub(crate) mod loopback;
pub mod provider;
pub mod sanitize;
pub mod secret;
pub(crate) mod timeouts;
pub(crate) mod timestamp;
pub mod variable;
