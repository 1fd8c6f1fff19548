//! The screens: home, a profile's view, the setup wizard (also for an edit), and the rotate,
//! verify and sign-in-again screens. Each
//! is a pure update and a view.

pub(crate) mod home;
pub(crate) mod login_screen;
pub(crate) mod profile_view;
pub(crate) mod rotate;
pub(crate) mod verify_screen;
pub(crate) mod wizard;
