//! What Vault's and OpenBao's answers mean (observed on OpenBao 2.7.2, reference D.2), no I/O.

use crate::protocol::token::Surface;
use serde::Deserialize;

use crate::protocol::token::{Failure, RawResponse};
use crate::rules::secret::Secret;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(
        "no Vault token: set BAO_TOKEN or VAULT_TOKEN, or log in (bao login / vault login) so that ~/.vault-token holds one"
    )]
    NoToken,
    #[error("the Vault server is sealed (HTTP 503)")]
    Sealed,
    #[error(
        "the Vault token was refused (HTTP 403 also on auth/token/lookup-self): it is wrong or expired"
    )]
    BadToken,
    #[error("the Vault token's policy does not allow {}", missing_words(.missing))]
    Denied { missing: Vec<String> },
    #[error("no secret was ever written there")]
    NotWritten,
    #[error(
        "the secret there was deleted (at {at}); restore it with `vault kv undelete` or rotate to write a new one"
    )]
    Deleted { at: String },
    #[error("the namespace is not known to the server")]
    NamespaceUnknown,
    #[error(
        "the mount is {found}, not KV version 2: version 1 ignores check-and-set, so two rotations could overwrite each other"
    )]
    NotKv2 { found: String },
    #[error("someone else changed the secret first; nothing was overwritten")]
    CasMismatch,
    #[error("the secret there has no field client_secret")]
    NoField,
    #[error("cannot reach Vault: {}", .0.summary(&crate::protocol::token::Context { provider_name: "Vault".into(), ..Default::default() }))]
    Transport(Failure),
    #[error("cannot set up the Vault client: {0}")]
    Client(String),
    #[error(
        "this Vault node is a standby that sends requests to {location} (HTTP 307); redirects are not followed, as they would carry the token"
    )]
    Standby { location: String },
    #[error("Vault answered HTTP {status}: {errors}")]
    Other { status: u16, errors: String },
    /// The profile's Vault location breaks the rules (a file from elsewhere, an old profile).
    #[error("{}", .0.message)]
    Location(crate::rules::fields::FieldError),
    /// Other users can read the token file: it is not used (as ssh ignores such a key).
    #[error("the Vault token file {path} can be read by other users ({mode:o}), so it is not used")]
    TokenFileExposed { path: String, mode: u32 },
}

fn missing_words(missing: &[String]) -> String {
    if missing.is_empty() {
        "this path".into()
    } else {
        format!("{} on the path", missing.join(" and "))
    }
}

impl VaultError {
    /// What to do about it, for `profile`, in the words of the front end on `surface`.
    pub fn fix(&self, profile: &str, surface: Surface) -> String {
        let app = surface == Surface::App;
        match self {
            Self::NotWritten | Self::Deleted { .. } | Self::NoField if app => {
                format!("write the secret: r on {profile} at home")
            }
            Self::NotWritten | Self::Deleted { .. } | Self::NoField => {
                format!("write the secret: oauth-setup rotate {profile} --client-secret-stdin")
            }
            Self::Location(_) if app => "set the profile up again (n at home) with a valid Vault address".into(),
            Self::NamespaceUnknown if app => "check VAULT_NAMESPACE (or BAO_NAMESPACE)".into(),
            Self::NotKv2 { .. } if app => "use a KV version 2 mount, or upgrade it: bao kv enable-versioning MOUNT".into(),
            Self::CasMismatch if app => format!("nothing was overwritten; verify {profile} from home (v)"),
            Self::Transport(_) if app => "check the Vault address (or BAO_ADDR / VAULT_ADDR), the network and VAULT_CACERT".into(),
            Self::Standby { .. } if app => "give the active node's address, or the cluster's load balancer; during a leader election, wait a few seconds".into(),
            Self::NoToken | Self::BadToken => "log in again (bao login / vault login) or set BAO_TOKEN / VAULT_TOKEN".into(),
            Self::Sealed => "unseal the server (bao operator unseal), or ask its operators".into(),
            Self::Denied { .. } => "ask for a policy with read, create and update on <mount>/data/<path>".into(),
            Self::Location(_) => "set up the profile again with a valid --vault-addr, --vault-mount, --vault-path and --vault-namespace".into(),
            Self::TokenFileExposed { path, .. } => format!("chmod 600 {path}, or set BAO_TOKEN / VAULT_TOKEN"),
            Self::NamespaceUnknown => "check --vault-namespace or VAULT_NAMESPACE".into(),
            Self::NotKv2 { .. } => "use a KV version 2 mount (--vault-mount), or upgrade it: bao kv enable-versioning MOUNT".into(),
            Self::CasMismatch => format!("nothing was overwritten; read the new secret's details with oauth-setup show {profile}"),
            Self::Transport(_) => "check --vault-addr (or BAO_ADDR / VAULT_ADDR), the network and --ca-file / VAULT_CACERT".into(),
            Self::Standby { .. } => "give the active node's address, or the cluster's load balancer, with --vault-addr; during a leader election, wait a few seconds".into(),
            Self::Client(_) | Self::Other { .. } => "see the Vault server's logs".into(),
        }
    }
}

/// A secret and the version it was read at.
#[derive(Debug)]
pub struct Versioned {
    pub secret: Secret,
    pub version: u64,
}

#[derive(Deserialize)]
struct Errors {
    #[serde(default)]
    errors: Vec<String>,
}

fn errors_of(raw: &RawResponse) -> String {
    serde_json::from_slice::<Errors>(&raw.body)
        .map(|e| e.errors.join("; ").replace('\n', " ").trim().to_string())
        .unwrap_or_default()
}

/// The answers every call shares: sealed, a namespace not known, others.
fn common(raw: &RawResponse) -> VaultError {
    let errors = errors_of(raw);
    match raw.status {
        503 => VaultError::Sealed,
        404 if errors.contains("namespace not found") => VaultError::NamespaceUnknown,
        403 => VaultError::Denied { missing: vec![] },
        307 | 308 => VaultError::Standby {
            location: raw.location.as_deref().map_or_else(
                || "the active node".into(),
                |l| crate::rules::sanitize::one_line(l, 300),
            ),
        },
        // A server's words, escaped and capped: they reach terminals and logs.
        status => VaultError::Other {
            status,
            errors: crate::rules::sanitize::one_line(&errors, 300),
        },
    }
}

pub fn read(raw: &RawResponse) -> Result<Versioned, VaultError> {
    let body: serde_json::Value = serde_json::from_slice(&raw.body).unwrap_or_default();
    let meta = &body["data"]["metadata"];
    if raw.status == 404 && errors_of(raw).is_empty() {
        // A soft-deleted latest version still answers with its metadata.
        return Err(
            match meta["deletion_time"].as_str().filter(|t| !t.is_empty()) {
                Some(at) => VaultError::Deleted {
                    at: crate::rules::sanitize::one_line(at, 60),
                },
                None => VaultError::NotWritten,
            },
        );
    }
    if raw.status != 200 {
        return Err(common(raw));
    }
    let secret = body["data"]["data"][super::SECRET_FIELD]
        .as_str()
        .ok_or(VaultError::NoField)?;
    Ok(Versioned {
        secret: Secret::new(secret),
        version: meta["version"].as_u64().unwrap_or(0),
    })
}

/// Any other refusal, named by status.
pub fn other(raw: &RawResponse) -> VaultError {
    common(raw)
}

/// The versions of a secret and who rotated it last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub current: u64,
    /// (version, created, deleted at), oldest first.
    pub versions: Vec<(u64, String, Option<String>)>,
    /// `rotated_by`, `rotated_from`, `rotated_at`, as the last rotation wrote them.
    pub custom: std::collections::BTreeMap<String, String>,
}

impl History {
    /// "by jane from build-7 at 2026-...", when a rotation recorded it.
    pub fn last_rotation(&self) -> Option<String> {
        let at = self.custom.get("rotated_at")?;
        let by = self.custom.get("rotated_by").map_or("?", String::as_str);
        let from = self.custom.get("rotated_from").map_or("?", String::as_str);
        Some(format!("by {by} from {from} at {at}"))
    }
}

pub fn history(raw: &RawResponse) -> Result<History, VaultError> {
    if raw.status == 404 {
        return Err(VaultError::NotWritten);
    }
    if raw.status != 200 {
        return Err(common(raw));
    }
    let body: serde_json::Value = serde_json::from_slice(&raw.body).unwrap_or_default();
    let data = &body["data"];
    let mut versions: Vec<(u64, String, Option<String>)> = data["versions"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| {
                    let n = k.parse().ok()?;
                    let created = v["created_time"].as_str().unwrap_or_default().to_string();
                    let deleted = v["deletion_time"]
                        .as_str()
                        .filter(|t| !t.is_empty())
                        .map(String::from);
                    Some((n, created, deleted))
                })
                .collect()
        })
        .unwrap_or_default();
    versions.sort_by_key(|v| v.0);
    let custom = data["custom_metadata"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    Ok(History {
        current: data["current_version"].as_u64().unwrap_or(0),
        versions,
        custom,
    })
}

/// The version a write made.
pub fn written(raw: &RawResponse) -> Result<u64, VaultError> {
    let errors = errors_of(raw);
    match raw.status {
        200 | 204 => {
            let body: serde_json::Value = serde_json::from_slice(&raw.body).unwrap_or_default();
            Ok(body["data"]["version"].as_u64().unwrap_or(0))
        }
        400 if errors.contains("check-and-set") => Err(VaultError::CasMismatch),
        _ => Err(common(raw)),
    }
}

/// The mount's type and version, from `sys/internal/ui/mounts/...`.
pub fn kv_version(raw: &RawResponse) -> Result<(), VaultError> {
    if raw.status != 200 {
        return Err(common(raw));
    }
    let body: serde_json::Value = serde_json::from_slice(&raw.body).unwrap_or_default();
    let kind = body["data"]["type"].as_str().unwrap_or("unknown");
    let version = body["data"]["options"]["version"].as_str().unwrap_or("1");
    if kind == "kv" && version == "2" {
        return Ok(());
    }
    Err(VaultError::NotKv2 {
        found: crate::rules::sanitize::one_line(&format!("{kind} version {version}"), 80),
    })
}

/// The token's capabilities on `path` must cover reading and writing.
pub fn capabilities(raw: &RawResponse, path: &str) -> Result<(), VaultError> {
    if raw.status != 200 {
        return Err(common(raw));
    }
    let body: serde_json::Value = serde_json::from_slice(&raw.body).unwrap_or_default();
    let caps: Vec<&str> = body[path]
        .as_array()
        .or_else(|| body["data"][path].as_array())
        .map(|a| a.iter().filter_map(|c| c.as_str()).collect())
        .unwrap_or_default();
    if caps.contains(&"root") {
        return Ok(());
    }
    let mut missing = Vec::new();
    if !caps.contains(&"read") {
        missing.push("read".to_string());
    }
    if !caps.contains(&"update") && !caps.contains(&"create") {
        missing.push("create or update".to_string());
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(VaultError::Denied { missing })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &str) -> RawResponse {
        let mut r = RawResponse::default();
        r.status = status;
        r.body = body.as_bytes().to_vec();
        r
    }

    #[test]
    fn answers_observed_on_openbao_are_named() {
        let ok = read(&raw(
            200,
            r#"{"data":{"data":{"client_secret":"s"},"metadata":{"version":3}}}"#,
        ))
        .unwrap();
        assert_eq!((ok.secret.expose(), ok.version), ("s", 3));
        assert!(matches!(
            read(&raw(404, r#"{"errors":[]}"#)),
            Err(VaultError::NotWritten)
        ));
        assert!(matches!(
            read(&raw(
                404,
                r#"{"data":{"data":null,"metadata":{"deletion_time":"2026-11-01T00:00:00Z","version":2}}}"#
            )),
            Err(VaultError::Deleted { .. })
        ));
        assert!(matches!(
            read(&raw(404, r#"{"errors":["namespace not found"]}"#)),
            Err(VaultError::NamespaceUnknown)
        ));
        assert!(matches!(
            read(&raw(503, r#"{"errors":["Vault is sealed"]}"#)),
            Err(VaultError::Sealed)
        ));
        assert!(matches!(
            read(&raw(
                200,
                r#"{"data":{"data":{"x":"y"},"metadata":{"version":1}}}"#
            )),
            Err(VaultError::NoField)
        ));
        assert!(matches!(
            written(&raw(
                400,
                r#"{"errors":["check-and-set parameter did not match the current version"]}"#
            )),
            Err(VaultError::CasMismatch)
        ));
        assert_eq!(written(&raw(200, r#"{"data":{"version":4}}"#)).unwrap(), 4);
        assert!(!format!("{ok:?}").contains("\"s\""));
    }

    #[test]
    fn the_mount_and_the_rights_are_checked() {
        assert!(
            kv_version(&raw(
                200,
                r#"{"data":{"type":"kv","options":{"version":"2"}}}"#
            ))
            .is_ok()
        );
        assert!(matches!(
            kv_version(&raw(
                200,
                r#"{"data":{"type":"kv","options":{"version":"1"}}}"#
            )),
            Err(VaultError::NotKv2 { .. })
        ));
        let path = "secret/data/x";
        assert!(capabilities(&raw(200, r#"{"secret/data/x":["read","update"]}"#), path).is_ok());
        let Err(VaultError::Denied { missing }) =
            capabilities(&raw(200, r#"{"secret/data/x":["read"]}"#), path)
        else {
            panic!()
        };
        assert_eq!(missing, ["create or update"]);
    }
}
