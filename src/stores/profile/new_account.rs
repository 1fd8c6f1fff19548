//! A new account as a typed draft: every value already accepted by its field rule, so the
//! command line and the wizard build the same profile from it.

use super::{Profile, UserGrant, Verification};
use crate::flows::sign_in::SignInError;
use crate::protocol::token::{ClientAuth, ClientSide, Context, GrantType, TestFailure};
use crate::rules::fields::Instance;
use crate::rules::provider::Provider;
use crate::rules::secret::ClientSecret;
use crate::stores::secret_store::SecretLocation;

/// The fields of the provider's "create a client" form that are recorded with the profile; each
/// is `None` when the provider's form has no such field or the user left it out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientForm {
    pub name: Option<String>,
    pub login: Option<String>,
    pub contact_first_name: Option<String>,
    pub contact_last_name: Option<String>,
    pub contact_email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// The preset's id.
    pub provider: String,
    pub instance: Instance,
    pub grant: GrantType,
    pub client_id: String,
    pub client_auth: ClientAuth,
    pub scopes: Vec<String>,
    pub form: ClientForm,
    /// For user grants: their endpoints and redirect URIs.
    pub user_grant: Option<UserGrant>,
}

impl NewAccount {
    /// The client-credentials request; `secret` is `None` for a public client.
    pub fn client_side(&self, secret: Option<ClientSecret>) -> ClientSide {
        ClientSide {
            token_url: self.instance.token_url.clone(),
            client_id: self.client_id.clone(),
            secret,
            scopes: self.scopes.clone(),
            auth: self.client_auth,
        }
    }

    pub fn diagnosis_context(&self) -> Context {
        Provider::context_for(&self.provider, &self.instance.url, &self.instance.token_url)
    }
}

/// What the live test said when the account was saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// Saved unverified; the one-line summary of the failure.
    Failed(String),
    /// A later check of a saved profile (verify) failed; its one-line summary.
    CheckFailed(String),
    /// Nothing was tested (an imported profile whose secret is still to be added).
    Untested,
}

impl Verification {
    pub fn passed(at: String) -> Self {
        Self {
            at,
            ok: true,
            result: "ok".into(),
        }
    }

    pub fn failed(at: String, summary: String) -> Self {
        Self {
            at,
            ok: false,
            result: summary,
        }
    }

    fn of(at: String, verdict: &Verdict) -> Option<Self> {
        match verdict {
            Verdict::Passed => Some(Self::passed(at)),
            Verdict::Failed(summary) => {
                Some(Self::failed(at, format!("{summary} (saved unverified)")))
            }
            Verdict::CheckFailed(summary) => Some(Self::failed(at, summary.clone())),
            Verdict::Untested => None,
        }
    }
}

impl Verdict {
    /// A failed live test, recorded in the same words whichever front end ran it.
    pub fn of_test(failure: &TestFailure, ctx: &Context) -> Self {
        Self::Failed(crate::report::test_failure_lines(failure, ctx).0)
    }

    /// A failed sign-in (the live test of a user grant), recorded the same way.
    pub fn of_sign_in(error: &SignInError, ctx: &Context) -> Self {
        Self::Failed(error.explain(ctx).0)
    }
}

impl Profile {
    /// The one writer of `last_verification`: what a check said, `at` (RFC 3339). Nothing
    /// tested leaves the record as it was.
    pub fn record(&mut self, verdict: &Verdict, at: String) {
        if let Some(v) = Verification::of(at, verdict) {
            self.last_verification = Some(v);
        }
    }
}

impl Profile {
    /// The profile of a new account whose secret goes to `secret` (under `secret_ref` in a
    /// local store), created `now` (RFC 3339).
    pub fn new(
        account: &NewAccount,
        secret: SecretLocation,
        secret_ref: String,
        now: &str,
        verdict: &Verdict,
    ) -> Self {
        let form = account.form.clone();
        let mut profile = Self {
            provider: account.provider.clone(),
            instance_url: account.instance.url.clone(),
            token_url: account.instance.token_url.clone(),
            grant_type: account.grant,
            client_id: account.client_id.clone(),
            client_auth: account.client_auth,
            scopes: account.scopes.clone(),
            client_name: form.name,
            login: form.login,
            contact_first_name: form.contact_first_name,
            contact_last_name: form.contact_last_name,
            contact_email: form.contact_email,
            secret_ref,
            created_at: now.to_string(),
            secret_rotated_at: None,
            last_verification: None,
            user_grant: account.user_grant.clone(),
            secret,
        };
        profile.record(verdict, now.to_string());
        profile
    }
}
