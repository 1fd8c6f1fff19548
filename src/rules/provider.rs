//! Provider presets: everything that differs between Coupa, ServiceNow and any OAuth 2.0 server
//! is data in `assets/providers/*.toml` (compiled in) and in `providers/*.toml` of the config
//! folder (the user's own), never a test of the provider's id in code.

mod api;
mod preset;
mod registry;

use serde::Deserialize;

use crate::protocol::token::{ClientAuth, Context, GrantType};

pub use api::{ApiFacts, PageStyle, Pages, ResetHeader, ResetUnit};
pub use preset::{
    Access, DomainRule, FieldHelp, FormField, FormFields, GrantEndpoints, InstanceRules, Need,
    ScopeGrammar, ScopeInfo,
};
pub use registry::{PresetError, install_user_presets};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub id: String,
    pub display_name: String,
    /// Where the provider is listed in the wizard: lower first.
    pub order: u32,
    /// Path of the token endpoint below the instance URL; `None` means the user gives the full
    /// token URL (the generic preset).
    pub token_path: Option<String>,
    pub clients_path: Option<String>,
    pub scopes_path: Option<String>,
    pub default_client_auth: ClientAuth,
    /// The grants the provider offers, each with the endpoints it needs.
    pub grants: std::collections::BTreeMap<GrantType, GrantEndpoints>,
    pub scopes_required: bool,
    #[serde(default)]
    pub scope_grammar: ScopeGrammar,
    /// The scope every useful client needs (the wizard's "minimum" preset).
    pub minimum_scope: Option<String>,
    /// The "create the client" checklist; placeholders: {instance}, {grant}, {client_name},
    /// {login}, {first_name}, {last_name}, {email}, {scopes}. A grant may have its own.
    pub create_client: Vec<String>,
    /// Fix sentences that replace the generic ones, by OAuth error code (`other` for codes
    /// without a sentence of their own).
    #[serde(default)]
    pub fixes: std::collections::BTreeMap<String, String>,
    pub scopes: Vec<ScopeInfo>,
    #[serde(default)]
    pub client_form: FormFields,
    pub instance: Option<InstanceRules>,
    pub help: FieldHelp,
    /// Variables that `exec` and `token --format env` set besides `BEARER_TOKEN`.
    #[serde(default)]
    pub token_env: Vec<String>,
    /// The provider's REST API, for `api`.
    #[serde(default)]
    pub api: ApiFacts,
}

impl Provider {
    pub fn all() -> &'static [Provider] {
        registry::all()
    }

    pub fn get(id: &str) -> Option<&'static Provider> {
        Self::all().iter().find(|p| p.id == id)
    }

    /// Whether a preset has this id, without loading the presets when only built-in ones exist.
    pub fn is_known(id: &str) -> bool {
        registry::is_known(id)
    }

    /// The preset's own token variables (`token_env`), parsing no other preset: `exec` runs per
    /// job and should start as quickly as `token`.
    pub fn token_env(id: &str) -> Vec<String> {
        registry::token_env(id)
    }

    pub fn ids() -> Vec<&'static str> {
        Self::all().iter().map(|p| p.id.as_str()).collect()
    }

    pub fn scope(&self, name: &str) -> Option<&ScopeInfo> {
        self.scopes.iter().find(|s| s.name == name)
    }

    /// Whether a field of the client form is asked for, and how.
    pub fn need(&self, field: FormField) -> Need {
        self.client_form.need(field)
    }

    /// What a diagnosis may mention for a client of this provider at `instance_url`.
    pub fn diagnosis_context(&self, instance_url: &str, token_url: &str) -> Context {
        Context {
            provider_name: self.display_name.clone(),
            token_url: token_url.to_string(),
            clients_page: self.clients_page(instance_url),
            fixes: self.fixes.clone(),
            surface: crate::protocol::token::Surface::CommandLine,
        }
    }

    /// The diagnosis context for a client of the provider `id`, or a neutral one when no preset
    /// has that id (a profile written by a version with other presets).
    pub fn context_for(id: &str, instance_url: &str, token_url: &str) -> Context {
        match Self::get(id) {
            Some(p) => p.diagnosis_context(instance_url, token_url),
            None => Context {
                provider_name: "The server".into(),
                token_url: token_url.to_string(),
                ..Context::default()
            },
        }
    }

    /// The page where an administrator manages clients, when the provider has one.
    pub fn clients_page(&self, instance_url: &str) -> Option<String> {
        self.clients_path
            .as_ref()
            .map(|p| format!("{instance_url}{p}"))
    }

    /// The checklist lines with the placeholders filled in.
    /// This preset as the server's metadata describes it: its scopes to pick from, and its
    /// client authentication.
    pub fn with_metadata(&self, meta: &crate::protocol::discovery::Metadata) -> Self {
        let mut p = self.clone();
        if let Some(listed) = &meta.scopes_supported {
            p.scopes = listed
                .iter()
                .map(|name| ScopeInfo {
                    name: name.clone(),
                    area: "Listed by the server".into(),
                    access: Access::guess(name),
                    description: None,
                })
                .collect();
        }
        if let Some(auth) = meta.client_auths().first() {
            p.default_client_auth = *auth;
        }
        p
    }

    /// Whether `grant` can be set up: a user grant needs its endpoint, from this preset or from
    /// the server's metadata.
    pub fn can_set_up(
        &self,
        grant: GrantType,
        meta: Option<&crate::protocol::discovery::Metadata>,
    ) -> bool {
        let Some(g) = self.grants.get(&grant) else {
            return false;
        };
        let listed = meta.is_none_or(|m| m.grants().contains(&grant));
        let endpoint = match grant {
            GrantType::ClientCredentials => true,
            GrantType::AuthorizationCode => {
                g.authorize_path.is_some()
                    || meta.is_some_and(|m| m.authorization_endpoint.is_some())
            }
            GrantType::DeviceCode => {
                g.device_authorization_path.is_some()
                    || meta.is_some_and(|m| m.device_authorization_endpoint.is_some())
            }
        };
        listed && endpoint
    }

    pub fn create_client_lines(
        &self,
        grant: Option<GrantType>,
        values: &[(&str, &str)],
    ) -> Vec<String> {
        let lines = grant
            .and_then(|g| self.grants.get(&g))
            .and_then(|g| g.create_client.as_ref())
            .unwrap_or(&self.create_client);
        lines
            .iter()
            .map(|line| {
                values.iter().fold(line.clone(), |l, (key, value)| {
                    l.replace(&format!("{{{key}}}"), value)
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_loads_in_order() {
        assert_eq!(Provider::ids(), ["coupa", "servicenow", "generic"]);
        for p in Provider::all() {
            assert!(!p.display_name.is_empty());
            assert!(p.grants.contains_key(&GrantType::ClientCredentials));
            assert!(!p.create_client.is_empty());
        }
    }

    /// The contact step asks both names at once; its help never says a sentence twice.
    #[test]
    fn the_contact_help_says_each_sentence_once() {
        for p in Provider::all() {
            let help = p.help.contact();
            // Two sentences that open alike ("Coupa's …. Coupa's …") say one thing twice.
            let sentences: Vec<&str> = help
                .split(". ")
                .filter_map(|s| s.split_whitespace().next())
                .collect();
            let mut unique = sentences.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), sentences.len(), "{}: {help}", p.id);
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
        let minimum = coupa.minimum_scope.as_deref().unwrap();
        assert!(
            coupa.scope(minimum).is_some(),
            "the minimum is in the catalogue"
        );
    }

    #[test]
    fn grants_carry_their_endpoints() {
        let coupa = Provider::get("coupa").unwrap();
        let code = &coupa.grants[&GrantType::AuthorizationCode];
        assert_eq!(
            code.authorize_path.as_deref(),
            Some("/oauth2/authorizations/new")
        );
        assert_eq!(code.refresh_scope.as_deref(), Some("offline_access"));
        assert_eq!(
            coupa.grants[&GrantType::DeviceCode]
                .device_authorization_path
                .as_deref(),
            Some("/oauth2/device_authorizations")
        );
        let sn = Provider::get("servicenow").unwrap();
        assert_eq!(
            sn.grants[&GrantType::AuthorizationCode]
                .authorize_path
                .as_deref(),
            Some("/oauth_auth.do")
        );
        assert!(!sn.grants.contains_key(&GrantType::DeviceCode));
    }

    #[test]
    fn client_form_fields_and_checklists_are_data() {
        let coupa = Provider::get("coupa").unwrap();
        assert_eq!(coupa.need(FormField::Login), Need::Required);
        let sn = Provider::get("servicenow").unwrap();
        assert_eq!(sn.need(FormField::Name), Need::Optional);
        assert_eq!(sn.need(FormField::Login), Need::Absent);
        let lines = coupa.create_client_lines(
            Some(GrantType::ClientCredentials),
            &[("instance", "https://acme.coupahost.com")],
        );
        assert_eq!(
            lines[0],
            "1. Open https://acme.coupahost.com/oauth2/clients"
        );
        assert!(!lines.iter().any(|l| l.contains("Redirect")));
        let uris = [("redirect_uris", "http://127.0.0.1:8765/callback")];
        for (p, grant) in [
            (coupa, GrantType::AuthorizationCode),
            (sn, GrantType::AuthorizationCode),
        ] {
            let lines = p.create_client_lines(Some(grant), &uris);
            assert!(
                lines.iter().any(|l| l.contains("Redirect") || l.contains("http://127.0.0.1:8765/callback")),
                "{}: {lines:?}",
                p.id
            );
        }
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
