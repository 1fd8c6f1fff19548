//! The screens: home, the setup wizard, and the rotate, verify and sign-in-again screens. Each
//! is a pure update and a view.

pub(crate) mod home;
pub(crate) mod login_screen;
pub(crate) mod rotate;
pub(crate) mod verify_screen;
pub(crate) mod wizard;
