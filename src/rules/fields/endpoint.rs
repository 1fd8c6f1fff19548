//! The rule for every address that receives a credential (token, authorize, device, revocation
//! and Vault endpoints): https, or plain http on a loopback address for local testing; a host;
//! no user name or password in it; no fragment; nothing a terminal would act on. Setup, the app
//! and import all check with it, so a file cannot bring an address setup would refuse.

use url::Url;

use super::{Field, FieldError};
use crate::rules::loopback::is_loopback;
use crate::rules::sanitize;

/// `raw` as an address that may receive `what` (named in the message: "the revocation
/// endpoint").
pub fn parse_endpoint(field: Field, what: &str, raw: &str) -> Result<Url, FieldError> {
    let err = |m: String| FieldError::new(field, format!("{what} {m}"));
    let shown = sanitize::one_line(raw, 120);
    if raw.len() > 2048 || sanitize::has_unsafe(raw) || raw.chars().any(char::is_whitespace) {
        return Err(err(format!(
            "\"{shown}\" is not an address (too long, or it has spaces or control characters)"
        )));
    }
    let url = Url::parse(raw).map_err(|e| err(format!("\"{shown}\" is not an address ({e})")))?;
    let Some(host) = url.host() else {
        return Err(err(format!("\"{shown}\" has no host")));
    };
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(err(format!(
                "{shown} uses http://, which would send credentials unencrypted; use https:// \
                 (plain http only on 127.0.0.1, ::1 and localhost)"
            )));
        }
        other => return Err(err(format!("{shown} uses \"{other}:\"; use https://"))),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(err(format!(
            "{shown} has a user name or password in it; remove the part before '@'"
        )));
    }
    if url.fragment().is_some() {
        return Err(err(format!("{shown} has a '#' fragment; remove it")));
    }
    Ok(url)
}

/// An address that passed [`parse_endpoint`]: the only kind of address a token request, a
/// device authorization or a revocation is sent to. It keeps the text as given (so files and
/// screens show what the user wrote); a profile file that holds anything else does not load.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Endpoint(String);

impl Endpoint {
    /// `raw` as an endpoint, or why not, naming `field` and `what` as [`parse_endpoint`] does.
    pub fn parse(field: Field, what: &str, raw: &str) -> Result<Self, FieldError> {
        parse_endpoint(field, what, raw).map(|_| Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Endpoint {
    type Error = FieldError;

    fn try_from(raw: String) -> Result<Self, FieldError> {
        parse_endpoint(Field::Endpoints, "the token URL", &raw)?;
        Ok(Self(raw))
    }
}

impl From<Endpoint> for String {
    fn from(e: Endpoint) -> String {
        e.0
    }
}

impl std::ops::Deref for Endpoint {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Endpoint {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Endpoint {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Whether `url` is on `host` (the instance's), port aside.
pub fn on_host(url: &Url, host: &str) -> bool {
    url.host_str()
        .is_some_and(|h| h.trim_end_matches('.').eq_ignore_ascii_case(host))
}

/// `scheme://host[:port]` of an address: what a consent names.
pub fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &str) -> Result<Url, FieldError> {
        parse_endpoint(Field::Endpoints, "the revocation endpoint", raw)
    }

    #[test]
    fn https_or_loopback_http_only() {
        assert!(check("https://idp.example.com/revoke").is_ok());
        assert!(check("http://127.0.0.1:9000/revoke").is_ok());
        assert!(check("http://[::1]:9000/revoke").is_ok());
        assert!(check("http://localhost/revoke").is_ok());
        for bad in [
            "http://attacker.example.com/revoke",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,x",
            "https://user:pw@idp.example.com/",
            "https://idp.example.com/#x",
            "https://idp.example.com/\x1b[2J",
            "https://idp.example.com/a b",
            "not a url",
        ] {
            let e = check(bad).unwrap_err();
            assert!(
                e.message.starts_with("the revocation endpoint"),
                "{bad}: {e}"
            );
            assert!(!sanitize::has_unsafe(&e.message), "{e:?}");
        }
    }

    #[test]
    fn host_and_origin() {
        let u = check("https://ACME.coupahost.com:8443/oauth2/revoke").unwrap();
        assert!(on_host(&u, "acme.coupahost.com"));
        assert!(!on_host(&u, "evil.com"));
        assert_eq!(origin_of(&u), "https://acme.coupahost.com:8443");
    }

    /// Only an address that passes the rule becomes an `Endpoint`, also from a file; its text
    /// is kept as written.
    #[test]
    fn an_endpoint_is_only_made_by_the_rule() {
        #[derive(serde::Deserialize)]
        struct F {
            url: Endpoint,
        }
        let read = |raw: &str| toml::from_str::<F>(&format!("url = {raw:?}")).map(|f| f.url);
        let ok = read("https://IdP.example.com:443/token?a=1").unwrap();
        assert_eq!(ok.as_str(), "https://IdP.example.com:443/token?a=1");
        assert_eq!(String::from(ok.clone()), ok.as_str());
        for bad in [
            "http://attacker.example.com/token",
            "file:///etc/passwd",
            "x",
        ] {
            let e = read(bad).unwrap_err().to_string();
            assert!(e.contains("the token URL"), "{bad}: {e}");
            assert!(Endpoint::parse(Field::Endpoints, "it", bad).is_err());
        }
    }
}
