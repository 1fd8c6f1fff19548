//! The words for a token test's outcome and an import's plan, shared by the command line and
//! the app.

mod show;

use std::time::SystemTime;

use crate::protocol::token::{Context, TestFailure, TestOk};
use crate::stores::profile::Verification;

pub use show::profile_rows;

/// After a refused rotation, which failed with `failed`: what is known about the secret still
/// stored (not that it works: it may be the reason for the rotation). A last verification that
/// failed the same way is not said again.
pub fn unchanged_secret(last: Option<&Verification>, now: SystemTime, failed: &str) -> String {
    let age =
        |v: &Verification| crate::rules::timestamp::age(&v.at, now).unwrap_or_else(|| v.at.clone());
    match last {
        Some(v) if v.ok => format!(
            "the stored secret was not changed; it last passed verification {}",
            age(v)
        ),
        Some(v) if v.result.starts_with(failed) => format!(
            "the stored secret was not changed; its last verification failed the same way {}",
            age(v)
        ),
        Some(v) => format!(
            "the stored secret was not changed; its last verification failed {} ({})",
            age(v),
            v.result
        ),
        None => "the stored secret was not changed; it has never been verified".into(),
    }
}

/// After a lost race to rotate `whose` ("acme's secret", "the secret"): who won, when Vault
/// says ("(now version 3, by jane from build-7 at …)"), and that nothing was overwritten.
pub fn overtaken(whose: &str, now: Option<&crate::stores::vault::History>) -> String {
    let who = now.map_or(String::new(), |h| {
        let by = h
            .last_rotation()
            .map(|r| format!(", {r}"))
            .unwrap_or_default();
        format!(" (now version {}{by})", h.current)
    });
    format!("someone else rotated {whose} first{who}; nothing was overwritten")
}

/// How to sign `profile` in again, in the words of the front end on `surface`.
pub fn sign_in_again(profile: &str, surface: crate::protocol::token::Surface) -> String {
    match surface {
        crate::protocol::token::Surface::CommandLine => format!("run oauth-setup login {profile}"),
        crate::protocol::token::Surface::App => {
            "press l on the home screen to sign in again".into()
        }
    }
}

/// What a sign-in left, in one line (never a token): the access token's lifetime and whether
/// a refresh token came, and if not, what to do, in the words of the front end on `surface`.
pub fn signed_in(
    expires_in: Option<u64>,
    refresh: bool,
    refresh_scope: Option<&str>,
    surface: crate::protocol::token::Surface,
) -> String {
    let access = match expires_in {
        Some(s) => format!("an access token valid for {}", lifetime(s)),
        None => "an access token".to_string(),
    };
    let again = match surface {
        crate::protocol::token::Surface::CommandLine => "oauth-setup login",
        crate::protocol::token::Surface::App => "l at home",
    };
    match (refresh, refresh_scope) {
        (true, _) => format!("{access} and a refresh token"),
        (false, Some(scope)) => format!(
            "{access}, but no refresh token: add the scope {scope} to get one, or sign in again when it expires"
        ),
        (false, None) => {
            format!("{access}, but no refresh token: sign in again ({again}) when it expires")
        }
    }
}

pub fn describe_lifetime(expires_in: Option<u64>) -> String {
    match expires_in {
        Some(s) => format!("valid for {}", lifetime(s)),
        None => "lifetime not stated".into(),
    }
}

/// A token's lifetime in the same words everywhere: "1 h", "23 h 59 min", "5 min", "45 s".
pub fn lifetime(secs: u64) -> String {
    let (h, min) = (secs / 3600, secs % 3600 / 60);
    match (h, min) {
        (0, 0) => format!("{secs} s"),
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// The success report of a token test, without the token.
pub fn test_ok_lines(ok: &TestOk, requested: &[String]) -> Vec<String> {
    let g = &ok.granted;
    let mut lines = vec![format!(
        "token: {} token, {}",
        g.token_type,
        describe_lifetime(g.expires_in)
    )];
    match &g.scope {
        Some(granted) => lines.push(format!(
            "granted scopes: {}",
            if granted.is_empty() {
                "(none)".into()
            } else {
                granted.join(" ")
            }
        )),
        None if !requested.is_empty() => lines.push(format!(
            "requested scopes: {} (the server did not list what it granted)",
            requested.join(" ")
        )),
        None => {}
    }
    if !ok.not_granted.is_empty() {
        lines.push(format!("not granted: {}", ok.not_granted.join(" ")));
    }
    lines
}

/// The failure report: what happened, which scopes are missing, and the fix.
pub fn test_failure_lines(f: &TestFailure, ctx: &Context) -> (String, String) {
    let mut summary = f.failure.summary(ctx);
    if !f.missing_scopes.is_empty() {
        summary.push_str(&format!(
            "; the client lacks: {}",
            f.missing_scopes.join(" ")
        ));
    }
    if !f.unchecked_scopes.is_empty() {
        summary.push_str(&format!(" (not checked: {})", f.unchecked_scopes.join(" ")));
    }
    if f.tried_other_auth {
        summary.push_str("; both client_secret_post and client_secret_basic were tried");
    }
    (summary, f.failure.fix(ctx))
}

fn role_words(role: crate::flows::import::Role) -> (&'static str, &'static str) {
    use crate::flows::import::Role;
    match role {
        Role::TokenEndpoint => ("token endpoint", "receives the client secret and codes"),
        Role::Authorize => ("authorize endpoint", "opened in your browser to sign in"),
        Role::DeviceAuthorization => ("device endpoint", "receives the client id"),
        Role::Revocation => ("revocation endpoint", "receives tokens at logout"),
        Role::Issuer => ("issuer", "its metadata is read by verify"),
        Role::VaultAddress => ("Vault address", "receives your Vault token"),
        Role::ReadCommand => (
            "read command",
            "runs to read the secret, now and at each token",
        ),
        Role::WriteCommand => ("write command", "runs at rotate; gets the new secret"),
    }
}

/// What an import would contact or run, a line a value then a line why, each value escaped.
pub fn import_plan_lines(prepared: &crate::flows::import::Prepared) -> Vec<String> {
    use crate::rules::sanitize::one_line;
    let plan = &prepared.plan;
    let mut lines = Vec::new();
    for item in &plan.items {
        let (what, why) = role_words(item.role);
        lines.push(format!("{what}: {} ({why})", one_line(&item.value, 300)));
    }
    if let Some(v) = &plan.vault {
        lines.push(format!("Vault location: {}", one_line(&v.describe(), 300)));
    }
    if let Some(d) = &plan.vault_differs {
        lines.push(format!(
            "note: the file's Vault address is not your {} ({}); pass --vault-addr to use yours",
            d.variable,
            one_line(&d.yours, 200)
        ));
    }
    if prepared.replaces {
        lines.push(format!(
            "it replaces your profile {} once it has passed (until then that stays as it is)",
            prepared.new.name
        ));
    }
    lines
}

/// What an edit changed, as a list of changes names it.
pub fn change_word(change: crate::flows::manage::Change) -> &'static str {
    use crate::flows::manage::Change;
    match change {
        Change::Instance => "instance",
        Change::GrantType => "grant type",
        Change::ClientId => "client id",
        Change::Secret => "secret",
        Change::ClientAuth => "client authentication",
        Change::Scopes => "scopes",
        Change::RedirectUris => "redirect URIs",
        Change::ClientForm => "client details",
        Change::SecretStore => "secret store",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_rotation_says_what_is_known_of_the_old_secret() {
        let at = humantime::parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
        let now = at + std::time::Duration::from_secs(7200);
        let passed = Verification::passed("2026-01-01T00:00:00Z".into());
        assert_eq!(
            unchanged_secret(Some(&passed), now, "refused"),
            "the stored secret was not changed; it last passed verification 2 h ago"
        );
        let failed = Verification::failed("2026-01-01T00:00:00Z".into(), "token: nope".into());
        let said = unchanged_secret(Some(&failed), now, "127.0.0.1:9 refused the connection");
        assert!(said.contains("failed 2 h ago (token: nope)"), "{said}");
        assert!(!said.contains("works"));
        assert!(unchanged_secret(None, now, "x").contains("never been verified"));
        // The same failure is not said twice.
        let same = Verification::failed(
            "2026-01-01T00:00:00Z".into(),
            "127.0.0.1:9 refused the connection (saved unverified)".into(),
        );
        let said = unchanged_secret(Some(&same), now, "127.0.0.1:9 refused the connection");
        assert_eq!(
            said,
            "the stored secret was not changed; its last verification failed the same way 2 h ago"
        );
    }

    #[test]
    fn a_lifetime_reads_the_same_everywhere() {
        assert_eq!(lifetime(3600), "1 h");
        assert_eq!(lifetime(86_340), "23 h 59 min");
        assert_eq!(lifetime(300), "5 min");
        assert_eq!(lifetime(45), "45 s");
        assert_eq!(describe_lifetime(Some(3600)), "valid for 1 h");
        let signed = signed_in(Some(3600), true, None, crate::protocol::token::Surface::App);
        assert_eq!(signed, "an access token valid for 1 h and a refresh token");
    }
}
