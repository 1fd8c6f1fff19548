//! Redirect URIs on the loopback interface (RFC 8252 §7.3, §8.3).

use url::{Host, Url};

/// What the wizard's checklist asks the user to register, tried in this order: providers such as
/// Coupa match redirect URIs exactly, so the ports are fixed, with two spread-out fallbacks for
/// when one is taken.
pub const DEFAULT_REDIRECT_URIS: [&str; 3] = [
    "http://127.0.0.1:8765/callback",
    "http://127.0.0.1:18765/callback",
    "http://127.0.0.1:28765/callback",
];

/// A loopback redirect URI. Port 0 means any free port, for servers that accept any loopback
/// port (RFC 8252 §7.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUri {
    pub ip: std::net::IpAddr,
    pub port: u16,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    #[error("\"{0}\" is not a URL; give e.g. http://127.0.0.1:8765/callback")]
    NotUrl(String),
    #[error(
        "{0}: use http://127.0.0.1 (or [::1]): the answer must come to this machine, not over the network"
    )]
    NotLoopback(String),
    #[error(
        "{0}: use 127.0.0.1 instead of localhost (RFC 8252 §8.3: a name can resolve elsewhere); register that URI with the provider"
    )]
    Localhost(String),
    #[error("{0}: a loopback redirect is plain http (the browser never leaves this machine)")]
    NotHttp(String),
    #[error("{0}: a redirect URI has no query or fragment")]
    HasQuery(String),
}

pub fn parse_redirect_uri(text: &str) -> Result<RedirectUri, RedirectError> {
    let text = text.trim();
    let url = Url::parse(text).map_err(|_| RedirectError::NotUrl(text.to_string()))?;
    if url.scheme() != "http" {
        return Err(RedirectError::NotHttp(text.to_string()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(RedirectError::HasQuery(text.to_string()));
    }
    let ip = match url.host() {
        Some(Host::Ipv4(ip)) if ip.is_loopback() => std::net::IpAddr::V4(ip),
        Some(Host::Ipv6(ip)) if ip.is_loopback() => std::net::IpAddr::V6(ip),
        Some(Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => {
            return Err(RedirectError::Localhost(text.to_string()));
        }
        _ => return Err(RedirectError::NotLoopback(text.to_string())),
    };
    Ok(RedirectUri {
        ip,
        port: url.port().unwrap_or(80),
        path: url.path().to_string(),
    })
}

impl RedirectUri {
    /// The URI with the port actually bound.
    pub fn with_port(&self, port: u16) -> String {
        let host = match self.ip {
            std::net::IpAddr::V4(ip) => ip.to_string(),
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        };
        format!("http://{host}:{port}{}", self.path)
    }
}

impl std::fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.with_port(self.port))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_http_only() {
        let r = parse_redirect_uri(" http://127.0.0.1:8765/callback ").unwrap();
        assert_eq!((r.port, r.path.as_str()), (8765, "/callback"));
        assert_eq!(r.to_string(), "http://127.0.0.1:8765/callback");
        assert_eq!(
            parse_redirect_uri("http://[::1]:0/cb")
                .unwrap()
                .with_port(4000),
            "http://[::1]:4000/cb"
        );
        for d in DEFAULT_REDIRECT_URIS {
            assert!(parse_redirect_uri(d).is_ok(), "{d}");
        }
        assert!(matches!(
            parse_redirect_uri("http://localhost:8765/callback"),
            Err(RedirectError::Localhost(_))
        ));
        assert!(matches!(
            parse_redirect_uri("https://127.0.0.1:8765/"),
            Err(RedirectError::NotHttp(_))
        ));
        assert!(matches!(
            parse_redirect_uri("http://10.0.0.1:8765/"),
            Err(RedirectError::NotLoopback(_))
        ));
        assert!(matches!(
            parse_redirect_uri("http://127.0.0.1:8765/?a=b"),
            Err(RedirectError::HasQuery(_))
        ));
        assert!(matches!(
            parse_redirect_uri("callback"),
            Err(RedirectError::NotUrl(_))
        ));
    }
}
