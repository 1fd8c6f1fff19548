//! The client secret rule: paste artefacts are removed and the user is told what was removed.

use std::fmt;

use super::{Field, FieldError, Validated};
use crate::rules::secret::ClientSecret;

/// What the secret rule noticed about an accepted secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretWarning {
    /// Surrounding whitespace was removed: the receipt of a paste, not a reason to stop.
    Trimmed { kept: usize, removed: Trim },
    /// Whitespace inside the secret: secrets rarely have any, so the copy is suspect.
    InnerWhitespace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trim {
    TrailingNewline,
    Whitespace(usize),
}

impl fmt::Display for SecretWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Trimmed { kept, removed } => {
                write!(f, "received {}; ", super::count(*kept, "character"))?;
                match removed {
                    Trim::TrailingNewline => f.write_str("a trailing newline was removed"),
                    Trim::Whitespace(1) => {
                        f.write_str("1 surrounding whitespace character was removed")
                    }
                    Trim::Whitespace(n) => {
                        write!(f, "{n} surrounding whitespace characters were removed")
                    }
                }
            }
            Self::InnerWhitespace => {
                f.write_str("contains spaces inside; secrets rarely do, so check the copy")
            }
        }
    }
}

pub fn parse_secret(
    raw: ClientSecret,
) -> Result<Validated<ClientSecret, SecretWarning>, FieldError> {
    let text = raw.expose();
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(
            Field::ClientSecret,
            "is empty; copy the secret shown on the saved client",
        ));
    }
    let lines = trimmed.lines().count();
    if lines > 1 {
        return Err(FieldError::new(
            Field::ClientSecret,
            format!("has {lines} lines; a client secret is one line, so copy only the secret"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(FieldError::new(
            Field::ClientSecret,
            "contains control characters (for example a NUL byte or an escape); copy it again \
             from the client page",
        ));
    }
    let mut warnings = Vec::new();
    if trimmed.len() != text.len() {
        warnings.push(SecretWarning::Trimmed {
            kept: trimmed.chars().count(),
            removed: trim_of(text),
        });
    }
    if trimmed.chars().any(char::is_whitespace) {
        warnings.push(SecretWarning::InnerWhitespace);
    }
    let value = if trimmed.len() == text.len() {
        raw
    } else {
        ClientSecret::new(trimmed)
    };
    Ok(Validated { value, warnings })
}

fn trim_of(text: &str) -> Trim {
    let start = text.len() - text.trim_start().len();
    let end = text.len() - text.trim_end().len();
    let tail = &text[text.len() - end..];
    if start == 0 && (tail == "\n" || tail == "\r\n") {
        Trim::TrailingNewline
    } else {
        Trim::Whitespace(start + end)
    }
}

impl Validated<ClientSecret, SecretWarning> {
    /// The paste receipt: "received 64 characters; a trailing newline was removed".
    pub fn receipt(&self) -> String {
        self.warnings.iter().find(|w| w.is_receipt()).map_or_else(
            || {
                format!(
                    "received {}",
                    super::count(self.value.char_count(), "character")
                )
            },
            ToString::to_string,
        )
    }
}

impl SecretWarning {
    /// Whether this is only the receipt of a paste (which never stops a step).
    pub fn is_receipt(self) -> bool {
        matches!(self, Self::Trimmed { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paste_artefacts_are_trimmed_and_reported() {
        let v = parse_secret(ClientSecret::new("s3cr3t\n")).unwrap();
        assert_eq!(v.value.expose(), "s3cr3t");
        assert_eq!(
            v.warnings,
            [SecretWarning::Trimmed {
                kept: 6,
                removed: Trim::TrailingNewline
            }]
        );
        assert_eq!(
            v.warnings[0].to_string(),
            "received 6 characters; a trailing newline was removed"
        );
        let v = parse_secret(ClientSecret::new("  s3cr3t\t\r\n")).unwrap();
        assert_eq!(v.value.expose(), "s3cr3t");
        assert!(
            v.warnings[0]
                .to_string()
                .contains("5 surrounding whitespace characters were removed")
        );
        let v = parse_secret(ClientSecret::new("s3cr3t")).unwrap();
        assert!(v.warnings.is_empty());
        let v = parse_secret(ClientSecret::new("s3 cr3t")).unwrap();
        assert_eq!(v.warnings, [SecretWarning::InnerWhitespace]);
    }

    #[test]
    fn empty_or_binary_is_refused_without_echoing() {
        let e = parse_secret(ClientSecret::new(" \n")).unwrap_err();
        assert!(e.to_string().starts_with("client secret: is empty"));
        let e = parse_secret(ClientSecret::new("ab\0cd")).unwrap_err();
        assert!(e.message.contains("control characters"));
        assert!(!e.to_string().contains("ab"));
        // A line break is not called a control character: the lines are counted.
        let e = parse_secret(ClientSecret::new("acme-basic\nBasic-S3cr3t\n")).unwrap_err();
        assert!(e.message.starts_with("has 2 lines"), "{e}");
        assert!(!e.to_string().contains("S3cr3t"));
    }
}
