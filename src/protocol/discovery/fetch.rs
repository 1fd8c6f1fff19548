//! Fetching a server's metadata through the token client (no redirects, timeouts, capped body).

use super::{DiscoveryError, Metadata, candidate_urls, interpret};
use crate::protocol::token::TokenClient;

/// The metadata of `issuer` and the URL it came from, trying each URL form in turn.
pub async fn discover(
    client: &TokenClient,
    issuer: &str,
) -> Result<(String, Metadata), DiscoveryError> {
    let urls = candidate_urls(issuer)?;
    for url in &urls {
        let raw = client
            .get(url)
            .await
            .map_err(|failure| DiscoveryError::Transport {
                url: url.clone(),
                failure,
            })?;
        if let Some(meta) = interpret(issuer, url, &raw)? {
            return Ok((url.clone(), meta));
        }
    }
    Err(DiscoveryError::NotFound { tried: urls })
}
