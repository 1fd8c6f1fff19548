//! How `token` writes a token for the program that reads it: the token alone, a header, JSON,
//! kubectl's ExecCredential, or assignments for POSIX shells, fish and PowerShell. Pure.

use std::time::SystemTime;

use crate::cli::args::TokenFormat;
use crate::protocol::token::NotBearer;
use crate::rules::secret::Secret;
use crate::session::cache::Cached;

/// The ExecCredential versions kubectl may ask for (in `KUBERNETES_EXEC_INFO`); v1 otherwise.
const EXEC_CREDENTIAL_VERSIONS: [&str; 2] = [
    "client.authentication.k8s.io/v1",
    "client.authentication.k8s.io/v1beta1",
];

#[derive(Debug)]
pub enum FormatError {
    /// `--format header` writes Bearer headers only.
    NotBearer(NotBearer),
}

/// The text to hand over (a newline follows it on stdout and in a file). `names` are the
/// variables of the shell formats; `exec_info` is kubectl's `KUBERNETES_EXEC_INFO`, if any.
pub fn render(
    token: &Cached,
    cached: bool,
    format: TokenFormat,
    names: &[String],
    exec_info: Option<&str>,
    now: SystemTime,
) -> Result<Secret, FormatError> {
    let value = token.access_token.expose();
    let expires_at = token
        .expires_at
        .map(|at| humantime::format_rfc3339_seconds(at).to_string());
    Ok(Secret::new(match format {
        TokenFormat::Raw => value.to_string(),
        TokenFormat::Header => {
            let v = crate::protocol::token::bearer_value(&token.token_type, value)
                .map_err(FormatError::NotBearer)?;
            format!("Authorization: {v}")
        }
        TokenFormat::Json => serde_json::json!({
            "schema_version": 1,
            "access_token": value,
            "token_type": token.token_type,
            "expires_in": token.remaining(now).map(|d| d.as_secs()),
            "expires_at": expires_at,
            "scope": token.scope.as_ref().map(|s| s.join(" ")),
            "cached": cached,
        })
        .to_string(),
        TokenFormat::ExecCredential => {
            let mut status = serde_json::json!({ "token": value });
            // Without it kubectl keeps the token for as long as it runs, which is right for a
            // token of unknown lifetime.
            if let Some(at) = expires_at {
                status["expirationTimestamp"] = at.into();
            }
            serde_json::json!({
                "apiVersion": exec_credential_version(exec_info),
                "kind": "ExecCredential",
                "status": status,
            })
            .to_string()
        }
        TokenFormat::Env => lines(names, |n| format!("export {n}={}", sh_quote(value))),
        TokenFormat::Fish => lines(names, |n| format!("set -gx {n} {}", fish_quote(value))),
        TokenFormat::Powershell => lines(names, |n| format!("$Env:{n} = {}", ps_quote(value))),
    }))
}

fn lines(names: &[String], line: impl Fn(&str) -> String) -> String {
    names.iter().map(|n| line(n)).collect::<Vec<_>>().join("\n")
}

/// The version kubectl asked for when it is one this program writes; v1 otherwise (the
/// variable is kubectl's, but anything in the environment is checked before use).
fn exec_credential_version(exec_info: Option<&str>) -> &'static str {
    let asked = exec_info
        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
        .and_then(|v| v.get("apiVersion")?.as_str().map(str::to_owned));
    EXEC_CREDENTIAL_VERSIONS
        .into_iter()
        .find(|v| asked.as_deref() == Some(*v))
        .unwrap_or(EXEC_CREDENTIAL_VERSIONS[0])
}

/// POSIX sh: inside single quotes nothing is special but the quote itself.
fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// fish: inside single quotes only `\\` and `\'` are escapes.
fn fish_quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'"))
}

/// PowerShell: inside single quotes a quote is doubled (and so are its typographic forms).
fn ps_quote(value: &str) -> String {
    let mut out = String::from("'");
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::rules::secret::AccessToken;

    fn token(value: &str) -> Cached {
        Cached {
            access_token: AccessToken::new(value.to_string()),
            token_type: "Bearer".into(),
            expires_at: Some(UNIX_EPOCH + Duration::from_secs(1_800_000_000)),
            scope: None,
        }
    }

    fn out(format: TokenFormat, value: &str, info: Option<&str>) -> String {
        let names = ["BEARER_TOKEN".to_string(), "COUPA_ACCESS_TOKEN".to_string()];
        render(&token(value), false, format, &names, info, UNIX_EPOCH)
            .unwrap()
            .expose()
            .to_string()
    }

    #[test]
    fn exec_credential_has_the_expiry_and_the_version_asked_for() {
        let doc: serde_json::Value =
            serde_json::from_str(&out(TokenFormat::ExecCredential, "abc", None)).unwrap();
        assert_eq!(doc["apiVersion"], "client.authentication.k8s.io/v1");
        assert_eq!(doc["kind"], "ExecCredential");
        assert_eq!(doc["status"]["token"], "abc");
        assert_eq!(doc["status"]["expirationTimestamp"], "2027-01-15T08:00:00Z");
        let beta = r#"{"apiVersion":"client.authentication.k8s.io/v1beta1","spec":{}}"#;
        let doc: serde_json::Value =
            serde_json::from_str(&out(TokenFormat::ExecCredential, "abc", Some(beta))).unwrap();
        assert_eq!(doc["apiVersion"], "client.authentication.k8s.io/v1beta1");
        for odd in ["{", r#"{"apiVersion":"evil/v9"}"#, "[]"] {
            let doc: serde_json::Value =
                serde_json::from_str(&out(TokenFormat::ExecCredential, "abc", Some(odd))).unwrap();
            assert_eq!(
                doc["apiVersion"], "client.authentication.k8s.io/v1",
                "{odd}"
            );
        }
    }

    #[test]
    fn shell_lines_name_every_variable() {
        assert_eq!(
            out(TokenFormat::Env, "a b", None),
            "export BEARER_TOKEN='a b'\nexport COUPA_ACCESS_TOKEN='a b'"
        );
        assert_eq!(
            out(TokenFormat::Fish, "x", None),
            "set -gx BEARER_TOKEN 'x'\nset -gx COUPA_ACCESS_TOKEN 'x'"
        );
        assert_eq!(
            out(TokenFormat::Powershell, "x", None),
            "$Env:BEARER_TOKEN = 'x'\n$Env:COUPA_ACCESS_TOKEN = 'x'"
        );
    }

    /// Every shell reads back exactly the value, whatever it holds (the real shells are run on
    /// these by the suite; here the quoting is undone by each shell's rule).
    #[test]
    fn quoting_round_trips() {
        let values = [
            "plain",
            "it's",
            r"back\slash",
            "$(rm -rf ~)",
            "`x`",
            "a'b'\\'c",
            "‘’",
        ];
        for v in values {
            assert_eq!(shell_words::split(&sh_quote(v)).unwrap(), vec![v], "sh {v}");
            let fish = fish_quote(v);
            let inner = &fish[1..fish.len() - 1];
            assert_eq!(
                inner.replace(r"\'", "'").replace(r"\\", "\\"),
                v,
                "fish {v}"
            );
            let ps = ps_quote(v);
            let inner = &ps[1..ps.len() - 1];
            let mut back = String::new();
            let mut chars = inner.chars().peekable();
            while let Some(c) = chars.next() {
                back.push(c);
                if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}') {
                    assert_eq!(chars.next(), Some(c), "powershell {v}");
                }
            }
            assert_eq!(back, v, "powershell {v}");
        }
    }
}
