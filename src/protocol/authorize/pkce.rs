//! PKCE with S256 (RFC 7636 §4.1–4.2) and the random values of one authorization.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::rules::secret::Secret;

/// `n` random bytes, base64url without padding. `None` only when the OS has no randomness, in
/// which case no authorization must start.
pub fn random_token(n: usize) -> Option<String> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

/// A PKCE code verifier (RFC 7636 §4.1): redacted, and neither `Clone` nor `Copy`, so the one
/// value made for an authorization is moved into its one code exchange and cannot be kept.
#[derive(Debug)]
pub struct PkceVerifier(Secret);

impl PkceVerifier {
    pub fn new(verifier: impl Into<String>) -> Self {
        Self(Secret::new(verifier))
    }

    pub fn as_secret(&self) -> &Secret {
        &self.0
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// A code verifier and its S256 challenge.
#[derive(Debug)]
pub struct Pkce {
    pub verifier: PkceVerifier,
    pub challenge: String,
}

impl Pkce {
    /// 32 random bytes of verifier (43 characters), as RFC 7636 §4.1 recommends.
    pub fn new() -> Option<Self> {
        Some(Self::from_verifier(PkceVerifier::new(random_token(32)?)))
    }

    pub fn from_verifier(verifier: PkceVerifier) -> Self {
        let digest = Sha256::digest(verifier.expose().as_bytes());
        Self {
            challenge: URL_SAFE_NO_PAD.encode(digest),
            verifier,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7636_appendix_b() {
        let p = Pkce::from_verifier(PkceVerifier::new(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        ));
        assert_eq!(p.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn verifiers_are_43_unreserved_characters_and_differ() {
        let a = Pkce::new().unwrap();
        let v = a.verifier.expose();
        assert_eq!(v.len(), 43);
        assert!(
            v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        );
        assert_ne!(v, Pkce::new().unwrap().verifier.expose());
        assert!(!format!("{a:?}").contains(v));
        assert_eq!(random_token(16).unwrap().len(), 22);
    }
}
