//! `show`: one profile's fields and where its secret is kept; never the secret itself.

use serde_json::json;

use super::{CmdError, Ctx, unknown_profile};
use crate::cli::ShowArgs;
use crate::profile::Profile;
use crate::secret_store::StoreError;

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
    let (status, error) = match ctx.accounts.secrets().get(p.secret_store, &p.secret_ref) {
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
    if args.json {
        let mut value = serde_json::to_value(p).map_err(|e| CmdError::usage(e.to_string()))?;
        value["name"] = json!(args.profile);
        value["default"] = json!(is_default);
        value["secret"] = json!({"store": p.secret_store.as_str(), "location": presence.location, "status": presence.status, "error": presence.error});
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return Ok(());
    }
    let mark = if is_default { " (default)" } else { "" };
    println!("profile:        {}{mark}", args.profile);
    print_fields(p, &presence);
    Ok(())
}

fn print_fields(p: &Profile, presence: &Presence) {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    println!("provider:       {}", p.provider);
    println!("instance:       {}", p.instance_url);
    println!("token URL:      {}", p.token_url);
    println!("grant type:     {}", p.grant_type);
    println!("client id:      {}", p.client_id);
    println!("client auth:    {}", p.client_auth);
    println!(
        "scopes:         {}",
        if p.scopes.is_empty() {
            "-".into()
        } else {
            p.scopes.join(" ")
        }
    );
    println!("client name:    {}", opt(&p.client_name));
    println!("login:          {}", opt(&p.login));
    println!(
        "contact:        {} {} <{}>",
        opt(&p.contact_first_name),
        opt(&p.contact_last_name),
        opt(&p.contact_email)
    );
    println!(
        "secret:         {} in the {}{}",
        presence.status,
        presence.location,
        presence
            .error
            .as_ref()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default()
    );
    println!("created:        {}", p.created_at);
    println!("secret rotated: {}", opt(&p.secret_rotated_at));
    match &p.last_verification {
        Some(v) => println!("last verified:  {} ({})", v.at, v.result),
        None => println!("last verified:  never"),
    }
}
