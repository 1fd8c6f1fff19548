//! The loopback listener (RFC 8252 §7.3): bound on 127.0.0.1 (or ::1) only, on the first redirect
//! URI whose port is free; it answers the first request to the callback path, then closes, so a
//! replayed callback finds nothing listening.

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
use crate::log;
use crate::secret::Secret;

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
        loop {
            tokio::select! {
                Some(result) = rx.recv() => return result,
                accepted = self.tcp.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let tx = tx.clone();
                    let (path, state, issuer) = (self.path.clone(), state.clone(), issuer.clone());
                    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                        let expected = Expected { state: &state, issuer: issuer.as_deref() };
                        let reply = respond(&req, &path, expected, &tx);
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

fn respond(
    req: &Request<Incoming>,
    path: &str,
    expected: Expected<'_>,
    tx: &mpsc::UnboundedSender<Answer>,
) -> Response<Full<Bytes>> {
    if req.method() != Method::GET || req.uri().path() != path {
        return page(
            StatusCode::NOT_FOUND,
            "Not found",
            "This is not the sign-in answer.",
        );
    }
    log::debug(format_args!("callback received on {path}"));
    let result = from_query(req.uri().query().unwrap_or_default(), expected);
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
