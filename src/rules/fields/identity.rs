//! Rules for the plain text fields: client name, login, contact, client id, profile name.

use email_address::{EmailAddress, Options};

use super::{Field, FieldError, Instance, has_control};

const MAX_TEXT: usize = 255;

fn required_text(field: Field, input: &str, example: &str) -> Result<String, FieldError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, format!("is empty; enter {example}")));
    }
    if has_control(value) {
        return Err(FieldError::new(
            field,
            "contains control characters (a tab, escape or NUL); type it again as plain text",
        ));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(FieldError::new(
            field,
            format!(
                "is {} characters long; at most {MAX_TEXT} are allowed, so shorten it",
                value.chars().count()
            ),
        ));
    }
    Ok(value.to_string())
}

pub fn parse_client_name(input: &str) -> Result<String, FieldError> {
    required_text(
        Field::ClientName,
        input,
        "a name for the client, e.g. \"ERP invoice sync\"",
    )
}

pub fn parse_contact_name(field: Field, input: &str) -> Result<String, FieldError> {
    required_text(
        field,
        input,
        "the name of the person responsible for this integration",
    )
}

pub fn parse_login(input: &str) -> Result<String, FieldError> {
    let value = required_text(Field::Login, input, "a login, e.g. erp-invoice-sync")?;
    if value.chars().any(char::is_whitespace) {
        return Err(FieldError::new(
            Field::Login,
            format!(
                "\"{value}\" contains spaces; Coupa logins have none, e.g. {}",
                value.split_whitespace().collect::<Vec<_>>().join("-")
            ),
        ));
    }
    Ok(value)
}

/// Coupa refuses a second client with the same login ("Login has already been taken"), so catch it
/// here among the local profiles of the same instance.
pub fn check_login_unique<'a>(
    login: &str,
    instance_url: &str,
    others: impl IntoIterator<Item = (&'a str, &'a str, Option<&'a str>)>,
) -> Result<(), FieldError> {
    for (profile, instance, other_login) in others {
        if instance == instance_url && other_login.is_some_and(|l| l.eq_ignore_ascii_case(login)) {
            return Err(FieldError::new(
                Field::Login,
                format!(
                    "\"{login}\" is already used by profile {profile} on {instance}; Coupa would \
                     answer \"Login has already been taken\", so choose another login"
                ),
            ));
        }
    }
    Ok(())
}

pub fn parse_contact_email(input: &str) -> Result<String, FieldError> {
    let value = required_text(
        Field::ContactEmail,
        input,
        "an address, e.g. jane.doe@example.com",
    )?;
    // A real mailbox needs a domain with a dot; RFC 5321 alone would accept "jane@localhost".
    let options = Options::default()
        .with_required_tld()
        .without_display_text()
        .without_domain_literal();
    EmailAddress::parse_with_options(&value, options)
        .map(|e| e.as_str().to_string())
        .map_err(|e| {
            let reason = e.to_string();
            let reason = reason.trim_end_matches('.');
            let mut chars = reason.chars();
            let reason: String = chars.next().map(|c| c.to_ascii_lowercase()).into_iter().chain(chars).collect();
            FieldError::new(
                Field::ContactEmail,
                format!("\"{value}\" is not an email address ({reason}); enter e.g. jane.doe@example.com"),
            )
        })
}

pub fn parse_client_id(input: &str) -> Result<String, FieldError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(FieldError::new(
            Field::ClientId,
            "is empty; copy the client id shown on the saved client",
        ));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(FieldError::new(
            Field::ClientId,
            "contains spaces or control characters; copy the client id again, without spaces",
        ));
    }
    Ok(value.to_string())
}

pub fn parse_profile_name(input: &str) -> Result<String, FieldError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(FieldError::new(
            Field::Profile,
            "is empty; enter a name, e.g. acme",
        ));
    }
    if value.chars().count() > 64 {
        return Err(FieldError::new(
            Field::Profile,
            format!(
                "is {} characters long; at most 64 are allowed, so shorten it",
                value.chars().count()
            ),
        ));
    }
    if value.starts_with('-') {
        return Err(FieldError::new(
            Field::Profile,
            format!(
                "\"{value}\" starts with '-', so commands would read it as an option; start \
                 with a letter or digit, e.g. {}",
                value.trim_start_matches('-')
            ),
        ));
    }
    // "." and ".." name folders, and a leading dot hides a file: the name also names files
    // (its lock) and store entries.
    if value.starts_with('.') {
        return Err(FieldError::new(
            Field::Profile,
            format!(
                "\"{value}\" starts with '.'; start with a letter or digit, e.g. {}",
                match value.trim_start_matches('.') {
                    "" => "acme",
                    rest => rest,
                }
            ),
        ));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(FieldError::new(
            Field::Profile,
            format!("\"{value}\" contains {bad:?}; use only letters, digits, '.', '_' and '-'"),
        ));
    }
    Ok(value.to_string())
}

/// `https://acme-test.coupahost.com` → `acme-test`.
pub fn derive_profile_name(inst: &Instance) -> String {
    let host = inst.host.trim_start_matches('[').trim_end_matches(']');
    if host == "localhost" || host.parse::<std::net::IpAddr>().is_ok() {
        return "local".into();
    }
    let first = host.split('.').next().unwrap_or_default();
    parse_profile_name(first).unwrap_or_else(|_| "profile".into())
}

/// `base`, or `base-2`, `base-3`, ... : the first name `taken` says is free.
pub fn free_profile_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|name| !taken(name))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_never_look_like_options_and_suggestions_are_free() {
        let e = parse_profile_name("-x").unwrap_err();
        assert!(e.message.contains("starts with '-'"), "{e}");
        assert!(e.message.contains("e.g. x"), "{e}");
        assert_eq!(parse_profile_name("a-x"), Ok("a-x".into()));
        assert_eq!(free_profile_name("acme", |_| false), "acme");
        let taken = ["acme", "acme-2"];
        assert_eq!(free_profile_name("acme", |n| taken.contains(&n)), "acme-3");
    }

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(parse_client_name("  ERP sync "), Ok("ERP sync".into()));
        assert_eq!(
            parse_client_name("Überweisung ✓"),
            Ok("Überweisung ✓".into())
        );
        let e = parse_client_name("   ").unwrap_err();
        assert!(
            e.to_string().starts_with("client name: is empty; enter"),
            "{e}"
        );
        assert!(
            parse_client_name("a\u{1b}[31m")
                .unwrap_err()
                .message
                .contains("control")
        );
        assert!(
            parse_client_name(&"x".repeat(256))
                .unwrap_err()
                .message
                .contains("255")
        );
        let e = parse_contact_name(Field::ContactLastName, "").unwrap_err();
        assert!(e.to_string().starts_with("contact last name: is empty"));
    }

    #[test]
    fn login_has_no_spaces_and_is_unique_per_instance() {
        assert_eq!(parse_login(" erp-sync "), Ok("erp-sync".into()));
        let e = parse_login("erp sync").unwrap_err();
        assert!(e.message.contains("e.g. erp-sync"), "{e}");
        let others = [("acme", "https://acme.coupahost.com", Some("erp-sync"))];
        let e = check_login_unique("ERP-sync", "https://acme.coupahost.com", others).unwrap_err();
        assert!(e.message.contains("Login has already been taken"), "{e}");
        assert!(check_login_unique("erp-sync", "https://other.coupahost.com", others).is_ok());
        assert!(check_login_unique("other", "https://acme.coupahost.com", others).is_ok());
    }

    #[test]
    fn email_is_a_real_address_check() {
        assert_eq!(
            parse_contact_email(" jane.doe@example.com "),
            Ok("jane.doe@example.com".into())
        );
        assert!(parse_contact_email("o'brien+erp@mail.example.co.uk").is_ok());
        for bad in [
            "jane",
            "jane@",
            "@example.com",
            "jane@localhost",
            "jane doe@example.com",
            "Jane <jane@example.com>",
            "jane@@example.com",
            "jane@exa mple.com",
        ] {
            let e = parse_contact_email(bad).unwrap_err();
            assert!(e.to_string().starts_with("contact email: "), "{bad}: {e}");
        }
    }

    #[test]
    fn client_id_has_no_whitespace() {
        assert_eq!(parse_client_id(" 3f2a9c\n"), Ok("3f2a9c".into()));
        assert!(
            parse_client_id("")
                .unwrap_err()
                .message
                .starts_with("is empty; copy the client id")
        );
        assert!(
            parse_client_id("3f2a 9c")
                .unwrap_err()
                .message
                .contains("spaces")
        );
    }

    #[test]
    fn profile_names() {
        assert_eq!(
            parse_profile_name("acme-test.v2_1"),
            Ok("acme-test.v2_1".into())
        );
        assert!(parse_profile_name(&"a".repeat(64)).is_ok());
        assert!(parse_profile_name(&"a".repeat(65)).is_err());
        assert!(parse_profile_name("").is_err());
        let e = parse_profile_name("acme/prod").unwrap_err();
        assert_eq!(
            e.to_string(),
            "profile name: \"acme/prod\" contains '/'; use only letters, digits, '.', '_' and '-'"
        );
        assert!(parse_profile_name("ácme").is_err());
        assert!(parse_profile_name("a b").is_err());
        // Names that are folders or hidden files: they also name a lock file and store entries.
        for dots in [".", "..", ".acme"] {
            let e = parse_profile_name(dots).unwrap_err();
            assert!(e.message.contains("starts with '.'"), "{dots}: {e}");
        }
        assert_eq!(parse_profile_name("acme.v2"), Ok("acme.v2".into()));
    }

    #[test]
    fn profile_names_come_from_the_instance() {
        let name = |input: &str| {
            let p = crate::rules::provider::Provider::get("coupa").unwrap();
            derive_profile_name(&super::super::parse_instance_url(input, p).unwrap().value)
        };
        assert_eq!(name("https://Acme-Test.coupahost.com/x"), "acme-test");
        assert_eq!(name("acme"), "acme");
        assert_eq!(name("http://127.0.0.1:8080"), "local");
        assert_eq!(name("http://[::1]:8080"), "local");
    }
}
