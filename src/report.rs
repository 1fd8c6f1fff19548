//! The words for a token test's outcome, shared by the command line and the wizard.

use crate::token::{Context, TestFailure, TestOk};

pub fn describe_lifetime(expires_in: Option<u64>) -> String {
    match expires_in {
        Some(s) if s >= 3600 => format!("valid for {} h {} min", s / 3600, s % 3600 / 60),
        Some(s) => format!("valid for {} min", s / 60),
        None => "lifetime not stated".into(),
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
