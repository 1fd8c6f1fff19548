//! `api`: a provider's API called with a profile's token, as `token` gets it. A 401 on a cached
//! token gets one new token and one more try; a rate limit's wait is honoured within a bound;
//! a list is followed page by page as the preset says, each page handed on as it comes and
//! then dropped. What happens is reported as typed events; the command line writes them.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::protocol::api::{Answer, Call, Pager, TargetError, records, retry_after};
use crate::protocol::token::{ClientError, Failure, HttpOptions, TokenClient};
use crate::rules::provider::ApiFacts;
use crate::session::get::{GetError, Got, Note, Want, get};
use crate::stores::account::Accounts;
use crate::stores::profile::Profile;

/// The most pages one run follows.
const MAX_PAGES: usize = 100_000;

/// What to send, and how.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub call: Call,
    pub paginate: bool,
    pub graphql: bool,
    /// The most a rate limit may make this run wait, in all.
    pub max_wait: Duration,
    pub want: Want,
}

/// What happened, in order.
#[derive(Debug)]
pub enum Event<'a> {
    /// Something beside the token that was still got (as `token` says it).
    Note(&'a Note),
    /// The server refused the cached token: a new one, and the request again.
    Renewed,
    /// A rate limit asked to wait this long; the request is sent again after it.
    Waiting(Duration),
    /// The answer to one request (each page's), body included.
    Answer(&'a Answer),
    /// A page's records, when paginating.
    Records(Vec<Value>),
}

#[derive(Debug)]
pub struct Done {
    pub status: u16,
    /// A GraphQL answer that carries `errors` (even with a 200).
    pub graphql_errors: bool,
    pub pages: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Token(GetError),
    #[error(transparent)]
    Client(ClientError),
    #[error("the request failed")]
    Send(Failure),
    #[error(transparent)]
    Target(TargetError),
    /// Rate limited beyond the bound (or with no time named).
    #[error("rate limited (HTTP {status})")]
    RateLimited {
        status: u16,
        asked: Option<Duration>,
        bound: Duration,
    },
    /// A page of a list that is not JSON.
    #[error("page {page} is not JSON")]
    NotJson { page: usize },
}

pub async fn run(
    accounts: &Accounts,
    http: &HttpOptions,
    (name, profile): (&str, &Profile),
    facts: &ApiFacts,
    req: ApiRequest,
    sink: &mut dyn FnMut(Event<'_>),
) -> Result<Done, ApiError> {
    let client = TokenClient::new(http.clone()).map_err(ApiError::Client)?;
    let mut got = token(accounts, http, name, profile, req.want, sink).await?;
    let (mut url, pager) = if req.paginate {
        let (first, pager) = Pager::start(&facts.pages, req.call.url.clone());
        (first, Some(pager))
    } else {
        (req.call.url.clone(), None)
    };
    let (mut renewed, mut waited, mut pages) = (false, Duration::ZERO, 0usize);
    // Every page asked for: a server whose next pages come round again would never end.
    let mut fetched = std::collections::HashSet::new();
    loop {
        let call = Call {
            url: url.clone(),
            ..req.call.clone()
        };
        let answer = client
            .api(&call, &got.token.access_token)
            .await
            .map_err(ApiError::Send)?;
        if answer.status == 401 && got.from_cache && !renewed {
            renewed = true;
            accounts.clear_token(profile);
            sink(Event::Renewed);
            got = token(accounts, http, name, profile, req.want, sink).await?;
            continue;
        }
        if let Some(wait) = rate_wait(&answer, facts, waited, req.max_wait)? {
            sink(Event::Waiting(wait));
            tokio::time::sleep(wait).await;
            waited += wait;
            continue;
        }
        pages += 1;
        sink(Event::Answer(&answer));
        let ok = (200..300).contains(&answer.status);
        let graphql_errors = req.graphql && answer.graphql_errors();
        let done = Done {
            status: answer.status,
            graphql_errors,
            pages,
        };
        let Some(pager) = pager.as_ref().filter(|_| ok) else {
            return Ok(done);
        };
        let value: Value =
            serde_json::from_slice(&answer.body).map_err(|_| ApiError::NotJson { page: pages })?;
        let page = records(&facts.pages, value);
        let count = page.len();
        sink(Event::Records(page));
        fetched.insert(url.clone());
        match next_page(pager, &url, &answer, count, &fetched, pages)? {
            Some(next) => url = next,
            None => return Ok(done),
        }
    }
}

/// The page after `url`; refused when it was asked for before or the list runs past
/// `MAX_PAGES`, since such a list would never end.
fn next_page(
    pager: &Pager,
    url: &url::Url,
    answer: &Answer,
    count: usize,
    fetched: &std::collections::HashSet<url::Url>,
    pages: usize,
) -> Result<Option<url::Url>, ApiError> {
    match pager.next(url, answer, count).map_err(ApiError::Target)? {
        Some(next) if fetched.contains(&next) || pages >= MAX_PAGES => {
            Err(ApiError::Target(TargetError::Invalid(format!(
                "the list does not end: page {} would be {next}, asked for before or past {MAX_PAGES} pages",
                pages + 1
            ))))
        }
        other => Ok(other),
    }
}

/// The wait a rate-limited answer asks for, when the bound allows it; `None` for an answer
/// that is not rate limited.
fn rate_wait(
    answer: &Answer,
    facts: &ApiFacts,
    waited: Duration,
    bound: Duration,
) -> Result<Option<Duration>, ApiError> {
    let limited =
        answer.status == 429 || (answer.status == 503 && answer.header("retry-after").is_some());
    if !limited {
        return Ok(None);
    }
    // At least a second each time, so that `Retry-After: 0` cannot make a loop of requests.
    let asked = retry_after(answer, facts.rate_limit_reset.as_ref(), SystemTime::now())
        .map(|w| w.max(Duration::from_secs(1)));
    match asked {
        Some(wait) if waited + wait <= bound => Ok(Some(wait)),
        _ => Err(ApiError::RateLimited {
            status: answer.status,
            asked,
            bound,
        }),
    }
}

async fn token(
    accounts: &Accounts,
    http: &HttpOptions,
    name: &str,
    profile: &Profile,
    want: Want,
    sink: &mut dyn FnMut(Event<'_>),
) -> Result<Got, ApiError> {
    let got = get(accounts, http, name, profile, want)
        .await
        .map_err(ApiError::Token)?;
    for note in &got.notes {
        sink(Event::Note(note));
    }
    Ok(got)
}
