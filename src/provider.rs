//! Provider presets (Coupa, ServiceNow, any OAuth 2.0 server), loaded from `assets/providers`.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::token::{ClientAuth, Context};

const SOURCES: [(&str, &str); 3] = [
    ("coupa", include_str!("../assets/providers/coupa.toml")),
    (
        "servicenow",
        include_str!("../assets/providers/servicenow.toml"),
    ),
    ("generic", include_str!("../assets/providers/generic.toml")),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub id: String,
    pub display_name: String,
    /// Path of the token endpoint below the instance URL; `None` means the user gives the full
    /// token URL (the generic preset).
    pub token_path: Option<String>,
    pub clients_path: Option<String>,
    pub scopes_path: Option<String>,
    pub default_client_auth: ClientAuth,
    pub grant_types: Vec<String>,
    pub scopes_required: bool,
    pub scopes: Vec<ScopeInfo>,
    pub instance: Option<InstanceRules>,
    pub help: FieldHelp,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceRules {
    pub bare_name_suffix: String,
    pub example: String,
    pub domains: Vec<DomainRule>,
    pub test_marker: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainRule {
    pub suffix: String,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Read,
    Write,
    Delete,
    Special,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeInfo {
    pub name: String,
    pub area: String,
    pub access: Access,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldHelp {
    pub instance_url: String,
    pub grant_type: String,
    pub client_name: String,
    pub login: String,
    pub contact_first_name: String,
    pub contact_last_name: String,
    pub contact_email: String,
    pub scopes: String,
    pub client_id: String,
    pub client_secret: String,
}

impl Provider {
    pub fn all() -> &'static [Provider] {
        static ALL: OnceLock<Vec<Provider>> = OnceLock::new();
        ALL.get_or_init(|| {
            SOURCES
                .iter()
                .map(|(id, text)| match toml::from_str::<Provider>(text) {
                    Ok(p) => p,
                    // The presets are compiled in and checked by a test, so this is a build defect.
                    Err(e) => panic!("built-in preset {id} does not load: {e}"),
                })
                .collect()
        })
    }

    pub fn get(id: &str) -> Option<&'static Provider> {
        Self::all().iter().find(|p| p.id == id)
    }

    pub fn ids() -> Vec<&'static str> {
        Self::all().iter().map(|p| p.id.as_str()).collect()
    }

    pub fn scope(&self, name: &str) -> Option<&ScopeInfo> {
        self.scopes.iter().find(|s| s.name == name)
    }

    /// What a diagnosis may mention for a client of this provider at `instance_url`.
    pub fn diagnosis_context(&self, instance_url: &str, token_url: &str) -> Context {
        Context {
            provider_name: self.display_name.clone(),
            token_url: token_url.to_string(),
            clients_page: self.clients_page(instance_url),
            servicenow: self.id == "servicenow",
        }
    }

    /// The page where an administrator manages clients, when the provider has one.
    pub fn clients_page(&self, instance_url: &str) -> Option<String> {
        self.clients_path
            .as_ref()
            .map(|p| format!("{instance_url}{p}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_loads() {
        assert_eq!(Provider::ids(), ["coupa", "servicenow", "generic"]);
        for p in Provider::all() {
            assert!(!p.display_name.is_empty());
            assert!(p.grant_types.iter().any(|g| g == "client_credentials"));
        }
    }

    #[test]
    fn coupa_catalogue_is_complete_and_unique() {
        let coupa = Provider::get("coupa").unwrap();
        assert!(
            coupa.scopes.len() >= 180,
            "only {} scopes",
            coupa.scopes.len()
        );
        let mut names: Vec<_> = coupa.scopes.iter().map(|s| &s.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), coupa.scopes.len(), "duplicate scope names");
        let common = coupa.scope("core.common.read").unwrap();
        assert_eq!(common.access, Access::Read);
        assert_eq!(common.area, "Common");
        assert_eq!(
            coupa.scope("core.invoice.delete").unwrap().access,
            Access::Delete
        );
        assert_eq!(
            coupa.scope("core.invoice.approval.bypass").unwrap().access,
            Access::Special
        );
        assert_eq!(coupa.token_path.as_deref(), Some("/oauth2/token"));
    }

    #[test]
    fn servicenow_and_generic_token_paths() {
        assert_eq!(
            Provider::get("servicenow").unwrap().token_path.as_deref(),
            Some("/oauth_token.do")
        );
        assert!(Provider::get("generic").unwrap().token_path.is_none());
    }
}
