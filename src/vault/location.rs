//! Where a profile's secret lives in Vault: address, KV mount, path and namespace.

use serde::{Deserialize, Serialize};

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

impl VaultLocation {
    fn base(&self) -> &str {
        self.addr.trim_end_matches('/')
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

    pub fn data_url(&self) -> String {
        format!("{}/v1/{}", self.base(), self.data_path())
    }

    pub fn metadata_url(&self) -> String {
        format!(
            "{}/v1/{}/metadata/{}",
            self.base(),
            self.mount(),
            self.path()
        )
    }

    pub fn mounts_url(&self) -> String {
        format!(
            "{}/v1/sys/internal/ui/mounts/{}/{}",
            self.base(),
            self.mount(),
            self.path()
        )
    }

    pub fn capabilities_url(&self) -> String {
        format!("{}/v1/sys/capabilities-self", self.base())
    }

    pub fn lookup_self_url(&self) -> String {
        format!("{}/v1/auth/token/lookup-self", self.base())
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
    }
}
