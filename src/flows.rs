//! The use cases both front ends call: sign in, rotate, import and verify. Each returns typed
//! outcomes; the command line and the app put them into words.

pub mod api;
pub(crate) mod import;
pub mod inspect;
pub(crate) mod manage;
pub(crate) mod rotate;
pub(crate) mod show;
pub mod sign_in;
pub(crate) mod verify;
