//! One profile as rows of (label, value): `show` prints them, the app's profile view draws them.

use crate::flows::show::{Presence, ProfileInfo};
use crate::protocol::token::GrantType;

/// The rows of `show`, in its order; never a secret or a token.
pub fn profile_rows(info: &ProfileInfo) -> Vec<(&'static str, String)> {
    let p = &info.profile;
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mark = if info.is_default { " (default)" } else { "" };
    let mut rows = vec![
        ("profile", format!("{}{mark}", info.name)),
        ("provider", p.provider.clone()),
        ("instance", p.instance_url.clone()),
        ("token URL", p.token_url.to_string()),
        ("grant type", p.grant_type.to_string()),
        ("client id", p.client_id.clone()),
        ("client auth", p.client_auth.to_string()),
        (
            "scopes",
            if p.scopes.is_empty() {
                "-".into()
            } else {
                p.scopes.join(" ")
            },
        ),
        ("client name", opt(&p.client_name)),
        ("login", opt(&p.login)),
        ("contact", contact(p)),
        ("secret", secret_words(info)),
        ("created", p.created_at.clone()),
        ("secret rotated", opt(&p.secret_rotated_at)),
        (
            "last verified",
            p.last_verification
                .as_ref()
                .map_or("never".into(), |v| format!("{} ({})", v.at, v.result)),
        ),
    ];
    rows.extend(session_rows(info));
    rows.extend(history_rows(info));
    rows
}

/// "Jane Doe <jane@example.com>", the parts there are, or "-".
fn contact(p: &crate::stores::profile::Profile) -> String {
    let name: Vec<&str> = [&p.contact_first_name, &p.contact_last_name]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let mut words = name.join(" ");
    if let Some(email) = &p.contact_email {
        words = format!("{words} <{email}>").trim_start().to_string();
    }
    if words.is_empty() { "-".into() } else { words }
}

fn secret_words(info: &ProfileInfo) -> String {
    match &info.secret {
        None => "none (a public client)".into(),
        Some(Presence::Unknown(why)) => format!("unknown in the {} ({why})", info.location),
        Some(presence) => format!("{} in the {}", presence.word(), info.location),
    }
}

/// The grant's endpoints and what the profile holds beside its secret (never a token).
fn session_rows(info: &ProfileInfo) -> Vec<(&'static str, String)> {
    let (p, status, now) = (&info.profile, &info.session, info.at);
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut rows = Vec::new();
    if let Some(g) = &p.user_grant {
        if p.grant_type == GrantType::AuthorizationCode {
            rows.push(("authorize URL", opt(&g.authorize_url)));
            rows.push(("redirect URIs", g.redirect_uris.join(" ")));
        } else {
            rows.push(("device URL", opt(&g.device_authorization_url)));
        }
        rows.push(("revocation URL", opt(&g.revocation_url)));
        if let Some(issuer) = &g.issuer {
            rows.push(("issuer", issuer.clone()));
        }
        rows.push(("refresh token", status.refresh_words(p, now)));
    }
    let words = status.access_words(now);
    let access = match words.as_str() {
        "-" => "none cached".to_string(),
        w if w.starts_with(|c: char| c.is_ascii_digit()) => format!("expires in {w}"),
        w => w.to_string(),
    };
    rows.push(("access token", access));
    rows
}

fn history_rows(info: &ProfileInfo) -> Vec<(&'static str, String)> {
    let Some(h) = &info.history else {
        return Vec::new();
    };
    let versions: Vec<String> = h
        .versions
        .iter()
        .map(|(n, created, deleted)| {
            let gone = if deleted.is_some() { ", deleted" } else { "" };
            let now = if *n == h.current { ", current" } else { "" };
            format!("{n} ({created}{gone}{now})")
        })
        .collect();
    let mut rows = vec![("vault versions", versions.join("; "))];
    if let Some(r) = h.last_rotation() {
        rows.push(("last rotation", r));
    }
    rows
}
