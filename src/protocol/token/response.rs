//! Reading the token endpoint's answer (RFC 6749 §5.1 and §5.2), no I/O.

use serde::Deserialize;
use zeroize::Zeroize;

use super::diagnosis::{Failure, OAuthError};
use crate::rules::secret::{AccessToken, RefreshToken, Secret};

/// What came back, as read off the wire (the body capped by the client).
#[derive(Default)]
pub struct RawResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Vec<u8>,
    /// The body was longer than the cap and was cut.
    pub truncated: bool,
}

impl Drop for RawResponse {
    fn drop(&mut self) {
        // A success body holds the access token.
        self.body.zeroize();
    }
}

#[derive(Debug)]
pub struct Granted {
    pub access_token: AccessToken,
    pub token_type: String,
    pub expires_in: Option<u64>,
    /// The scopes the server says it granted, when it echoes them.
    pub scope: Option<Vec<String>>,
    /// Sent for user grants; a new one replaces the old (RFC 6749 §6).
    pub refresh_token: Option<RefreshToken>,
    /// How long the refresh token lives, for servers that say (a common extension).
    pub refresh_expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct SuccessBody {
    access_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<serde_json::Value>,
    scope: Option<String>,
    refresh_token: Option<String>,
    refresh_token_expires_in: Option<serde_json::Value>,
    id_token: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
    error_description: Option<String>,
}

pub fn interpret(resp: &RawResponse) -> Result<Granted, Failure> {
    let status = resp.status;
    if resp.truncated {
        return Err(Failure::TooLarge { status });
    }
    if (300..400).contains(&status) {
        return Err(Failure::Redirect {
            status,
            location: resp.location.clone(),
        });
    }
    if (200..300).contains(&status) {
        return parse_success(resp);
    }
    if let Ok(err) = serde_json::from_slice::<ErrorBody>(&resp.body) {
        return Err(Failure::OAuth {
            status,
            error: OAuthError::from_code(&err.error),
            description: err.error_description.map(|d| one_line(&d, 300)),
        });
    }
    Err(non_oauth(resp))
}

fn parse_success(resp: &RawResponse) -> Result<Granted, Failure> {
    let status = resp.status;
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return Err(Failure::Empty { status });
    }
    if looks_like_html(resp) {
        return Err(Failure::HtmlPage { status });
    }
    let mut body: SuccessBody =
        serde_json::from_slice(&resp.body).map_err(|e| Failure::Malformed {
            reason: format!("the body is not JSON ({})", e.classify_name()),
        })?;
    let Some(token) = body.access_token.take().filter(|t| !t.is_empty()) else {
        return Err(Failure::Malformed {
            reason: "it has no access_token".into(),
        });
    };
    let access_token = AccessToken::new(token);
    refuse_bad_token("access_token", access_token.expose())?;
    if let Some(id) = body.id_token.take() {
        let id = Secret::new(id);
        refuse_bad_token("id_token", id.expose())?;
    }
    let Some(token_type) = body.token_type.filter(|t| !t.is_empty()) else {
        return Err(Failure::Malformed {
            reason: "it has no token_type".into(),
        });
    };
    refuse_bad_type(&token_type)?;
    let expires_in = lifetime(body.expires_in)?.map(|s| s.min(super::shape::MAX_ACCESS_LIFETIME));
    // Scope names are shown and compared, never sent on: each kept as safe text.
    let scope = body.scope.map(|s| {
        s.split_whitespace()
            .take(1000)
            .map(|t| crate::rules::sanitize::one_line(t, 200))
            .collect()
    });
    let refresh_token = body
        .refresh_token
        .take()
        .filter(|t| !t.is_empty())
        .map(RefreshToken::new);
    if let Some(rt) = &refresh_token {
        refuse_bad_token("refresh_token", rt.expose())?;
    }
    Ok(Granted {
        access_token,
        token_type,
        expires_in,
        scope,
        refresh_token,
        refresh_expires_in: body
            .refresh_token_expires_in
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .map(|s| s.min(super::shape::MAX_REFRESH_LIFETIME)),
    })
}

fn refuse_bad_type(token_type: &str) -> Result<(), Failure> {
    if super::shape::is_token_type(token_type) {
        return Ok(());
    }
    Err(Failure::Malformed {
        reason: format!(
            "its token_type \"{}\" is not a token type name",
            crate::rules::sanitize::one_line(token_type, 40)
        ),
    })
}

/// `expires_in` as seconds: a number, or a number in a string (some servers send that).
fn lifetime(value: Option<serde_json::Value>) -> Result<Option<u64>, Failure> {
    Ok(match value {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s.parse().map_err(|_| Failure::Malformed {
            reason: format!(
                "expires_in is \"{}\", not a number of seconds",
                one_line(&s, 40)
            ),
        })?),
        Some(v) => Some(v.as_u64().ok_or_else(|| Failure::Malformed {
            reason: "expires_in is not a whole number of seconds".into(),
        })?),
    })
}

/// A token that could inject a header line or a terminal sequence, or overflow a store, is
/// refused before anything keeps or prints it; the reason never quotes the token.
fn refuse_bad_token(field: &str, value: &str) -> Result<(), Failure> {
    super::shape::check_token(value).map_err(|p| Failure::Malformed {
        reason: format!("its {field} is refused: {p}"),
    })
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected field types",
            serde_json::error::Category::Eof => "it ends too early",
        }
    }
}

fn looks_like_html(resp: &RawResponse) -> bool {
    let ct_html = resp
        .content_type
        .as_deref()
        .is_some_and(|c| c.contains("html"));
    let start =
        String::from_utf8_lossy(&resp.body[..resp.body.len().min(512)]).to_ascii_lowercase();
    let start = start.trim_start();
    ct_html || start.starts_with("<!doctype") || start.starts_with("<html")
}

fn non_oauth(resp: &RawResponse) -> Failure {
    let status = resp.status;
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return match status {
            407 => Failure::Proxy {
                detail: "the proxy asks for authentication (HTTP 407)".into(),
            },
            401 | 403 => Failure::Unauthorized { status },
            404 => Failure::NotFound,
            500..=599 => Failure::ServerError { status },
            _ => Failure::Empty { status },
        };
    }
    match status {
        407 => Failure::Proxy {
            detail: "the proxy asks for authentication (HTTP 407)".into(),
        },
        401 | 403 => Failure::Unauthorized { status },
        404 => Failure::NotFound,
        500..=599 => Failure::ServerError { status },
        _ if looks_like_html(resp) => Failure::HtmlPage { status },
        _ => Failure::UnexpectedStatus {
            status,
            snippet: one_line(
                &String::from_utf8_lossy(&resp.body[..resp.body.len().min(200)]),
                120,
            ),
        },
    }
}

/// Server text shown to the user: one line (runs of spaces joined), bounded, nothing a terminal
/// acts on.
fn one_line(s: &str, max: usize) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::rules::sanitize::one_line(&joined, max)
}

/// A response body fit for `-v` logs: token fields replaced, other text bounded.
pub fn redact_body(status: u16, body: &[u8]) -> String {
    if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) {
        if let Some(obj) = value.as_object_mut() {
            for key in ["access_token", "refresh_token", "id_token", "device_code"] {
                if let Some(v) = obj.get_mut(key) {
                    *v = serde_json::Value::String("[redacted]".into());
                }
            }
        }
        return one_line(&value.to_string(), 2000);
    }
    if (200..300).contains(&status) {
        // A success body we cannot parse may still hold a token; never print it.
        return format!("[{} bytes, not JSON, not shown]", body.len());
    }
    one_line(&String::from_utf8_lossy(&body[..body.len().min(500)]), 300)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, ct: &str, body: &str) -> RawResponse {
        let mut r = RawResponse::default();
        r.status = status;
        r.content_type = Some(ct.into());
        r.body = body.as_bytes().to_vec();
        r
    }

    #[test]
    fn success_with_scope_echo() {
        let g = interpret(&resp(
            200,
            "application/json",
            r#"{"access_token":"tok","token_type":"bearer","expires_in":86399,"scope":"a b"}"#,
        ))
        .unwrap();
        assert_eq!(g.access_token.expose(), "tok");
        assert_eq!(g.token_type, "bearer");
        assert_eq!(g.expires_in, Some(86399));
        assert_eq!(g.scope.unwrap(), ["a", "b"]);
        let g = interpret(&resp(
            200,
            "application/json",
            r#"{"access_token":"t","token_type":"Bearer","expires_in":"1800"}"#,
        ))
        .unwrap();
        assert_eq!(g.expires_in, Some(1800));
        assert!(g.scope.is_none());
    }

    #[test]
    fn malformed_success_bodies() {
        let cases = [
            ("", "Empty"),
            ("{\"token_type\":\"Bearer\"}", "no access_token"),
            ("{\"access_token\":\"t\"}", "no token_type"),
            (
                "{\"access_token\":\"t\",\"token_type\":\"x\",\"expires_in\":-1}",
                "whole number",
            ),
            ("{\"access_token\":\"t\",", "ends too early"),
            ("<!DOCTYPE html><title>Login</title>", "HtmlPage"),
        ];
        for (body, want) in cases {
            let f = interpret(&resp(200, "application/json", body)).unwrap_err();
            assert!(format!("{f:?}").contains(want), "{body}: {f:?}");
        }
        let f = interpret(&resp(200, "text/html; charset=utf-8", "<p>Sign in</p>")).unwrap_err();
        assert!(matches!(f, Failure::HtmlPage { status: 200 }));
    }

    #[test]
    fn oauth_errors() {
        let f = interpret(&resp(
            400,
            "application/json",
            r#"{"error":"invalid_scope","error_description":"bad\nscope"}"#,
        ))
        .unwrap_err();
        assert!(
            matches!(&f, Failure::OAuth { status: 400, error: OAuthError::InvalidScope, description: Some(d) } if d == "bad scope"),
            "{f:?}"
        );
        let f = interpret(&resp(
            401,
            "application/json",
            r#"{"error":"invalid_client"}"#,
        ))
        .unwrap_err();
        assert!(matches!(
            f,
            Failure::OAuth {
                error: OAuthError::InvalidClient,
                ..
            }
        ));
    }

    #[test]
    fn answers_that_are_not_oauth() {
        assert!(matches!(
            interpret(&resp(401, "", "")).unwrap_err(),
            Failure::Unauthorized { status: 401 }
        ));
        assert!(matches!(
            interpret(&resp(404, "text/html", "<html>nope")).unwrap_err(),
            Failure::NotFound
        ));
        assert!(matches!(
            interpret(&resp(502, "text/plain", "bad gateway")).unwrap_err(),
            Failure::ServerError { status: 502 }
        ));
        assert!(matches!(
            interpret(&resp(400, "text/html", "<html>")).unwrap_err(),
            Failure::HtmlPage { status: 400 }
        ));
        let mut r = resp(302, "", "");
        r.location = Some("https://sso.example.com/login".into());
        assert!(matches!(
            interpret(&r).unwrap_err(),
            Failure::Redirect {
                status: 302,
                location: Some(_)
            }
        ));
        let mut r = resp(200, "application/json", "{");
        r.truncated = true;
        assert!(matches!(
            interpret(&r).unwrap_err(),
            Failure::TooLarge { .. }
        ));
    }

    #[test]
    fn log_redaction() {
        let b = redact_body(
            200,
            br#"{"access_token":"canary-tok","token_type":"Bearer","refresh_token":"r"}"#,
        );
        assert!(
            !b.contains("canary") && b.contains("[redacted]") && b.contains("Bearer"),
            "{b}"
        );
        assert_eq!(
            redact_body(200, b"access_token=canary"),
            "[19 bytes, not JSON, not shown]"
        );
        assert_eq!(redact_body(500, b"oops\nbroken"), "oops broken");
    }
}
