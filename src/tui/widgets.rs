//! What the screens are drawn from: the key tables and their legends, the text and secret
//! fields, the scope picker, the sign-in panel, wrapping, the layout and the theme.

pub(crate) mod keymap;
pub(crate) mod layout;
pub(crate) mod scope_picker;
pub(crate) mod scroll;
pub(crate) mod secret_field;
pub(crate) mod sign_in_panel;
pub(crate) mod text_field;
pub(crate) mod theme;
pub(crate) mod wrap;
