//! `show`: one profile's fields and where its secret is kept; never the secret itself.

use serde_json::json;

use super::{CmdError, Ctx, unknown_profile};
use crate::cli::args::ShowArgs;
use crate::flows::show::{Presence, ProfileInfo, gather};

pub fn run(ctx: &Ctx, args: &ShowArgs) -> Result<(), CmdError> {
    let file = ctx.accounts.load()?;
    let Some(info) = gather(&ctx.accounts, &file, &args.profile) else {
        return Err(unknown_profile(&args.profile, &file));
    };
    if args.json {
        return print_json(&info);
    }
    for (label, value) in crate::report::profile_rows(&info) {
        crate::say!("{:<16}{value}", format!("{label}:"));
    }
    Ok(())
}

fn print_json(info: &ProfileInfo) -> Result<(), CmdError> {
    let p = &info.profile;
    let mut value = serde_json::to_value(p).map_err(|e| CmdError::usage(e.to_string()))?;
    value["schema_version"] = json!(1);
    value["name"] = json!(info.name);
    value["default"] = json!(info.is_default);
    // The output keeps its version 1 shape: the location's parts beside the store's name.
    let store = p.secret.kind().as_str();
    value["secret_store"] = json!(store);
    if let Some(at) = p.secret.vault() {
        value["vault"] = json!(at);
    }
    if let Some(c) = p.secret.command() {
        value["command"] = json!(c);
    }
    let (status, error) = match &info.secret {
        None => ("none", None),
        Some(Presence::Unknown(why)) => ("unknown", Some(why.clone())),
        Some(presence) => (presence.word(), None),
    };
    value["secret"] =
        json!({"store": store, "location": info.location, "status": status, "error": error});
    let stamp = |t: Option<std::time::SystemTime>| {
        t.map(|t| humantime::format_rfc3339_seconds(t).to_string())
    };
    let status = &info.session;
    value["access_token_expires_at"] = json!(stamp(status.access_expires_at));
    if let Some(h) = &info.history {
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
