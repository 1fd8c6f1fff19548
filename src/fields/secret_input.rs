//! The client secret rule: paste artefacts are removed and the user is told what was removed.

use super::{Field, FieldError, Validated};
use crate::secret::Secret;

pub fn parse_secret(raw: Secret) -> Result<Validated<Secret>, FieldError> {
    let text = raw.expose();
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(
            Field::ClientSecret,
            "is empty; copy the Secret shown on the saved client (click Show first)",
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
        warnings.push(format!("client secret: {}", describe_trim(text, trimmed)));
    }
    if trimmed.chars().any(char::is_whitespace) {
        warnings.push(
            "client secret: contains spaces inside; secrets rarely do, so check the copy".into(),
        );
    }
    let value = if trimmed.len() == text.len() {
        raw
    } else {
        Secret::new(trimmed)
    };
    Ok(Validated { value, warnings })
}

fn describe_trim(text: &str, trimmed: &str) -> String {
    let start = text.len() - text.trim_start().len();
    let end = text.len() - text.trim_end().len();
    let tail = &text[text.len() - end..];
    let what = if start == 0 && (tail == "\n" || tail == "\r\n") {
        "a trailing newline was removed".to_string()
    } else {
        format!(
            "{} surrounding whitespace character{} removed",
            start + end,
            if start + end == 1 { " was" } else { "s were" }
        )
    };
    format!("received {} characters; {what}", trimmed.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paste_artefacts_are_trimmed_and_reported() {
        let v = parse_secret(Secret::new("s3cr3t\n")).unwrap();
        assert_eq!(v.value.expose(), "s3cr3t");
        assert_eq!(
            v.warnings,
            ["client secret: received 6 characters; a trailing newline was removed"]
        );
        let v = parse_secret(Secret::new("  s3cr3t\t\r\n")).unwrap();
        assert_eq!(v.value.expose(), "s3cr3t");
        assert!(v.warnings[0].contains("5 surrounding whitespace characters were removed"));
        let v = parse_secret(Secret::new("s3cr3t")).unwrap();
        assert!(v.warnings.is_empty());
    }

    #[test]
    fn empty_or_binary_is_refused_without_echoing() {
        let e = parse_secret(Secret::new(" \n")).unwrap_err();
        assert!(e.to_string().starts_with("client secret: is empty"));
        let e = parse_secret(Secret::new("ab\0cd")).unwrap_err();
        assert!(e.message.contains("control characters"));
        assert!(!e.to_string().contains("ab"));
    }
}
