//! The loopback listener (RFC 8252 §7.3): bound on 127.0.0.1 (or ::1) only, on the first redirect
//! URI whose port is free. Any web page in the local browser can reach it, so a request that is
//! not this sign-in's callback (another path, another Host, a state that does not match) gets a
//! plain 400 page and the wait goes on; the answer with the matching state ends it, and the
//! listener closes, so a replayed callback finds nothing listening.

use std::convert::Infallible;
use std::io::ErrorKind;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use super::callback::{CallbackError, Expected, from_query};
use super::redirect::RedirectUri;
use crate::base::log;
use crate::rules::secret::Secret;

/// A port that could not be opened, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindFailure {
    pub uri: String,
    pub kind: ErrorKind,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no redirect URI could be opened for the answer: {}", list(.tried))]
pub struct BindError {
    pub tried: Vec<BindFailure>,
}

fn list(tried: &[BindFailure]) -> String {
    tried
        .iter()
        .map(|t| {
            let why = match t.kind {
                ErrorKind::AddrInUse => "the port is in use by another program".to_string(),
                // Windows reserves port ranges for Hyper-V, WSL and Docker (WSAEACCES).
                ErrorKind::PermissionDenied => {
                    "the port is reserved or not allowed for this user".to_string()
                }
                _ => t.detail.clone(),
            };
            format!("{} ({why})", t.uri)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl BindError {
    pub fn fix(&self) -> String {
        let port = self
            .tried
            .first()
            .and_then(|t| t.uri.rsplit(':').next())
            .and_then(|p| p.split('/').next())
            .unwrap_or("8765");
        format!(
            "stop the program holding the port (see `ss -ltnp 'sport = :{port}'`), or register \
             another http://127.0.0.1:PORT/callback with the provider and pass it with \
             --redirect-uri; or paste the answer with --no-browser"
        )
    }
}

pub struct Listener {
    tcp: TcpListener,
    /// The redirect URI for this authorization, with the port actually bound.
    pub redirect_uri: String,
    path: String,
}

impl Listener {
    /// Bind the first redirect URI that can be bound, in order.
    pub async fn bind(uris: &[RedirectUri]) -> Result<Self, BindError> {
        let mut tried = Vec::new();
        for uri in uris {
            match TcpListener::bind((uri.ip, uri.port)).await {
                Ok(tcp) => {
                    let port = tcp.local_addr().map(|a| a.port()).unwrap_or(uri.port);
                    return Ok(Self {
                        tcp,
                        redirect_uri: uri.with_port(port),
                        path: uri.path.clone(),
                    });
                }
                Err(e) => tried.push(BindFailure {
                    uri: uri.to_string(),
                    kind: e.kind(),
                    detail: e.to_string(),
                }),
            }
        }
        Err(BindError { tried })
    }

    /// Serve until the first request to the callback path; its answer, checked. The listener
    /// closes on return.
    pub async fn answer(self, expected: Expected<'_>) -> Result<Secret, CallbackError> {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let state = expected.state.to_string();
        let issuer = expected.issuer.map(str::to_string);
        let iss_required = expected.iss_required;
        let host = authority(&self.redirect_uri);
        loop {
            tokio::select! {
                Some(result) = rx.recv() => return result,
                accepted = self.tcp.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let tx = tx.clone();
                    let (path, state, issuer) = (self.path.clone(), state.clone(), issuer.clone());
                    let host = host.clone();
                    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                        let expected = Expected { state: &state, issuer: issuer.as_deref(), iss_required };
                        let reply = respond(&req, (&host, &path), expected, &tx);
                        async move { Ok::<_, Infallible>(reply) }
                    });
                    tokio::spawn(async move {
                        let conn = hyper::server::conn::http1::Builder::new()
                            .keep_alive(false)
                            .serve_connection(TokioIo::new(stream), service);
                        if let Err(e) = conn.await {
                            log::debug(format_args!("callback connection: {e}"));
                        }
                    });
                }
            }
        }
    }
}

type Answer = Result<Secret, CallbackError>;

/// `127.0.0.1:8765` of `http://127.0.0.1:8765/callback`: the only Host the callback may name
/// (another one means a page reached the port through a name it controls: DNS rebinding).
fn authority(redirect_uri: &str) -> String {
    url::Url::parse(redirect_uri)
        .ok()
        .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
        .unwrap_or_default()
}

fn not_the_answer() -> Response<Full<Bytes>> {
    page(
        StatusCode::BAD_REQUEST,
        "Not the sign-in answer",
        "oauth-setup is waiting for another request; this one was ignored.",
    )
}

fn respond(
    req: &Request<Incoming>,
    (host, path): (&str, &str),
    expected: Expected<'_>,
    tx: &mpsc::UnboundedSender<Answer>,
) -> Response<Full<Bytes>> {
    let host_ok = req
        .headers()
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| h.eq_ignore_ascii_case(host));
    if req.method() != Method::GET || req.uri().path() != path || !host_ok {
        log::debug("a request that is not the callback was ignored");
        return not_the_answer();
    }
    let result = from_query(req.uri().query().unwrap_or_default(), expected);
    if matches!(result, Err(CallbackError::StateMismatch)) {
        // Not this sign-in's answer (a page guessing, another tab): it does not end the wait.
        log::debug("a callback with another state was ignored");
        return not_the_answer();
    }
    log::debug(format_args!("callback received on {path}"));
    let reply = match &result {
        Ok(_) => page(
            StatusCode::OK,
            "Signed in",
            "oauth-setup received the answer. You can close this tab and return to the terminal.",
        ),
        Err(_) => page(
            StatusCode::BAD_REQUEST,
            "Sign-in not completed",
            "oauth-setup refused this answer; the terminal says why. You can close this tab.",
        ),
    };
    let _ = tx.send(result);
    reply
}

/// A page that loads nothing (no Referer can leak the code to a third party, RFC 9700 §4.2) and
/// is never cached.
fn page(status: StatusCode, title: &str, text: &str) -> Response<Full<Bytes>> {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1><p>{text}</p></body></html>"
    );
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'"),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    resp
}
