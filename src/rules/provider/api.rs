//! What a preset says about the provider's REST API, for `api`: where it lives below the
//! instance, what to ask for, how its lists are paged, and how its rate limit says when to
//! come back. Data, so that no provider is named in code.

use serde::Deserialize;

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiFacts {
    /// The API's root below the instance URL (`/api` for Coupa): a relative PATH is below it.
    #[serde(default)]
    pub base_path: String,
    /// The `Accept` header sent unless the user gives one (Coupa answers XML otherwise).
    #[serde(default = "json")]
    pub accept: String,
    /// The GraphQL endpoint, relative to `base_path`: a request to it sends its fields as a
    /// GraphQL document, and a 200 whose body carries `errors` is a failure.
    #[serde(default)]
    pub graphql_path: Option<String>,
    #[serde(default)]
    pub pages: Pages,
    /// A rate-limit header that says when to come back, besides the standard `Retry-After`.
    #[serde(default)]
    pub rate_limit_reset: Option<ResetHeader>,
}

fn json() -> String {
    "application/json".into()
}

/// How a list comes in pages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pages {
    pub style: PageStyle,
    /// The query parameter of the page size, set to `size` unless the user set it.
    #[serde(default)]
    pub limit_param: Option<String>,
    /// The query parameter of the first record's position (`offset` style).
    #[serde(default)]
    pub offset_param: Option<String>,
    #[serde(default)]
    pub size: Option<u32>,
    /// Where a page's records are in its JSON body, a JSON pointer ("" or none: the body; an
    /// array body is its elements, anything else one record).
    #[serde(default)]
    pub records: String,
}

impl Default for Pages {
    fn default() -> Self {
        Self {
            style: PageStyle::Link,
            limit_param: None,
            offset_param: None,
            size: None,
            records: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageStyle {
    /// RFC 8288: the next page is the `Link` header's `rel="next"`.
    Link,
    /// `offset_param` moves forward by the records received; a page with fewer than the page
    /// size is the last.
    Offset,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetHeader {
    pub header: String,
    pub unit: ResetUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetUnit {
    /// A UNIX time (ServiceNow's `X-RateLimit-Reset`).
    UnixTime,
    /// Seconds from now.
    Seconds,
}
