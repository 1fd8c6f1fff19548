//! `show`: one profile's fields and where its secret is kept; never the secret itself.

use serde_json::json;

use super::{CmdError, Ctx, unknown_profile};
use crate::cli::args::ShowArgs;
use crate::session::status::{SessionStatus, session_status};
use crate::stores::profile::Profile;
use crate::stores::secret_store::StoreError;
use crate::stores::vault::History;

/// Whether the secret is in its store: a status word and, when unknown, why.
struct Presence {
    status: &'static str,
    error: Option<String>,
    location: String,
}

pub fn run(ctx: &Ctx, args: &ShowArgs) -> Result<(), CmdError> {
    let file = ctx.accounts.load()?;
    let Some(p) = file.get(&args.profile) else {
        return Err(unknown_profile(&args.profile, &file));
    };
    let (status, error) = match ctx.accounts.client_secret(p) {
        Ok(_) => ("present", None),
        Err(StoreError::Missing { .. }) => ("missing", None),
        Err(e) => ("unknown", Some(e.to_string())),
    };
    let presence = Presence {
        status,
        error,
        location: ctx.accounts.describe(p),
    };
    let is_default = file.default_profile.as_deref() == Some(args.profile.as_str());
    let now = std::time::SystemTime::now();
    let status = session_status(&ctx.accounts, p, now);
    let history = ctx.accounts.vault_history(p).ok().flatten();
    if args.json {
        return print_json(
            p,
            &args.profile,
            is_default,
            &presence,
            &status,
            history.as_ref(),
        );
    }
    let mark = if is_default { " (default)" } else { "" };
    crate::say!("profile:        {}{mark}", args.profile);
    print_fields(p, &presence);
    print_session(p, &status, now);
    if let Some(h) = history {
        let versions: Vec<String> = h
            .versions
            .iter()
            .map(|(n, created, deleted)| {
                let gone = if deleted.is_some() { ", deleted" } else { "" };
                let now = if *n == h.current { ", current" } else { "" };
                format!("{n} ({created}{gone}{now})")
            })
            .collect();
        crate::say!("vault versions: {}", versions.join("; "));
        if let Some(r) = h.last_rotation() {
            crate::say!("last rotation:  {r}");
        }
    }
    Ok(())
}

fn print_json(
    p: &Profile,
    name: &str,
    is_default: bool,
    presence: &Presence,
    status: &SessionStatus,
    history: Option<&History>,
) -> Result<(), CmdError> {
    let mut value = serde_json::to_value(p).map_err(|e| CmdError::usage(e.to_string()))?;
    value["schema_version"] = json!(1);
    value["name"] = json!(name);
    value["default"] = json!(is_default);
    // The output keeps its version 1 shape: the location's parts beside the store's name.
    let store = p.secret.kind().as_str();
    value["secret_store"] = json!(store);
    if let Some(at) = p.secret.vault() {
        value["vault"] = json!(at);
    }
    if let Some(c) = p.secret.command() {
        value["command"] = json!(c);
    }
    value["secret"] = json!({"store": store, "location": presence.location, "status": presence.status, "error": presence.error});
    let stamp = |t: Option<std::time::SystemTime>| {
        t.map(|t| humantime::format_rfc3339_seconds(t).to_string())
    };
    value["access_token_expires_at"] = json!(stamp(status.access_expires_at));
    if let Some(h) = history {
        let versions: Vec<_> = h
            .versions
            .iter()
            .map(|(n, created, deleted)| json!({"version": n, "created": created, "deleted": deleted}))
            .collect();
        value["vault_versions"] = json!(versions);
        value["vault_last_rotation"] = json!(h.custom);
    }
    if let Some(r) = &status.refresh {
        value["refresh_token"] = json!({
            "obtained_at": stamp(Some(r.obtained_at)),
            "signed_in_at": stamp(Some(r.signed_in_at)),
            "expires_at": stamp(r.expires_at),
            "nearly_expired": r.nearly_expired,
        });
    }
    crate::base::out::json(&value);
    Ok(())
}

/// The grant's endpoints and what the profile holds beside its secret (never a token).
fn print_session(p: &Profile, status: &SessionStatus, now: std::time::SystemTime) {
    if let Some(g) = &p.user_grant {
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        if p.grant_type == crate::protocol::token::GrantType::AuthorizationCode {
            crate::say!("authorize URL:  {}", opt(&g.authorize_url));
            crate::say!("redirect URIs:  {}", g.redirect_uris.join(" "));
        } else {
            crate::say!("device URL:     {}", opt(&g.device_authorization_url));
        }
        crate::say!("revocation URL: {}", opt(&g.revocation_url));
        if let Some(issuer) = &g.issuer {
            crate::say!("issuer:         {issuer}");
        }
        crate::say!("refresh token:  {}", status.refresh_words(p, now));
    }
    let words = status.access_words(now);
    let access = match words.as_str() {
        "-" => "none cached".to_string(),
        w if w.starts_with(|c: char| c.is_ascii_digit()) => format!("expires in {w}"),
        w => w.to_string(),
    };
    crate::say!("access token:   {access}");
}

fn print_fields(p: &Profile, presence: &Presence) {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    crate::say!("provider:       {}", p.provider);
    crate::say!("instance:       {}", p.instance_url);
    crate::say!("token URL:      {}", p.token_url);
    crate::say!("grant type:     {}", p.grant_type);
    crate::say!("client id:      {}", p.client_id);
    crate::say!("client auth:    {}", p.client_auth);
    crate::say!(
        "scopes:         {}",
        if p.scopes.is_empty() {
            "-".into()
        } else {
            p.scopes.join(" ")
        }
    );
    crate::say!("client name:    {}", opt(&p.client_name));
    crate::say!("login:          {}", opt(&p.login));
    crate::say!(
        "contact:        {} {} <{}>",
        opt(&p.contact_first_name),
        opt(&p.contact_last_name),
        opt(&p.contact_email)
    );
    crate::say!(
        "secret:         {} in the {}{}",
        presence.status,
        presence.location,
        presence
            .error
            .as_ref()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default()
    );
    crate::say!("created:        {}", p.created_at);
    crate::say!("secret rotated: {}", opt(&p.secret_rotated_at));
    match &p.last_verification {
        Some(v) => crate::say!("last verified:  {} ({})", v.at, v.result),
        None => crate::say!("last verified:  never"),
    }
}
