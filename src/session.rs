//! A profile's tokens over time, in one place: the cached access token (`cache`), the stored
//! refresh token (`refresh_entry`), what one token response leaves to keep (`response`) and
//! the one place that keeps it (`stored`), refreshing under rotation (`refresh`), what the home
//! screen and `list` show of both (`status`), and getting a token for `token` (`get`), which
//! reads the cache, asks the server when it must and keeps the answer.

pub mod cache;
pub mod get;
pub mod refresh;
pub mod refresh_entry;
pub mod response;
pub mod status;
pub mod stored;

pub use response::Session;
