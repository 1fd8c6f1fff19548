//! What a token from a server must look like before it is stored, printed or put into a header
//! (RFC 6749 §A.12 and §A.17: visible ASCII and space; RFC 6750 §2.1: a Bearer header's b64token),
//! and the caps on every number a server sends. Pure.

/// Longer than any real token (a large JWT is a few KiB), small enough for every store.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;
/// An access token lifetime beyond a year is taken as a year: the cache never trusts longer.
pub const MAX_ACCESS_LIFETIME: u64 = 366 * 24 * 3600;
/// A refresh token lifetime beyond ten years is taken as ten years.
pub const MAX_REFRESH_LIFETIME: u64 = 10 * 366 * 24 * 3600;

/// Why a token is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenProblem {
    #[error("it is {len} bytes long (at most {MAX_TOKEN_LEN} are taken)")]
    TooLong { len: usize },
    #[error("it holds {what} at position {position}")]
    BadChar { position: usize, what: &'static str },
}

/// A token's characters: visible ASCII and space, nothing else (no CR/LF, no control, no
/// non-ASCII), within the length cap.
pub fn check_token(value: &str) -> Result<(), TokenProblem> {
    if value.len() > MAX_TOKEN_LEN {
        return Err(TokenProblem::TooLong { len: value.len() });
    }
    if let Some((position, c)) = value
        .chars()
        .enumerate()
        .find(|(_, c)| !(' '..='~').contains(c))
    {
        let what = match c {
            '\r' | '\n' => "a line break",
            c if c.is_control() => "a control character",
            _ => "a non-ASCII character",
        };
        return Err(TokenProblem::BadChar { position, what });
    }
    Ok(())
}

/// RFC 6750's b64token: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
pub fn is_b64token(value: &str) -> bool {
    let body = value.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

/// RFC 6749's type-name, bounded: how a `token_type` must look to be shown or used.
pub fn is_token_type(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

/// Why a token does not go into an `Authorization: Bearer` header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotBearer {
    #[error("the server issued a token of type {0}, not Bearer")]
    OtherType(String),
    #[error("the token has characters a Bearer header cannot carry (RFC 6750 b64token)")]
    NotB64Token,
}

/// `Bearer <token>`, only for a Bearer token whose characters the header allows.
pub fn bearer_value(token_type: &str, token: &str) -> Result<String, NotBearer> {
    if !token_type.eq_ignore_ascii_case("bearer") {
        return Err(NotBearer::OtherType(token_type.to_string()));
    }
    if !is_b64token(token) {
        return Err(NotBearer::NotB64Token);
    }
    Ok(format!("Bearer {token}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tokens_and_headers() {
        assert!(check_token("eyJ.a-b_c~d+e/f==").is_ok());
        assert!(
            check_token("has a space").is_ok(),
            "RFC 6749 allows a space"
        );
        assert_eq!(
            check_token("tok\r\nX-Injected: 1"),
            Err(TokenProblem::BadChar {
                position: 3,
                what: "a line break"
            })
        );
        assert!(matches!(
            check_token("t\x1b[2J"),
            Err(TokenProblem::BadChar {
                what: "a control character",
                ..
            })
        ));
        assert!(matches!(
            check_token("tökén"),
            Err(TokenProblem::BadChar {
                what: "a non-ASCII character",
                ..
            })
        ));
        assert!(matches!(
            check_token(&"a".repeat(MAX_TOKEN_LEN + 1)),
            Err(TokenProblem::TooLong { .. })
        ));
        assert_eq!(bearer_value("bearer", "abc=").unwrap(), "Bearer abc=");
        assert_eq!(
            bearer_value("DPoP", "abc"),
            Err(NotBearer::OtherType("DPoP".into()))
        );
        assert_eq!(bearer_value("Bearer", "a b"), Err(NotBearer::NotB64Token));
        assert_eq!(bearer_value("Bearer", "=="), Err(NotBearer::NotB64Token));
        assert!(is_token_type("Bearer") && !is_token_type("Bearer\x1b[31m") && !is_token_type(""));
    }

    proptest! {
        #[test]
        fn a_checked_bearer_value_is_one_header_line(t in any::<String>()) {
            if check_token(&t).is_ok() && let Ok(v) = bearer_value("Bearer", &t) {
                prop_assert!(v.bytes().all(|b| (0x21..=0x7e).contains(&b) || b == b' '));
            }
        }
    }
}
