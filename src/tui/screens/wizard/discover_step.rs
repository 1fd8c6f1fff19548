//! The instance step of a server given by URL (no token path in its preset): the address is
//! first read as an issuer, whose metadata (RFC 8414, OpenID Connect) gives the token endpoint,
//! the grants the server offers with their endpoints, its scopes and its client authentication;
//! an address with no metadata is taken as the token URL, as before.

use super::{InstanceNote, Wizard};
use crate::protocol::discovery::{DiscoveryError, Metadata};
use crate::rules::fields;
use crate::rules::provider::Provider;
use crate::tui::command::Command;
use crate::tui::widgets::scope_picker::ScopePicker;

impl Wizard {
    /// Whether Enter on the instance step reads the server's metadata first.
    pub(super) fn discovers(&self) -> bool {
        self.provider.token_path.is_none() && self.discovering.is_none()
    }

    pub(super) fn start_discovery(&mut self) -> Vec<Command> {
        let issuer = self.instance.value().trim().to_string();
        self.attempt += 1;
        self.discovering = Some(self.attempt);
        self.instance.error = None;
        vec![Command::Discover {
            attempt: self.attempt,
            issuer,
        }]
    }

    pub(super) fn on_discovered(
        &mut self,
        attempt: u64,
        result: Result<(String, Metadata), DiscoveryError>,
    ) -> Vec<Command> {
        if self.discovering != Some(attempt) {
            return vec![];
        }
        self.discovering = None;
        // The metadata's own issuer: discovery checked it equals the address given.
        let found = result.ok().and_then(|(_, meta)| {
            let token_url = meta.token_endpoint.clone()?;
            Some((meta.issuer.clone(), meta, token_url))
        });
        let Some((issuer, meta, token_url)) = found else {
            // No metadata there: the address is the token URL itself.
            self.draft.discovered = None;
            self.instance_note = Some(InstanceNote::TakenAsTokenUrl);
            return self.accept_instance_as_typed();
        };
        let base = Provider::get(&self.provider.id).unwrap_or(self.provider);
        // One small preset per metadata read, for the rest of this run: the wizard holds its
        // provider by 'static reference, like the compiled-in ones.
        let discovered: &'static Provider = Box::leak(Box::new(base.with_metadata(&meta)));
        let verdict = fields::parse_instance_url(&token_url, discovered);
        let Some(instance) = self.instance.judge(verdict) else {
            return vec![];
        };
        self.instance_note = Some(InstanceNote::ReadMetadata {
            issuer: issuer.clone(),
            token_url,
        });
        self.provider = discovered;
        self.client_id.label = super::client_id_title(discovered);
        self.auth = discovered.default_client_auth;
        let kept = self.scopes.selected.join(" ");
        self.scopes = ScopePicker::new(discovered);
        self.scopes.add_list(&kept);
        self.grant_cursor = 0;
        self.draft.instance = Some(instance);
        self.draft.discovered = Some(Box::new((issuer, meta)));
        self.advance()
    }

    pub(super) fn accept_instance_as_typed(&mut self) -> Vec<Command> {
        let verdict = fields::parse_instance_url(self.instance.value(), self.provider);
        match self.instance.judge(verdict) {
            Some(v) => {
                self.draft.instance = Some(v);
                self.advance()
            }
            None => vec![],
        }
    }
}
