//! The authorization-code grant's user step (RFC 6749 §4.1, RFC 7636, RFC 8252): the URL the
//! user opens, the loopback listener that receives the answer, the pasted answer, and the browser.
//! The pure parts (PKCE, URL building, callback checks) are apart from the I/O.

mod browser;
mod callback;
mod listener;
mod pkce;
mod redirect;
mod request;

pub use browser::{BrowserPlan, OpenError, SkipReason, open_browser, plan_browser};
pub use callback::{CallbackError, Expected, from_paste, from_query};
pub use listener::{BindError, BindFailure, Listener};
pub use pkce::{Pkce, PkceVerifier, random_token};
pub use redirect::{DEFAULT_REDIRECT_URIS, RedirectError, RedirectUri, parse_redirect_uri};
pub use request::authorization_url;
