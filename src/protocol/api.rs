//! A provider's REST API called with a profile's token (`api`): where a PATH goes (never to
//! another host), the fields as a query or a JSON body, a GraphQL document, the pages of a
//! list, and when a rate limit says to come back. Pure; the sending is
//! `TokenClient::api` and the use case `flows/api.rs`.

mod fields;
mod link;
mod pages;
mod target;
mod wait;

pub use fields::{Field, FieldValue, body_and_query, graphql_body};
pub use link::next_link;
pub use pages::{Pager, records};
pub use target::{TargetError, resolve, same_origin};
pub use wait::retry_after;

/// One request as sent (the token is added by the sender, as a sensitive header).
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub url: url::Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

/// One answer: the status, every header (names lower-case), and the body.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_json(&self) -> bool {
        self.header("content-type").is_some_and(|t| {
            let t = t
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            t == "application/json" || t.ends_with("+json")
        })
    }

    /// A GraphQL answer that reports errors (`errors` a non-empty array), whatever its status.
    pub fn graphql_errors(&self) -> bool {
        serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| {
                v.get("errors")
                    .and_then(|e| e.as_array())
                    .map(|a| !a.is_empty())
            })
            .unwrap_or(false)
    }
}
