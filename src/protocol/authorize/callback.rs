//! The authorization answer (RFC 6749 §4.1.2, RFC 9207), from the loopback callback or pasted by
//! the user: the code is taken only when `state` matches exactly and `iss`, when sent, is the
//! server's.

use crate::rules::secret::Secret;

/// What this authorization must see in its answer.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub state: &'a str,
    /// The issuer, when known (discovered): an `iss` naming another server is a mix-up attack.
    pub issuer: Option<&'a str>,
    /// The server promised `iss` in every answer (RFC 9207 §2.4): one without it is refused.
    pub iss_required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("you (or the server's policy) refused access{}", detail(.description))]
    Denied { description: Option<String> },
    #[error("the server answered {code}{}", detail(.description))]
    Server {
        code: String,
        description: Option<String>,
    },
    #[error(
        "the answer belongs to another sign-in (its state does not match): nothing was exchanged"
    )]
    StateMismatch,
    #[error("the answer names issuer {sent}, not {expected}: nothing was exchanged")]
    IssuerMismatch { sent: String, expected: String },
    #[error(
        "the answer has no iss, which this server always sends (RFC 9207): nothing was exchanged"
    )]
    IssuerMissing,
    #[error("that is neither the address the browser ended on nor a code")]
    NoCode,
}

fn detail(description: &Option<String>) -> String {
    description
        .as_deref()
        .map(|d| format!(": {}", one_line(d)))
        .unwrap_or_default()
}

fn one_line(s: &str) -> String {
    crate::rules::sanitize::one_line(s, 300)
}

/// The code from a callback's query string.
pub fn from_query(query: &str, expected: Expected<'_>) -> Result<Secret, CallbackError> {
    let mut code = None;
    let (mut state, mut iss, mut error, mut description) = (None, None, None, None);
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "code" => code = Some(Secret::new(v.into_owned())),
            "state" => state = Some(v.into_owned()),
            "iss" => iss = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            "error_description" => description = Some(v.into_owned()),
            _ => {}
        }
    }
    // The state is checked first: an error from another sign-in is not this one's answer.
    if state.as_deref() != Some(expected.state) {
        return Err(CallbackError::StateMismatch);
    }
    if expected.iss_required && iss.is_none() {
        return Err(CallbackError::IssuerMissing);
    }
    if let (Some(sent), Some(want)) = (iss, expected.issuer)
        && sent != want
    {
        return Err(CallbackError::IssuerMismatch {
            sent: one_line(&sent),
            expected: want.to_string(),
        });
    }
    match error.as_deref() {
        Some("access_denied") => return Err(CallbackError::Denied { description }),
        Some(code) => {
            return Err(CallbackError::Server {
                code: crate::rules::sanitize::one_line(code, 80),
                description,
            });
        }
        None => {}
    }
    code.filter(|c| !c.is_empty()).ok_or(CallbackError::NoCode)
}

/// Shorter pasted text is not taken for a bare code (codes are long random strings).
const MIN_BARE_CODE: usize = 10;

/// The code from what the user pasted: the URL the browser was sent to (checked like a
/// callback), its query alone, or the bare code, which the user copied from their own browser.
pub fn from_paste(text: &str, expected: Expected<'_>) -> Result<Secret, CallbackError> {
    let text = text.trim();
    if let Some((_, query)) = text.split_once('?') {
        let query = query.split('#').next().unwrap_or_default();
        return from_query(query, expected);
    }
    if text.contains('=') {
        return from_query(text, expected);
    }
    // A code cannot be checked before it is spent, so a stray word is not taken for one.
    let code_like = text.len() >= MIN_BARE_CODE
        && text
            .chars()
            .all(|c| c.is_ascii_graphic() && !"\"'<>\\".contains(c));
    if !code_like {
        return Err(CallbackError::NoCode);
    }
    Ok(Secret::new(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXP: Expected<'static> = Expected {
        state: "s1",
        issuer: Some("https://as.example"),
        iss_required: false,
    };

    #[test]
    fn a_server_that_promised_iss_must_send_it() {
        let strict = Expected {
            iss_required: true,
            ..EXP
        };
        assert_eq!(
            from_query("code=abc&state=s1", strict),
            Err(CallbackError::IssuerMissing)
        );
        assert!(from_query("code=abc&state=s1&iss=https%3A%2F%2Fas.example", strict).is_ok());
    }

    #[test]
    fn the_code_only_with_the_exact_state_and_issuer() {
        let ok = from_query("code=abc&state=s1&iss=https%3A%2F%2Fas.example", EXP).unwrap();
        assert_eq!(ok.expose(), "abc");
        assert_eq!(
            from_query("code=abc&state=s1", EXP).unwrap().expose(),
            "abc",
            "iss is optional"
        );
        for q in [
            "code=abc",
            "code=abc&state=s2",
            "code=abc&state=S1",
            "code=abc&state=s1x",
        ] {
            assert_eq!(from_query(q, EXP), Err(CallbackError::StateMismatch), "{q}");
        }
        assert!(matches!(
            from_query("code=abc&state=s1&iss=https://evil.example", EXP),
            Err(CallbackError::IssuerMismatch { .. })
        ));
        assert_eq!(
            from_query("state=s1&code=", EXP),
            Err(CallbackError::NoCode)
        );
    }

    #[test]
    fn errors_are_named() {
        assert_eq!(
            from_query(
                "error=access_denied&error_description=no%0Athanks&state=s1",
                EXP
            ),
            Err(CallbackError::Denied {
                description: Some("no\nthanks".into())
            })
        );
        let e = from_query("error=invalid_scope&state=s1", EXP).unwrap_err();
        assert_eq!(e.to_string(), "the server answered invalid_scope");
        assert_eq!(
            from_query("error=access_denied&state=zz", EXP),
            Err(CallbackError::StateMismatch),
            "another sign-in's refusal is not ours"
        );
        let denied = CallbackError::Denied {
            description: Some("a\nb".into()),
        };
        assert!(!denied.to_string().contains('\n'));
    }

    #[test]
    fn a_paste_is_a_url_a_query_or_a_bare_code() {
        let url = "http://127.0.0.1:8765/callback?code=abc&state=s1#frag";
        assert_eq!(from_paste(url, EXP).unwrap().expose(), "abc");
        assert_eq!(
            from_paste("code=abc&state=s1", EXP).unwrap().expose(),
            "abc"
        );
        assert_eq!(
            from_paste("  abc-123.xyz  ", EXP).unwrap().expose(),
            "abc-123.xyz"
        );
        assert_eq!(
            from_paste("http://127.0.0.1:8765/callback?code=abc&state=old", EXP),
            Err(CallbackError::StateMismatch)
        );
        assert_eq!(from_paste("", EXP), Err(CallbackError::NoCode));
        assert_eq!(from_paste("two words", EXP), Err(CallbackError::NoCode));
        assert_eq!(
            from_paste("garbage", EXP),
            Err(CallbackError::NoCode),
            "too short"
        );
        assert_eq!(from_paste("<abcdefghijk>", EXP), Err(CallbackError::NoCode));
    }
}
