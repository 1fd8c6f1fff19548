//! The OAuth protocol: token requests and their answers, the authorization-code and device
//! grants' wire parts, and server metadata.

pub mod api;
pub mod authorize;
pub mod discovery;
pub mod token;
