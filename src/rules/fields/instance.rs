//! The instance URL rule: whatever the user pastes becomes one canonical address.

use crate::rules::loopback::is_loopback;

use url::{Host, Url};

use super::{Endpoint, Field, FieldError, Validated};
use crate::rules::provider::Provider;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// Canonical origin, e.g. `https://acme.coupahost.com` (no path, no trailing slash).
    pub url: String,
    pub host: String,
    /// Where the token request goes.
    pub token_url: Endpoint,
    /// What kind of instance the host is, e.g. "customer instance", when the provider knows it.
    pub label: Option<String>,
    pub is_test: bool,
}

impl Instance {
    pub fn describe(&self) -> String {
        match (&self.label, self.is_test) {
            (Some(l), true) => format!("{l}, test"),
            (Some(l), false) => l.clone(),
            (None, true) => "test instance".into(),
            (None, false) => "other host".into(),
        }
    }
}

fn err(message: impl Into<String>) -> FieldError {
    FieldError::new(Field::InstanceUrl, message)
}

pub fn parse_instance_url(
    input: &str,
    provider: &Provider,
) -> Result<Validated<Instance>, FieldError> {
    let raw = input.trim();
    let example = example_for(provider);
    check_text(raw, provider, &example)?;
    let with_scheme = with_scheme(raw, provider)?;
    let url = Url::parse(&with_scheme).map_err(|e| {
        err(format!(
            "\"{raw}\" is not a web address ({e}); enter e.g. {example}"
        ))
    })?;
    let host = url
        .host()
        .ok_or_else(|| err(format!("\"{raw}\" has no host name; enter e.g. {example}")))?;
    check_scheme(&url, &host)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(err(
            "contains a user name or password; remove the part before '@' \
             (the secret is asked for separately)",
        ));
    }
    let host_text = url
        .host_str()
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_string();
    if host_text.is_empty() {
        return Err(err(format!(
            "\"{raw}\" has no host name; enter e.g. {example}"
        )));
    }
    check_host_length(&host_text)?;
    // host_str() keeps an IPv6 address in brackets, so the origin is always well-formed.
    let origin = match url.port() {
        Some(port) => format!("{}://{host_text}:{port}", url.scheme()),
        None => format!("{}://{host_text}", url.scheme()),
    };
    let mut warnings = Vec::new();
    let token_url = match &provider.token_path {
        Some(path) => format!("{origin}{path}"),
        None => generic_token_url(&url, &origin, &mut warnings)?,
    };
    let token_url = Endpoint::parse(Field::InstanceUrl, "the token URL", &token_url)?;
    let (label, is_test) = classify(provider, &host_text);
    if label.is_none()
        && let Some(w) = outside_domains(provider, &host_text)
    {
        warnings.push(w);
    }
    Ok(Validated {
        value: Instance {
            url: origin,
            host: host_text,
            token_url,
            label,
            is_test,
        },
        warnings,
    })
}

/// DNS limits (RFC 1035 §2.3.4): a name no host can have is refused before any lookup.
fn check_host_length(host: &str) -> Result<(), FieldError> {
    if let Some(label) = host.split('.').find(|l| l.len() > 63) {
        return Err(err(format!(
            "has a name part of {} characters; each part between dots may have at most 63, \
             so check the address",
            label.len()
        )));
    }
    if host.len() > 253 {
        return Err(err(format!(
            "has a host name of {} characters; at most 253 are possible, so check the address",
            host.len()
        )));
    }
    Ok(())
}

/// What is wrong with the text before it is read as an address.
fn check_text(raw: &str, provider: &Provider, example: &str) -> Result<(), FieldError> {
    if raw.is_empty() {
        return Err(err(format!("is empty; enter your address, e.g. {example}")));
    }
    if raw.chars().any(char::is_whitespace) {
        return Err(err(format!(
            "contains spaces; enter one address without spaces, e.g. {example}"
        )));
    }
    if provider.instance.is_some() && !raw.is_ascii() {
        return Err(err(format!(
            "contains non-ASCII characters; {} addresses use only a-z, 0-9, '-' and '.', \
             e.g. {example}",
            provider.display_name
        )));
    }
    Ok(())
}

/// The warning for a host outside the provider's domains, when it has any.
fn outside_domains(provider: &Provider, host: &str) -> Option<String> {
    let rules = provider.instance.as_ref()?;
    let domains: Vec<_> = rules
        .domains
        .iter()
        .map(|d| d.suffix.trim_start_matches('.'))
        .collect();
    Some(format!(
        "{host} is not a {} domain ({}); check the address if this is not intended",
        provider.display_name,
        domains.join(", ")
    ))
}

fn example_for(provider: &Provider) -> String {
    match &provider.instance {
        Some(r) => format!(
            "{} or https://{}{}",
            r.example, r.example, r.bare_name_suffix
        ),
        None => "https://auth.example.com/oauth2/token".into(),
    }
}

/// A bare organisation name gets the provider's domain; anything else without a scheme gets https.
fn with_scheme(raw: &str, provider: &Provider) -> Result<String, FieldError> {
    if raw.contains("://") {
        return Ok(raw.to_string());
    }
    let looks_bare = !raw.contains(['.', ':', '/', '[']);
    match (&provider.instance, looks_bare) {
        (Some(rules), true) => {
            let name = raw.to_ascii_lowercase();
            let valid = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !name.starts_with('-')
                && !name.ends_with('-');
            if !valid {
                return Err(err(format!(
                    "\"{raw}\" is not an organisation name; use letters, digits and '-', \
                     e.g. {}",
                    rules.example
                )));
            }
            Ok(format!("https://{name}{}", rules.bare_name_suffix))
        }
        (None, true) if raw != "localhost" => Err(err(format!(
            "\"{raw}\" is not a full address; enter the token endpoint URL, e.g. {}",
            example_for(provider)
        ))),
        _ => Ok(format!("https://{raw}")),
    }
}

fn check_scheme(url: &Url, host: &Host<&str>) -> Result<(), FieldError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(host) => Ok(()),
        "http" => Err(err(
            "uses http://, which would send the secret unencrypted; use https:// \
             (plain http is allowed only for 127.0.0.1, ::1 and localhost)",
        )),
        other => Err(err(format!("uses \"{other}://\"; use https://"))),
    }
}

fn generic_token_url(
    url: &Url,
    origin: &str,
    warnings: &mut Vec<String>,
) -> Result<String, FieldError> {
    if url.fragment().is_some() {
        return Err(err(
            "contains a '#' fragment; enter the token endpoint URL without it",
        ));
    }
    if url.path() == "/" {
        warnings.push(
            "the address has no path; standard token endpoints look like \
             https://host/oauth2/token (see token_endpoint in /.well-known/openid-configuration)"
                .into(),
        );
    }
    let mut token_url = format!("{origin}{}", url.path());
    if let Some(q) = url.query() {
        token_url.push('?');
        token_url.push_str(q);
    }
    Ok(token_url)
}

fn classify(provider: &Provider, host: &str) -> (Option<String>, bool) {
    let Some(rules) = &provider.instance else {
        return (None, false);
    };
    let label = rules
        .domains
        .iter()
        .find(|d| host.ends_with(&d.suffix))
        .map(|d| d.label.clone());
    let first = host.split('.').next().unwrap_or_default();
    let is_test = rules
        .test_marker
        .as_ref()
        .is_some_and(|m| first.ends_with(m.as_str()));
    (label, is_test)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_no_host_can_have_are_refused() {
        let e = coupa(&"a".repeat(10_000)).unwrap_err();
        assert!(e.message.contains("10000 characters"), "{e}");
        assert!(e.message.contains("at most 63"), "{e}");
        let long: Vec<String> = (0..5).map(|_| "b".repeat(60)).collect();
        let e = coupa(&format!("https://{}.coupahost.com", long.join("."))).unwrap_err();
        assert!(e.message.contains("at most 253"), "{e}");
        assert!(coupa(&"a".repeat(63)).is_ok());
        // Found by the app's random walk: a host of only dots.
        let g = Provider::get("generic").unwrap();
        let e = parse_instance_url("https://./", g).unwrap_err();
        assert!(e.message.contains("has no host name"), "{e}");
    }

    fn coupa(input: &str) -> Result<Validated<Instance>, FieldError> {
        parse_instance_url(input, Provider::get("coupa").unwrap())
    }

    #[test]
    fn what_users_type_becomes_one_canonical_url() {
        for input in [
            "acme",
            "ACME",
            "acme.coupahost.com",
            "HTTPS://Acme.CoupaHost.com/",
            "https://acme.coupahost.com/oauth2/clients/12",
            "  https://acme.coupahost.com  ",
            "acme.coupahost.com/oauth2/clients?page=2#top",
        ] {
            let v = coupa(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(v.value.url, "https://acme.coupahost.com", "{input}");
            assert_eq!(v.value.token_url, "https://acme.coupahost.com/oauth2/token");
            assert_eq!(v.value.label.as_deref(), Some("customer instance"));
            assert!(v.warnings.is_empty(), "{input}: {:?}", v.warnings);
        }
    }

    #[test]
    fn labels_partner_and_test_instances() {
        let demo = coupa("acme.coupacloud.com").unwrap().value;
        assert_eq!(demo.describe(), "partner or demo instance");
        let test = coupa("acme-test").unwrap().value;
        assert_eq!(test.url, "https://acme-test.coupahost.com");
        assert!(test.is_test);
        assert_eq!(test.describe(), "customer instance, test");
    }

    #[test]
    fn foreign_hosts_are_accepted_with_a_warning() {
        let v = coupa("https://coupa.internal.example.com/").unwrap();
        assert_eq!(v.value.url, "https://coupa.internal.example.com");
        assert_eq!(v.warnings.len(), 1);
        assert!(
            v.warnings[0].contains("not a Coupa domain"),
            "{:?}",
            v.warnings
        );
    }

    #[test]
    fn http_only_for_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.3.4.5",
            "http://localhost:9",
            "http://[::1]:443",
        ] {
            let v = coupa(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert!(v.value.url.starts_with("http://"));
        }
        assert_eq!(
            coupa("http://[::1]:8443/x").unwrap().value.url,
            "http://[::1]:8443"
        );
        let e = coupa("http://acme.coupahost.com").unwrap_err();
        assert!(e.message.contains("use https://"), "{e}");
        let e = coupa("ftp://acme.coupahost.com").unwrap_err();
        assert!(e.message.contains("\"ftp://\""), "{e}");
    }

    #[test]
    fn bad_input_names_the_field_and_the_fix() {
        let e = coupa("").unwrap_err();
        assert_eq!(
            e.to_string(),
            "instance URL: is empty; enter your address, e.g. acme or https://acme.coupahost.com"
        );
        assert!(
            coupa("acme corp")
                .unwrap_err()
                .message
                .contains("contains spaces")
        );
        assert!(coupa("acmé").unwrap_err().message.contains("non-ASCII"));
        assert!(
            coupa("acme_corp")
                .unwrap_err()
                .message
                .contains("not an organisation name")
        );
        assert!(
            coupa("-acme")
                .unwrap_err()
                .message
                .contains("not an organisation name")
        );
        assert!(
            coupa("https://user:pw@acme.coupahost.com")
                .unwrap_err()
                .message
                .contains("user name or password")
        );
        assert!(
            coupa("https://")
                .unwrap_err()
                .message
                .contains("not a web address")
        );
    }

    #[test]
    fn servicenow_bare_name() {
        let sn = Provider::get("servicenow").unwrap();
        let v = parse_instance_url("acme", sn).unwrap().value;
        assert_eq!(v.url, "https://acme.service-now.com");
        assert_eq!(v.token_url, "https://acme.service-now.com/oauth_token.do");
    }

    #[test]
    fn generic_keeps_the_full_token_url() {
        let g = Provider::get("generic").unwrap();
        let v = parse_instance_url("https://Auth.Example.com/realms/x/token?a=1", g).unwrap();
        assert_eq!(v.value.url, "https://auth.example.com");
        assert_eq!(
            v.value.token_url,
            "https://auth.example.com/realms/x/token?a=1"
        );
        assert!(v.warnings.is_empty());
        let v = parse_instance_url("auth.example.com", g).unwrap();
        assert!(v.warnings[0].contains("no path"));
        assert!(
            parse_instance_url("acme", g)
                .unwrap_err()
                .message
                .contains("not a full address")
        );
    }
}
