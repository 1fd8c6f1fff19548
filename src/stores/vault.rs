//! Secrets in HashiCorp Vault or OpenBao, KV version 2 (reference: authcode-refresh-vault.md
//! part D): the location a profile keeps, the token from the environment, the requests on the
//! program's own HTTP client (its CA file, timeouts, no redirects, nothing secret logged), and
//! every answer named by what it means.

mod answer;
mod location;
mod token;

use std::time::Duration;

pub use answer::{History, VaultError, Versioned};
pub use location::{
    DEFAULT_MOUNT, LocationError, VaultEnv, VaultGiven, VaultLocation, default_path,
};
pub use token::token_from_env;

/// The environment's Vault settings, read now (the front ends read them once, before use).
pub fn env() -> VaultEnv {
    VaultEnv::from(|n| std::env::var(n).ok())
}

use crate::protocol::token::{HttpOptions, JsonCall, TokenClient};
use crate::rules::secret::Secret;

/// The field of the KV secret that holds the client secret.
pub const SECRET_FIELD: &str = "client_secret";

/// A Vault or OpenBao server reached with one token.
#[derive(Clone)]
pub struct Vault {
    client: TokenClient,
    token: Secret,
}

impl Vault {
    /// The token from the environment and a client that trusts `BAO_CACERT` / `VAULT_CACERT`
    /// besides `--ca-file`.
    pub fn from_env(opts: &HttpOptions) -> Result<Self, VaultError> {
        let var = |k: &str| std::env::var(k).ok();
        let token = token_from_env(&var, crate::stores::config_dir::home_dir().as_deref())?;
        let mut opts = opts.clone();
        if let Some(ca) = var("BAO_CACERT")
            .or_else(|| var("VAULT_CACERT"))
            .filter(|c| !c.is_empty())
        {
            opts.extra_ca_file = Some(ca.into());
        }
        let client = TokenClient::new(opts).map_err(|e| VaultError::Client(e.to_string()))?;
        Ok(Self { client, token })
    }

    async fn call(
        &self,
        method: reqwest::Method,
        url: &str,
        namespace: Option<&str>,
        body: Option<Secret>,
    ) -> Result<crate::protocol::token::RawResponse, VaultError> {
        self.client
            .json(JsonCall {
                method,
                url,
                token: &self.token,
                namespace,
                body,
            })
            .await
            .map_err(VaultError::Transport)
    }

    /// The client secret and its version, in one call (the version is what check-and-set needs).
    pub async fn read(&self, at: &VaultLocation) -> Result<Versioned, VaultError> {
        at.check().map_err(VaultError::Location)?;
        let raw = self
            .call(reqwest::Method::GET, &at.data_url(), at.ns(), None)
            .await?;
        if raw.status == 403 {
            return Err(self.why_denied(at).await);
        }
        answer::read(&raw)
    }

    /// Write the client secret. `cas`: `Some(0)` creates only; `Some(n)` replaces version `n`
    /// only; the new version comes back.
    pub async fn write(
        &self,
        at: &VaultLocation,
        secret: &Secret,
        cas: Option<u64>,
    ) -> Result<u64, VaultError> {
        at.check().map_err(VaultError::Location)?;
        let mut body = serde_json::json!({ "data": { SECRET_FIELD: secret.expose() } });
        if let Some(n) = cas {
            body["options"] = serde_json::json!({ "cas": n });
        }
        let body = Secret::new(body.to_string());
        let raw = self
            .call(reqwest::Method::POST, &at.data_url(), at.ns(), Some(body))
            .await?;
        if raw.status == 403 {
            return Err(self.why_denied(at).await);
        }
        answer::written(&raw)
    }

    /// Read an earlier version of the client secret.
    pub async fn read_version(
        &self,
        at: &VaultLocation,
        version: u64,
    ) -> Result<Versioned, VaultError> {
        at.check().map_err(VaultError::Location)?;
        let url = format!("{}?version={version}", at.data_url());
        let raw = self.call(reqwest::Method::GET, &url, at.ns(), None).await?;
        if raw.status == 403 {
            return Err(self.why_denied(at).await);
        }
        answer::read(&raw)
    }

    /// The versions kept and who last rotated, from the secret's metadata.
    pub async fn history(&self, at: &VaultLocation) -> Result<History, VaultError> {
        at.check().map_err(VaultError::Location)?;
        let raw = self
            .call(reqwest::Method::GET, &at.metadata_url(), at.ns(), None)
            .await?;
        if raw.status == 403 {
            return Err(self.why_denied(at).await);
        }
        answer::history(&raw)
    }

    /// Record who rotated, from which host and when (best effort: writing metadata is a right of
    /// its own, and the secret is already written).
    pub async fn record_rotation(
        &self,
        at: &VaultLocation,
        profile: &str,
    ) -> Result<(), VaultError> {
        at.check().map_err(VaultError::Location)?;
        let by = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "unknown".into());
        let host = gethostname::gethostname().to_string_lossy().into_owned();
        let body = serde_json::json!({ "custom_metadata": {
            "rotated_by": by,
            "rotated_from": host,
            "rotated_at": crate::rules::timestamp::now(),
            "rotated_with": format!("oauth-setup {} (profile {profile})", env!("CARGO_PKG_VERSION")),
        }});
        let raw = self
            .call(
                reqwest::Method::POST,
                &at.metadata_url(),
                at.ns(),
                Some(Secret::new(body.to_string())),
            )
            .await?;
        match raw.status {
            200 | 204 => Ok(()),
            _ => Err(answer::other(&raw)),
        }
    }

    /// Before the first write: the mount is KV version 2 (version 1 ignores check-and-set) and
    /// the token may read and update the path. A 403 is told apart: a bad token, or a policy.
    pub async fn preflight(&self, at: &VaultLocation) -> Result<(), VaultError> {
        at.check().map_err(VaultError::Location)?;
        let raw = self
            .call(reqwest::Method::GET, &at.mounts_url(), at.ns(), None)
            .await?;
        if raw.status == 403 {
            return Err(self.why_denied(at).await);
        }
        answer::kv_version(&raw)?;
        let body = Secret::new(serde_json::json!({ "paths": [at.data_path()] }).to_string());
        let raw = self
            .call(
                reqwest::Method::POST,
                &at.capabilities_url(),
                at.ns(),
                Some(body),
            )
            .await?;
        answer::capabilities(&raw, &at.data_path())
    }

    /// A 403: `lookup-self` refused too means the token itself is bad.
    pub async fn why_denied(&self, at: &VaultLocation) -> VaultError {
        match self
            .call(reqwest::Method::GET, &at.lookup_self_url(), at.ns(), None)
            .await
        {
            Ok(raw) if raw.status == 403 => VaultError::BadToken,
            Ok(_) => VaultError::Denied { missing: vec![] },
            Err(e) => e,
        }
    }
}

/// Run a Vault request to the end from code that is not async (the secret stores are called
/// from both), on a thread of its own with a small runtime, within `timeout`.
pub fn blocking<T: Send + 'static>(
    timeout: Duration,
    work: impl std::future::Future<Output = Result<T, VaultError>> + Send + 'static,
) -> Result<T, VaultError> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let result = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| VaultError::Client(e.to_string()))
            .and_then(|rt| rt.block_on(work));
        let _ = tx.send(result);
    });
    rx.recv_timeout(timeout + Duration::from_secs(1))
        .unwrap_or(Err(VaultError::Transport(
            crate::protocol::token::Failure::Timeout {
                secs: timeout.as_secs(),
            },
        )))
}
