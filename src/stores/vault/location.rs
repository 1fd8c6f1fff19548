//! Where a profile's secret lives in Vault: address, KV mount, path and namespace.

use serde::{Deserialize, Serialize};

use crate::rules::fields::{self, Field, FieldError};
use crate::rules::sanitize;

/// `oauth-setup/<profile>`, the default path of a profile's secret.
pub fn default_path(profile: &str) -> String {
    format!("oauth-setup/{profile}")
}

/// The KV version 2 mount used when none is given (Vault's and OpenBao's dev default).
pub const DEFAULT_MOUNT: &str = "secret";

/// The Vault settings the environment names, read once at the edge: the first of
/// `BAO_ADDR`, `VAULT_ADDR` (and of `BAO_NAMESPACE`, `VAULT_NAMESPACE`) that holds more than
/// blanks, trimmed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VaultEnv {
    pub addr: Option<String>,
    pub namespace: Option<String>,
}

impl VaultEnv {
    pub fn from(env: impl Fn(&str) -> Option<String>) -> Self {
        let first = |names: [&str; 2]| names.into_iter().find_map(|n| kept(env(n)));
        Self {
            addr: first(["BAO_ADDR", "VAULT_ADDR"]),
            namespace: first(["BAO_NAMESPACE", "VAULT_NAMESPACE"]),
        }
    }
}

/// What the user gave for a Vault location (an option, a field); each part left out, or
/// blank, comes from the environment or the default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VaultGiven {
    pub addr: Option<String>,
    pub mount: Option<String>,
    pub path: Option<String>,
    pub namespace: Option<String>,
}

/// Why no location could be made of what was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocationError {
    /// No address was given and the environment names none.
    #[error("no Vault address")]
    NoAddress,
    #[error("{}", .0.message)]
    Invalid(FieldError),
}

fn kept(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
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
    /// The location of profile `profile`'s secret: the one rule both front ends use for what
    /// is given, the environment's fallback and the defaults, then [`Self::check`].
    pub fn resolve(
        given: VaultGiven,
        env: &VaultEnv,
        profile: &str,
    ) -> Result<Self, LocationError> {
        let addr = kept(given.addr)
            .or_else(|| env.addr.clone())
            .ok_or(LocationError::NoAddress)?;
        let at = Self {
            addr,
            mount: kept(given.mount).unwrap_or_else(|| DEFAULT_MOUNT.to_string()),
            path: kept(given.path).unwrap_or_else(|| default_path(profile)),
            namespace: kept(given.namespace).or_else(|| env.namespace.clone()),
        };
        at.check().map_err(LocationError::Invalid)?;
        Ok(at)
    }

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
    fn what_is_given_wins_then_the_environment_then_the_defaults() {
        let env = VaultEnv::from(|n| match n {
            "BAO_ADDR" => Some("  ".into()),
            "VAULT_ADDR" => Some(" https://vault.example ".into()),
            "VAULT_NAMESPACE" => Some("team".into()),
            _ => None,
        });
        assert_eq!(env.addr.as_deref(), Some("https://vault.example"));
        let at = VaultLocation::resolve(VaultGiven::default(), &env, "acme").unwrap();
        assert_eq!(
            (at.addr.as_str(), at.mount.as_str(), at.path.as_str()),
            ("https://vault.example", DEFAULT_MOUNT, "oauth-setup/acme")
        );
        assert_eq!(at.namespace.as_deref(), Some("team"));
        let given = VaultGiven {
            addr: Some("https://bao.example".into()),
            mount: Some(" kv ".into()),
            path: Some("".into()),
            namespace: Some("other".into()),
        };
        let at = VaultLocation::resolve(given, &env, "acme").unwrap();
        assert_eq!(
            (at.addr.as_str(), at.mount.as_str(), at.path.as_str()),
            ("https://bao.example", "kv", "oauth-setup/acme")
        );
        assert_eq!(at.namespace.as_deref(), Some("other"));
        let blank = VaultGiven {
            addr: Some(" ".into()),
            ..VaultGiven::default()
        };
        assert_eq!(
            VaultLocation::resolve(blank, &VaultEnv::default(), "acme"),
            Err(LocationError::NoAddress)
        );
        let bad = VaultGiven {
            addr: Some("ftp://x".into()),
            ..VaultGiven::default()
        };
        assert!(matches!(
            VaultLocation::resolve(bad, &env, "acme"),
            Err(LocationError::Invalid(_))
        ));
    }

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
