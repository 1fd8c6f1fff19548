//! The scopes rule: a pasted list becomes a clean, ordered, de-duplicated set.

use super::{Field, FieldError, Validated};
use crate::rules::provider::{Access, Provider, ScopeGrammar};

pub fn parse_scopes(
    input: &str,
    provider: &Provider,
) -> Result<Validated<Vec<String>>, FieldError> {
    let mut scopes: Vec<String> = Vec::new();
    for name in input.split(|c: char| c.is_whitespace() || c == ',') {
        if !name.is_empty() && !scopes.iter().any(|s| s == name) {
            scopes.push(name.to_string());
        }
    }
    if scopes.is_empty() {
        if provider.scopes_required {
            let example = provider
                .minimum_scope
                .as_deref()
                .map(|m| format!(", e.g. {m}"))
                .unwrap_or_default();
            return Err(FieldError::new(
                Field::Scopes,
                format!("is empty; enter at least one scope the client has{example}"),
            ));
        }
        return Ok(Validated::ok(scopes));
    }
    let strict = provider.scope_grammar == ScopeGrammar::DottedLowerCase;
    let mut unknown = Vec::new();
    for name in &scopes {
        if let Some(reason) = malformed(name, strict) {
            let hint = suggestion(name, provider)
                .map(|s| format!("; did you mean {s}?"))
                .unwrap_or_default();
            return Err(FieldError::new(
                Field::Scopes,
                format!("\"{name}\" is not a scope name ({reason}){hint}"),
            ));
        }
        if !provider.scopes.is_empty() && provider.scope(name).is_none() {
            unknown.push(name.as_str());
        }
    }
    let mut warnings = Vec::new();
    if !unknown.is_empty() {
        warnings.push(format!(
            "not in the {} scope catalogue: {}; they are kept, so check they are spelled as \
             on the client form",
            provider.display_name,
            unknown.join(", ")
        ));
    }
    Ok(Validated {
        value: scopes,
        warnings,
    })
}

/// Why a name cannot be a scope. Coupa names follow `service.object.right` in lower case;
/// elsewhere RFC 6749 §3.3 allows any printable ASCII except space, `"` and `\`.
fn malformed(name: &str, strict: bool) -> Option<&'static str> {
    let rfc_ok = name
        .chars()
        .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\');
    if !rfc_ok {
        return Some("only printable ASCII without quotes or backslashes is allowed");
    }
    if !strict {
        return None;
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Some("scope names are lower case");
    }
    let parts_ok = name.split('.').all(|p| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    });
    if !parts_ok {
        return Some("use lower-case words joined by dots, like core.common.read");
    }
    None
}

fn suggestion<'a>(name: &str, provider: &'a Provider) -> Option<&'a str> {
    let lowered = name.to_ascii_lowercase().replace(['-', ' '], "_");
    provider.scope(&lowered).map(|s| s.name.as_str())
}

/// Write scopes whose read scope is not also selected (`core.invoice.write` without
/// `core.invoice.read`): usually a mistake, since most writes need to read first.
pub fn write_without_read<'a>(scopes: &'a [String], provider: &Provider) -> Vec<&'a str> {
    scopes
        .iter()
        .filter(|s| provider.scope(s).is_some_and(|i| i.access == Access::Write))
        .filter(|s| {
            let read = format!(
                "{}.read",
                s.rsplit_once('.').map_or(s.as_str(), |(base, _)| base)
            );
            provider.scope(&read).is_some() && !scopes.contains(&read)
        })
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coupa(input: &str) -> Result<Validated<Vec<String>>, FieldError> {
        parse_scopes(input, Provider::get("coupa").unwrap())
    }

    #[test]
    fn space_or_comma_separated_with_duplicates_dropped() {
        let v = coupa("core.common.read, core.invoice.read core.common.read\n core.user.read,,")
            .unwrap();
        assert_eq!(
            v.value,
            ["core.common.read", "core.invoice.read", "core.user.read"]
        );
        assert!(v.warnings.is_empty());
    }

    #[test]
    fn unknown_but_well_formed_is_a_warning() {
        let v = coupa("core.common.read core.brand_new.read").unwrap();
        assert_eq!(v.value.len(), 2);
        assert!(
            v.warnings[0].contains("core.brand_new.read"),
            "{:?}",
            v.warnings
        );
    }

    #[test]
    fn malformed_names_are_refused_with_a_suggestion() {
        let e = coupa("Core.Common.Read").unwrap_err();
        assert_eq!(
            e.to_string(),
            "scopes: \"Core.Common.Read\" is not a scope name (scope names are lower case); did you mean core.common.read?"
        );
        assert!(
            coupa("core..read")
                .unwrap_err()
                .message
                .contains("joined by dots")
        );
        assert!(
            coupa("core.cömmon.read")
                .unwrap_err()
                .message
                .contains("printable ASCII")
        );
        assert!(
            coupa("\"core.common.read\"")
                .unwrap_err()
                .message
                .contains("printable ASCII")
        );
    }

    #[test]
    fn empty_is_refused_for_coupa_only() {
        assert!(coupa("  , ").unwrap_err().message.starts_with("is empty"));
        let g = Provider::get("generic").unwrap();
        assert!(parse_scopes("", g).unwrap().value.is_empty());
        assert_eq!(
            parse_scopes("read:org api://x/.default", g)
                .unwrap()
                .value
                .len(),
            2
        );
    }

    #[test]
    fn flags_write_without_read() {
        let coupa = Provider::get("coupa").unwrap();
        let s: Vec<String> = ["core.invoice.write", "core.user.write", "core.user.read"]
            .map(String::from)
            .into();
        assert_eq!(write_without_read(&s, coupa), ["core.invoice.write"]);
    }
}
