//! Authorization server metadata (RFC 8414, OpenID Connect Discovery 1.0): where to look for a
//! server's document, and what to accept from it. Pure; `fetch` does the I/O.

mod fetch;

use serde::{Deserialize, Serialize};
use url::Url;

pub use fetch::discover;

use crate::protocol::token::{ClientAuth, Failure, GrantType, RawResponse};
use crate::rules::loopback::is_loopback;

/// The part of a server's metadata this program uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    pub issuer: String,
    pub token_endpoint: Option<String>,
    pub authorization_endpoint: Option<String>,
    pub device_authorization_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    /// RFC 7662, for `inspect` of an opaque token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint: Option<String>,
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    pub grant_types_supported: Option<Vec<String>>,
    pub scopes_supported: Option<Vec<String>>,
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// RFC 9207: the server sends `iss` with every authorization answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_response_iss_parameter_supported: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    #[error(
        "\"{0}\" is not an issuer URL; give the server's issuer, e.g. https://auth.example.com"
    )]
    BadIssuer(String),
    #[error(
        "{0} uses http://; an issuer must use https:// (plain http only on 127.0.0.1, ::1 and localhost)"
    )]
    NotHttps(String),
    #[error("no metadata document was found; tried {}", .tried.join(", "))]
    NotFound { tried: Vec<String> },
    #[error("{url} redirects to {}; redirects are not followed, so give the issuer it points to", .location.as_deref().unwrap_or("(no Location)"))]
    Redirect {
        url: String,
        location: Option<String>,
    },
    #[error("{url} is not a metadata document ({reason})")]
    NotMetadata { url: String, reason: String },
    #[error(
        "{url} says its issuer is \"{found}\", not \"{expected}\"; use the issuer exactly as the server names it"
    )]
    IssuerMismatch {
        url: String,
        expected: String,
        found: String,
    },
    #[error("{url} lists {field} = {endpoint}, which is not https://; it is not used")]
    InsecureEndpoint {
        url: String,
        field: &'static str,
        endpoint: String,
    },
    #[error("{url} could not be fetched")]
    Transport { url: String, failure: Failure },
}

impl Metadata {
    /// The grants the server offers (RFC 8414 §2: authorization code and implicit when the
    /// document says nothing), as far as this program knows them.
    pub fn grants(&self) -> Vec<GrantType> {
        let named = |g: &str| match g {
            "client_credentials" => Some(GrantType::ClientCredentials),
            "authorization_code" => Some(GrantType::AuthorizationCode),
            "urn:ietf:params:oauth:grant-type:device_code" => Some(GrantType::DeviceCode),
            _ => None,
        };
        match &self.grant_types_supported {
            Some(list) => list.iter().filter_map(|g| named(g)).collect(),
            None => vec![GrantType::AuthorizationCode],
        }
    }

    /// The client authentications the token endpoint takes (RFC 8414 §2: Basic when unsaid).
    pub fn client_auths(&self) -> Vec<ClientAuth> {
        match &self.token_endpoint_auth_methods_supported {
            Some(list) => list
                .iter()
                .filter_map(|m| match m.as_str() {
                    "client_secret_basic" => Some(ClientAuth::Basic),
                    "client_secret_post" => Some(ClientAuth::Post),
                    _ => None,
                })
                .collect(),
            None => vec![ClientAuth::Basic],
        }
    }

    /// Whether PKCE with S256 is advertised (authorization code needs it).
    pub fn supports_s256(&self) -> bool {
        self.code_challenge_methods_supported
            .as_ref()
            .is_some_and(|m| m.iter().any(|x| x == "S256"))
    }
}

/// Plain http on a loopback address (local testing), the one place http is taken.
fn loopback_http(url: &Url) -> bool {
    url.scheme() == "http" && url.host().is_some_and(|h| is_loopback(&h))
}

/// Where the metadata of `issuer` may be, in the order to try: RFC 8414's inserted path, the
/// OpenID Connect appended path, and the inserted form of the OpenID one (RFC 8414 §5).
pub fn candidate_urls(issuer: &str) -> Result<Vec<String>, DiscoveryError> {
    let bad = || DiscoveryError::BadIssuer(issuer.to_string());
    let url = Url::parse(issuer.trim()).map_err(|_| bad())?;
    if url.query().is_some() || url.fragment().is_some() || url.host_str().is_none() {
        return Err(bad());
    }
    match url.scheme() {
        "https" => {}
        "http" if loopback_http(&url) => {}
        "http" => return Err(DiscoveryError::NotHttps(issuer.to_string())),
        _ => return Err(bad()),
    }
    let origin = url.origin().ascii_serialization();
    let path = url.path().trim_end_matches('/');
    let mut urls = vec![
        format!("{origin}/.well-known/oauth-authorization-server{path}"),
        format!("{origin}{path}/.well-known/openid-configuration"),
        format!("{origin}/.well-known/openid-configuration{path}"),
    ];
    urls.dedup();
    Ok(urls)
}

/// What one candidate URL answered: the metadata, or why not. `Ok(None)`: nothing there (try
/// the next form).
pub fn interpret(
    issuer: &str,
    url: &str,
    resp: &RawResponse,
) -> Result<Option<Metadata>, DiscoveryError> {
    let not = |reason: &str| DiscoveryError::NotMetadata {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    match resp.status {
        404 | 410 => return Ok(None),
        300..=399 => {
            return Err(DiscoveryError::Redirect {
                url: url.to_string(),
                location: resp.location.clone(),
            });
        }
        200..=299 => {}
        other => return Err(not(&format!("HTTP {other}"))),
    }
    if resp.truncated {
        return Err(not("it is larger than 1 MiB"));
    }
    let meta: Metadata =
        serde_json::from_slice(&resp.body).map_err(|_| not("the body is not metadata JSON"))?;
    // OpenID Connect Discovery §4.3 and RFC 8414 §3.3: the same string, exactly.
    if meta.issuer != issuer.trim() {
        return Err(DiscoveryError::IssuerMismatch {
            url: url.to_string(),
            expected: issuer.trim().to_string(),
            found: meta.issuer,
        });
    }
    check_endpoints(url, &meta)?;
    Ok(Some(meta))
}

fn check_endpoints(url: &str, meta: &Metadata) -> Result<(), DiscoveryError> {
    let endpoints = [
        ("token_endpoint", &meta.token_endpoint),
        ("authorization_endpoint", &meta.authorization_endpoint),
        (
            "device_authorization_endpoint",
            &meta.device_authorization_endpoint,
        ),
        ("revocation_endpoint", &meta.revocation_endpoint),
        ("introspection_endpoint", &meta.introspection_endpoint),
    ];
    for (field, value) in endpoints {
        let Some(endpoint) = value else { continue };
        let ok = Url::parse(endpoint).is_ok_and(|u| u.scheme() == "https" || loopback_http(&u));
        if !ok {
            return Err(DiscoveryError::InsecureEndpoint {
                url: url.to_string(),
                field,
                endpoint: endpoint.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> RawResponse {
        let mut raw = RawResponse::default();
        raw.status = status;
        raw.content_type = Some("application/json".into());
        raw.body = body.as_bytes().to_vec();
        raw
    }

    #[test]
    fn both_url_forms_in_order() {
        assert_eq!(
            candidate_urls("https://auth.example.com/tenant/").unwrap(),
            [
                "https://auth.example.com/.well-known/oauth-authorization-server/tenant",
                "https://auth.example.com/tenant/.well-known/openid-configuration",
                "https://auth.example.com/.well-known/openid-configuration/tenant",
            ]
        );
        assert_eq!(
            candidate_urls("https://auth.example.com").unwrap().len(),
            2,
            "without a path the OpenID forms are the same URL"
        );
        assert!(matches!(
            candidate_urls("http://auth.example.com"),
            Err(DiscoveryError::NotHttps(_))
        ));
        assert!(candidate_urls("http://127.0.0.1:8080").is_ok());
        assert!(matches!(
            candidate_urls("https://a.example.com/?x=1"),
            Err(DiscoveryError::BadIssuer(_))
        ));
    }

    #[test]
    fn the_issuer_must_match_exactly_and_endpoints_be_https() {
        let url = "https://a.example.com/.well-known/openid-configuration";
        let ok = r#"{"issuer":"https://a.example.com","token_endpoint":"https://a.example.com/token",
            "grant_types_supported":["client_credentials","urn:ietf:params:oauth:grant-type:device_code"],
            "code_challenge_methods_supported":["S256"]}"#;
        let meta = interpret("https://a.example.com", url, &answer(200, ok))
            .unwrap()
            .unwrap();
        assert_eq!(
            meta.grants(),
            [GrantType::ClientCredentials, GrantType::DeviceCode]
        );
        assert!(meta.supports_s256());
        assert_eq!(meta.client_auths(), [ClientAuth::Basic], "RFC 8414 default");
        let e = interpret("https://a.example.com/", url, &answer(200, ok)).unwrap_err();
        assert!(matches!(e, DiscoveryError::IssuerMismatch { .. }), "{e}");
        let plain = ok.replace("https://a.example.com/token", "http://a.example.com/token");
        let e = interpret("https://a.example.com", url, &answer(200, &plain)).unwrap_err();
        assert!(e.to_string().contains("token_endpoint"), "{e}");
        assert!(
            interpret("https://a.example.com", url, &answer(404, ""))
                .unwrap()
                .is_none()
        );
        let html = interpret("https://a.example.com", url, &answer(200, "<html>")).unwrap_err();
        assert!(matches!(html, DiscoveryError::NotMetadata { .. }));
    }
}
