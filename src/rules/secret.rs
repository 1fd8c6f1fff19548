//! The one type that carries a client secret or an access token.

use std::fmt;

use zeroize::Zeroize;

/// A secret value. Debug and Display print a redaction; the memory is wiped on drop; the value is
/// reachable only through [`Secret::expose`], so every use is easy to find.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Call only where the value must leave the program: a request to the
    /// token endpoint, a secret store, or `token`'s stdout.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn char_count(&self) -> usize {
        self.0.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A secret of one kind, so one kind cannot be passed where another is meant (an access token
/// sent as a refresh token, a token stored as a client secret), as oauth2-rs types them.
macro_rules! secret_kind {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(Secret);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(Secret::new(value))
            }

            /// See [`Secret::expose`].
            pub fn expose(&self) -> &str {
                self.0.expose()
            }

            pub fn char_count(&self) -> usize {
                self.0.char_count()
            }

            /// As a stored value, for the store that keeps it.
            pub fn as_secret(&self) -> &Secret {
                &self.0
            }
        }

        impl From<Secret> for $name {
            fn from(secret: Secret) -> Self {
                Self(secret)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_kind!(
    /// An access token (RFC 6749 §1.4): sent to the API, cached, handed to `token`.
    AccessToken
);
secret_kind!(
    /// A client's secret (RFC 6749 §2.3.1): sent only to the token endpoint, kept in its store.
    ClientSecret
);
secret_kind!(
    /// A refresh token (RFC 6749 §1.5): sent only to the token endpoint, kept in the store.
    RefreshToken
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("canary-7f3e9b");
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&s)), "Some(Secret([redacted]))");
        assert_eq!(s.expose(), "canary-7f3e9b");
    }

    #[test]
    fn each_kind_is_redacted_under_its_own_name() {
        let a = AccessToken::new("canary-at");
        let r = RefreshToken::from(Secret::new("canary-rt"));
        assert_eq!(
            format!("{a:?} {r:?}"),
            "AccessToken([redacted]) RefreshToken([redacted])"
        );
        assert_eq!(
            (a.expose(), r.as_secret().expose()),
            ("canary-at", "canary-rt")
        );
    }

    #[test]
    fn char_count_counts_characters_not_bytes() {
        assert_eq!(Secret::new("ΩΩ").char_count(), 2);
    }
}
