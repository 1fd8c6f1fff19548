//! Sending the token request: timeouts, no redirects, a capped body, the platform's trust store
//! plus `--ca-file`, and proxies from the environment.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, LOCATION};

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use super::diagnosis::{Failure, TlsProblem};
use super::request::{TokenRequest, basic_authorization, form_body, redacted_form};
use super::response::{Granted, RawResponse, interpret, redact_body};
use crate::base::log;

const BODY_CAP: usize = 1024 * 1024;
/// One page of an API's answer is held at a time; larger than any page a list API gives.
pub const API_BODY_CAP: usize = 32 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub ca_file: Option<PathBuf>,
    /// Trusted too: a CA file named by the environment (VAULT_CACERT / BAO_CACERT for Vault).
    pub extra_ca_file: Option<PathBuf>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            ca_file: None,
            extra_ca_file: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("--ca-file {path}: cannot read it ({source}); give a readable PEM file")]
    CaUnreadable {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "--ca-file {path}: holds no PEM certificate ({detail}); give a PEM file (-----BEGIN CERTIFICATE-----)"
    )]
    CaInvalid { path: String, detail: String },
    #[error("cannot set up HTTPS: {0}")]
    Build(String),
}

/// One JSON request to a secrets server.
pub struct JsonCall<'a> {
    pub method: reqwest::Method,
    pub url: &'a str,
    pub token: &'a crate::rules::secret::Secret,
    pub namespace: Option<&'a str>,
    /// The JSON body (it may hold a secret).
    pub body: Option<crate::rules::secret::Secret>,
}

/// The certificates of a PEM file (or bundle), refused when there are none.
fn read_certs(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, ClientError> {
    let shown = path.display().to_string();
    let pem = std::fs::read(path).map_err(|source| ClientError::CaUnreadable {
        path: shown.clone(),
        source,
    })?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ClientError::CaInvalid {
            path: shown.clone(),
            detail: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(ClientError::CaInvalid {
            path: shown,
            detail: "no certificate found".into(),
        });
    }
    Ok(certs)
}

#[derive(Clone)]
pub struct TokenClient {
    http: reqwest::Client,
    opts: HttpOptions,
}

impl TokenClient {
    pub fn new(opts: HttpOptions) -> Result<Self, ClientError> {
        let mut roots = Vec::new();
        for path in opts.ca_file.iter().chain(&opts.extra_ca_file) {
            roots.extend(read_certs(path)?);
        }
        let tls =
            super::trust::client_config(roots).map_err(|e| ClientError::Build(e.to_string()))?;
        let http = reqwest::Client::builder()
            .user_agent(concat!("oauth-setup/", env!("CARGO_PKG_VERSION")))
            // A redirect would carry the secret to another URL; report it instead.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            .tls_backend_preconfigured(tls)
            .build()
            .map_err(|e| ClientError::Build(e.to_string()))?;
        Ok(Self { http, opts })
    }

    pub fn options(&self) -> &HttpOptions {
        &self.opts
    }

    pub async fn request(&self, req: &TokenRequest) -> Result<Granted, Failure> {
        let raw = self.send(req).await?;
        let result = interpret(&raw);
        if let Err(f) = &result {
            log::debug(format_args!("diagnosis: {f:?}"));
        }
        result
    }

    /// Revoke (RFC 7009): `req` carries the revocation endpoint as its URL and a
    /// [`super::GrantForm::Revocation`]. Any 2xx is success (§2.2: also for an unknown token).
    pub async fn revoke(&self, req: &TokenRequest) -> Result<(), Failure> {
        let raw = self.send(req).await?;
        if (200..300).contains(&raw.status) {
            return Ok(());
        }
        match interpret(&raw) {
            Err(f) => Err(f),
            Ok(_) => Ok(()),
        }
    }

    /// The raw answer to the request's form, for endpoints beside the token endpoint (device
    /// authorization) whose answers are read elsewhere.
    pub async fn post_form(&self, req: &TokenRequest) -> Result<RawResponse, Failure> {
        self.send(req).await
    }

    async fn send(&self, req: &TokenRequest) -> Result<RawResponse, Failure> {
        let body = form_body(req);
        let mut builder = self
            .http
            .post(req.client.token_url.as_str())
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body.expose().to_owned());
        log::debug(format_args!("POST {}", req.client.token_url));
        log::debug(format_args!("  body: {}", redacted_form(req)));
        if let Some(auth) = basic_authorization(req) {
            let mut value =
                HeaderValue::from_str(auth.expose()).map_err(|_| Failure::Connection {
                    detail: "the client id cannot be sent in a header".into(),
                })?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
            log::debug("  Authorization: Basic [redacted]");
        }
        crate::base::fault::panic_point("token", "sending");
        // An introspection answer may echo the token or the secret under any name.
        let log_body = !matches!(req.grant, super::GrantForm::Introspection { .. });
        self.read(builder, &req.client.token_url, log_body).await
    }

    /// A GET with the same protections (no redirects, timeouts, capped body), for documents
    /// such as a server's metadata.
    pub async fn get(&self, url: &str) -> Result<RawResponse, Failure> {
        log::debug(format_args!("GET {url}"));
        let builder = self.http.get(url).header(ACCEPT, "application/json");
        self.read(builder, url, true).await
    }

    /// A JSON request to a secrets server (Vault, OpenBao) with its token as a sensitive
    /// header. Neither body is logged: both may hold a secret.
    pub async fn json(&self, call: JsonCall<'_>) -> Result<RawResponse, Failure> {
        log::debug(format_args!("{} {}", call.method, call.url));
        let mut token =
            HeaderValue::from_str(call.token.expose()).map_err(|_| Failure::Connection {
                detail: "the token cannot be sent in a header".into(),
            })?;
        token.set_sensitive(true);
        let mut builder = self
            .http
            .request(call.method, call.url)
            .header(ACCEPT, "application/json")
            .header("X-Vault-Token", token);
        if let Some(ns) = call.namespace {
            builder = builder.header("X-Vault-Namespace", ns);
        }
        if let Some(body) = call.body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.expose().to_owned());
        }
        self.read(builder, call.url, false).await
    }

    /// One call to a provider's API with an access token (a sensitive header, never logged).
    /// Like every request here it follows no redirect; the body is capped at [`API_BODY_CAP`].
    pub async fn api(
        &self,
        call: &crate::protocol::api::Call,
        token: &crate::rules::secret::AccessToken,
    ) -> Result<crate::protocol::api::Answer, Failure> {
        let url = call.url.as_str();
        log::debug(format_args!("{} {url}", call.method));
        let method = reqwest::Method::from_bytes(call.method.as_bytes()).map_err(|_| {
            Failure::Connection {
                detail: format!("{} is not an HTTP method", call.method),
            }
        })?;
        let mut auth =
            HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                Failure::Connection {
                    detail: "the token cannot be sent in a header".into(),
                }
            })?;
        auth.set_sensitive(true);
        let mut builder = self.http.request(method, url).header(AUTHORIZATION, auth);
        log::debug("  Authorization: Bearer [redacted]");
        for (name, value) in &call.headers {
            builder = builder.header(name.as_str(), value.as_str());
            log::debug(format_args!("  {name}: {value}"));
        }
        if let Some(body) = &call.body {
            log::debug(format_args!("  body: [{} bytes]", body.len()));
            builder = builder.body(body.clone());
        }
        let mut resp = builder.send().await.map_err(|e| self.classify(&e, url))?;
        let mut answer = crate::protocol::api::Answer {
            status: resp.status().as_u16(),
            reason: resp
                .status()
                .canonical_reason()
                .unwrap_or_default()
                .to_string(),
            headers: resp
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: Vec::new(),
        };
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.classify(&e, url))? {
            if answer.body.len() + chunk.len() > API_BODY_CAP {
                return Err(Failure::Connection {
                    detail: format!("the answer is larger than {} MiB", API_BODY_CAP >> 20),
                });
            }
            answer.body.extend_from_slice(&chunk);
        }
        log::debug(format_args!(
            "response: HTTP {}, {} bytes",
            answer.status,
            answer.body.len()
        ));
        Ok(answer)
    }

    async fn read(
        &self,
        builder: reqwest::RequestBuilder,
        url: &str,
        log_body: bool,
    ) -> Result<RawResponse, Failure> {
        let mut resp = builder.send().await.map_err(|e| self.classify(&e, url))?;
        let status = resp.status().as_u16();
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(String::from)
        };
        let mut raw = RawResponse::default();
        raw.status = status;
        raw.content_type = header(CONTENT_TYPE);
        raw.location = header(LOCATION);
        log::debug(format_args!(
            "response: HTTP {status}, content-type {}",
            raw.content_type.as_deref().unwrap_or("-")
        ));
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.classify(&e, url))? {
            if raw.body.len() + chunk.len() > BODY_CAP {
                raw.truncated = true;
                break;
            }
            raw.body.extend_from_slice(&chunk);
        }
        if log_body {
            log::debug(format_args!("  body: {}", redact_body(status, &raw.body)));
        } else {
            log::debug(format_args!(
                "  body: [{} bytes, not shown]",
                raw.body.len()
            ));
        }
        Ok(raw)
    }

    fn classify(&self, err: &reqwest::Error, url: &str) -> Failure {
        log::debug(format_args!("transport error: {}", error_chain(err)));
        classify_transport(err, url, &self.opts)
    }
}

fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut cur = err.source();
    while let Some(e) = cur {
        parts.push(e.to_string());
        cur = e.source();
    }
    parts.join(": ")
}

fn tls_problem(e: &rustls::Error) -> TlsProblem {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => TlsProblem::UnknownIssuer,
        rustls::Error::InvalidCertificate(
            C::NotValidForName | C::NotValidForNameContext { .. },
        ) => TlsProblem::NameMismatch,
        rustls::Error::InvalidCertificate(
            C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. },
        ) => TlsProblem::Expired,
        other => TlsProblem::Other(other.to_string()),
    }
}

/// A failure recognised by the type of one error in the chain (rustls, or an I/O kind).
fn typed_failure(
    e: &(dyn std::error::Error + 'static),
    target: &str,
    opts: &HttpOptions,
) -> Option<Failure> {
    if let Some(tls) = e.downcast_ref::<rustls::Error>() {
        return Some(Failure::Tls(tls_problem(tls)));
    }
    let mut io = e.downcast_ref::<std::io::Error>()?;
    // io::Error::source() skips the error it wraps, and connectors nest io::Errors, so unwrap
    // them by hand down to the rustls error, if any.
    while let Some(inner) = io.get_ref() {
        if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
            return Some(Failure::Tls(tls_problem(tls)));
        }
        match inner.downcast_ref::<std::io::Error>() {
            Some(next) => io = next,
            None => break,
        }
    }
    match io.kind() {
        std::io::ErrorKind::ConnectionRefused => Some(Failure::Refused {
            target: target.to_string(),
        }),
        std::io::ErrorKind::TimedOut => Some(Failure::ConnectTimeout {
            secs: opts.connect_timeout.as_secs(),
        }),
        std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
            Some(Failure::Connection {
                detail: "the server reset the connection".into(),
            })
        }
        _ => None,
    }
}

/// Walk the error's sources down to the layer that failed.
fn classify_transport(err: &reqwest::Error, url: &str, opts: &HttpOptions) -> Failure {
    let target = reqwest::Url::parse(url)
        .ok()
        .map(|u| {
            format!(
                "{}:{}",
                u.host_str().unwrap_or("?"),
                u.port_or_known_default().unwrap_or(0)
            )
        })
        .unwrap_or_else(|| url.to_string());
    let host = target
        .rsplit_once(':')
        .map_or(target.as_str(), |(h, _)| h)
        .to_string();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(found) = typed_failure(e, &target, opts) {
            return found;
        }
        cur = e.source();
    }
    // Text is the last resort, and only below the top level, whose message holds the URL.
    let mut cur = std::error::Error::source(err);
    while let Some(e) = cur {
        let text = e.to_string();
        if text.contains("dns error") || text.contains("failed to lookup address") {
            return Failure::Dns { host };
        }
        if text.contains("unsuccessful tunnel") || text.contains("proxy authorization required") {
            return Failure::Proxy { detail: text };
        }
        if text.contains("message head is too large") || text.contains("invalid HTTP") {
            return Failure::BadHttp { detail: text };
        }
        cur = e.source();
    }
    if err.is_timeout() {
        return if err.is_connect() {
            Failure::ConnectTimeout {
                secs: opts.connect_timeout.as_secs(),
            }
        } else {
            Failure::Timeout {
                secs: opts.timeout.as_secs(),
            }
        };
    }
    let chain = error_chain(err);
    if chain.contains("connection closed") || chain.contains("IncompleteMessage") {
        return Failure::Connection {
            detail: "the server closed the connection before answering".into(),
        };
    }
    Failure::Connection { detail: chain }
}
