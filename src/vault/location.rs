//! Where a profile's secret lives in Vault: address, KV mount, path and namespace.

use serde::{Deserialize, Serialize};

use crate::fields::{self, Field, FieldError};
use crate::sanitize;

/// `oauth-setup/<profile>`, the default path of a profile's secret.
pub fn default_path(profile: &str) -> String {
    format!("oauth-setup/{profile}")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultLocation {
    pub addr: String,
    pub mount: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// The longest mount, path or namespace taken (Vault's own paths are far shorter).
const MAX_PART: usize = 512;

impl VaultLocation {
    /// Every part checked with the rules setup, the app and import share: the address may
    /// receive the Vault token ([`fields::parse_endpoint`]); the mount and path are segments
    /// that stay inside the KV mount once Vault decodes them; the namespace is a plain name.
    pub fn check(&self) -> Result<(), FieldError> {
        fields::parse_endpoint(Field::Vault, "the Vault address", self.addr.trim())?;
        let addr = url::Url::parse(self.addr.trim()).ok();
        if addr.is_some_and(|u| u.query().is_some()) {
            return Err(err("the Vault address has a '?' query; remove it"));
        }
        segments("the Vault mount", &self.mount)?;
        segments("the Vault path", &self.path)?;
        if let Some(ns) = self.ns() {
            let ok = ns.len() <= MAX_PART
                && ns.trim_matches('/').split('/').all(|s| {
                    !s.is_empty()
                        && s != "."
                        && s != ".."
                        && s.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                });
            if !ok {
                return Err(err(format!(
                    "the Vault namespace \"{}\" may hold only letters, digits, '-', '_', '.' and \
                     '/' between names (e.g. team/payments)",
                    sanitize::one_line(ns, 80)
                )));
            }
        }
        Ok(())
    }

    fn base(&self) -> &str {
        self.addr.trim().trim_end_matches('/')
    }

    fn mount(&self) -> &str {
        self.mount.trim_matches('/')
    }

    fn path(&self) -> &str {
        self.path.trim_matches('/')
    }

    pub fn ns(&self) -> Option<&str> {
        self.namespace.as_deref().filter(|n| !n.is_empty())
    }

    /// `<mount>/data/<path>`, as policies and capabilities name it.
    pub fn data_path(&self) -> String {
        format!("{}/data/{}", self.mount(), self.path())
    }

    /// `<addr>/v1/<parts...>`, each segment of the mount and path percent-encoded, so a `?`,
    /// `#` or `%` in a name stays part of the name.
    fn url(&self, parts: &[&str]) -> String {
        let mut out = format!("{}/v1", self.base());
        for part in parts {
            for seg in part.split('/').filter(|s| !s.is_empty()) {
                out.push('/');
                out.extend(percent_encoding::utf8_percent_encode(seg, SEGMENT));
            }
        }
        out
    }

    pub fn data_url(&self) -> String {
        self.url(&[self.mount(), "data", self.path()])
    }

    pub fn metadata_url(&self) -> String {
        self.url(&[self.mount(), "metadata", self.path()])
    }

    pub fn mounts_url(&self) -> String {
        self.url(&["sys/internal/ui/mounts", self.mount(), self.path()])
    }

    pub fn capabilities_url(&self) -> String {
        self.url(&["sys/capabilities-self"])
    }

    pub fn lookup_self_url(&self) -> String {
        self.url(&["auth/token/lookup-self"])
    }

    /// "Vault https://vault:8200, secret/oauth-setup/acme (namespace team)".
    pub fn describe(&self) -> String {
        let ns = self
            .ns()
            .map(|n| format!(" (namespace {n})"))
            .unwrap_or_default();
        format!(
            "Vault {}, {}/{}{ns}",
            self.base(),
            self.mount(),
            self.path()
        )
    }
}

/// What a path segment may not hold unencoded: everything but unreserved characters.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn err(message: impl Into<String>) -> FieldError {
    FieldError::new(Field::Vault, message)
}

/// A mount or path: segments between slashes, none empty, `.` or `..`, also once Vault has
/// percent-decoded them (`%2e%2e`), and none hiding a slash or a control character.
fn segments(what: &str, value: &str) -> Result<(), FieldError> {
    let shown = sanitize::one_line(value, 80);
    let trimmed = value.trim_matches('/');
    if trimmed.is_empty() || value.len() > MAX_PART {
        return Err(err(format!("{what} \"{shown}\" is empty or too long")));
    }
    for seg in trimmed.split('/') {
        let decoded = percent_encoding::percent_decode_str(seg).decode_utf8_lossy();
        let bad = seg.is_empty()
            || matches!(decoded.trim(), "." | "..")
            || decoded.contains(['/', '\\'])
            || sanitize::has_unsafe(&decoded);
        if bad {
            return Err(err(format!(
                "{what} \"{shown}\" has an empty, '.' or '..' part (or a hidden '/'); give \
                 names between single slashes, e.g. oauth-setup/acme"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_built_from_trimmed_parts() {
        let at = VaultLocation {
            addr: "http://127.0.0.1:8200/".into(),
            mount: "/secret/".into(),
            path: "/oauth-setup/acme/".into(),
            namespace: Some(String::new()),
        };
        assert_eq!(
            at.data_url(),
            "http://127.0.0.1:8200/v1/secret/data/oauth-setup/acme"
        );
        assert_eq!(
            at.metadata_url(),
            "http://127.0.0.1:8200/v1/secret/metadata/oauth-setup/acme"
        );
        assert_eq!(
            at.mounts_url(),
            "http://127.0.0.1:8200/v1/sys/internal/ui/mounts/secret/oauth-setup/acme"
        );
        assert_eq!(at.ns(), None, "an empty namespace is none");
        assert_eq!(
            at.describe(),
            "Vault http://127.0.0.1:8200, secret/oauth-setup/acme"
        );
        assert_eq!(default_path("acme"), "oauth-setup/acme");
        assert!(at.check().is_ok());
    }

    fn at(addr: &str, mount: &str, path: &str, ns: Option<&str>) -> VaultLocation {
        VaultLocation {
            addr: addr.into(),
            mount: mount.into(),
            path: path.into(),
            namespace: ns.map(String::from),
        }
    }

    #[test]
    fn parts_that_would_leave_the_mount_are_refused() {
        let ok = "https://vault.example.com:8200";
        for (mount, path) in [
            ("secret", "../../sys/seal"),
            ("secret", "a/%2e%2e/%2E%2e/sys"),
            ("..", "x"),
            ("secret", "a//b"),
            ("secret", "a/./b"),
            ("secret", "a%2fb"),
            ("secret", ""),
            ("secret", "a\x1b[2J"),
        ] {
            let e = at(ok, mount, path, None).check().unwrap_err();
            assert_eq!(e.field, Field::Vault, "{mount} {path}");
            assert!(!sanitize::has_unsafe(&e.message));
        }
        for ns in ["../root", "team\nX", "a b", "a//b"] {
            assert!(at(ok, "secret", "x", Some(ns)).check().is_err(), "{ns}");
        }
        assert!(at(ok, "secret", "x", Some("team/payments")).check().is_ok());
        for addr in [
            "http://vault.example.com:8200",
            "file:///x",
            "https://u:p@v.example.com",
            "https://v.example.com/?x",
        ] {
            assert!(at(addr, "secret", "x", None).check().is_err(), "{addr}");
        }
        assert!(
            at("http://127.0.0.1:8200", "secret", "x", None)
                .check()
                .is_ok()
        );
    }

    #[test]
    fn segments_are_percent_encoded_when_sent() {
        let v = at("https://v.example.com/", "kv", "team a/acme?x#y%41", None);
        assert_eq!(
            v.data_url(),
            "https://v.example.com/v1/kv/data/team%20a/acme%3Fx%23y%2541"
        );
    }
}
