//! Where `api`'s PATH goes: below the API base, from the instance's root, or a full URL on the
//! instance's own origin. Any other origin is refused, since the token goes with the request.

use url::Url;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("{given} is not on the instance's host {instance}; the token is sent only there")]
    OtherHost { given: String, instance: String },
    #[error("{0}")]
    Invalid(String),
}

/// The URL of `path` for an instance at `instance` whose API is at `base_path`.
pub fn resolve(instance: &str, base_path: &str, path: &str) -> Result<Url, TargetError> {
    let instance = Url::parse(instance).map_err(|e| {
        TargetError::Invalid(format!("the profile's instance URL does not parse ({e})"))
    })?;
    if path.is_empty() || path.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(TargetError::Invalid(
            "PATH is empty or holds a space or control character (percent-encode it)".into(),
        ));
    }
    let root = format!("{}://{}", instance.scheme(), host_port(&instance));
    let url = if path.contains("://") {
        Url::parse(path)
            .map_err(|e| TargetError::Invalid(format!("{path} does not parse as a URL ({e})")))?
    } else if path.starts_with('/') {
        Url::parse(&format!("{root}{path}")).map_err(|e| TargetError::Invalid(e.to_string()))?
    } else {
        let base = base_path.trim_end_matches('/');
        Url::parse(&format!("{root}{base}/{path}"))
            .map_err(|e| TargetError::Invalid(e.to_string()))?
    };
    if !same_origin(&url, &instance) || !url.username().is_empty() || url.password().is_some() {
        return Err(TargetError::OtherHost {
            given: url.origin().ascii_serialization(),
            instance: instance.origin().ascii_serialization(),
        });
    }
    Ok(url)
}

/// Scheme, host and port alike (the port as the scheme's default when left out).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

fn host_port(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUPA: &str = "https://acme.coupahost.com";

    #[test]
    fn the_three_forms_of_path() {
        let r = |p| resolve(COUPA, "/api", p).map(|u| u.to_string());
        assert_eq!(
            r("invoices").unwrap(),
            "https://acme.coupahost.com/api/invoices"
        );
        assert_eq!(
            r("invoices?limit=1").unwrap(),
            "https://acme.coupahost.com/api/invoices?limit=1"
        );
        assert_eq!(
            r("/api/users").unwrap(),
            "https://acme.coupahost.com/api/users"
        );
        assert_eq!(
            r("https://acme.coupahost.com/api/x").unwrap(),
            "https://acme.coupahost.com/api/x"
        );
        assert_eq!(
            resolve(
                "https://x.service-now.com/oauth_token.do",
                "/api/now",
                "table/incident"
            )
            .unwrap()
            .as_str(),
            "https://x.service-now.com/api/now/table/incident"
        );
        assert_eq!(
            resolve("http://127.0.0.1:8080", "", "v1/things")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080/v1/things"
        );
    }

    #[test]
    fn another_origin_never() {
        for p in [
            "https://evil.example/api",
            "http://acme.coupahost.com/api",
            "https://acme.coupahost.com:8443/api",
            "https://user:pw@acme.coupahost.com/api",
            "https://acme.coupahost.com.evil.example/",
        ] {
            let e = resolve(COUPA, "/api", p);
            assert!(e.is_err(), "{p}: {e:?}");
        }
        assert!(resolve(COUPA, "/api", "a b").is_err());
        assert!(resolve(COUPA, "/api", "a\nb").is_err());
        assert!(resolve(COUPA, "/api", "").is_err());
        // A path that looks like a host, and dot segments, stay on the instance's host.
        assert_eq!(
            resolve(COUPA, "/api", "//evil.example/x")
                .unwrap()
                .host_str(),
            Some("acme.coupahost.com")
        );
        assert_eq!(
            resolve(COUPA, "/api", "../x").unwrap().as_str(),
            "https://acme.coupahost.com/x"
        );
    }
}
