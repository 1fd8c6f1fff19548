//! `list`: the profiles, one line each, or JSON.

use std::time::SystemTime;

use serde_json::json;

use super::{CmdError, Ctx};
use crate::cli::ListArgs;

pub fn run(ctx: &Ctx, args: &ListArgs) -> Result<(), CmdError> {
    let file = ctx.accounts.load()?;
    if args.json {
        let profiles: Vec<_> = file
            .profiles
            .iter()
            .map(|(name, p)| {
                json!({
                    "name": name,
                    "default": file.default_profile.as_deref() == Some(name),
                    "provider": p.provider,
                    "instance_url": p.instance_url,
                    "secret_store": p.secret_store.as_str(),
                    "last_verification": p.last_verification,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({"schema_version": 1, "profiles": profiles}))
                .unwrap_or_default()
        );
        return Ok(());
    }
    if file.profiles.is_empty() {
        println!(
            "no profiles yet in {}; create one with oauth-setup setup",
            ctx.accounts.dir().profiles_path().display()
        );
        return Ok(());
    }
    let now = SystemTime::now();
    println!(
        "  {:<20} {:<11} {:<40} {:<8} LAST VERIFIED",
        "NAME", "PROVIDER", "INSTANCE", "SECRET"
    );
    for (name, p) in &file.profiles {
        let mark = if file.default_profile.as_deref() == Some(name) {
            "*"
        } else {
            " "
        };
        let verified = p
            .last_verification
            .as_ref()
            .map_or("never".to_string(), |v| v.describe(now, "ok", "FAILED"));
        println!(
            "{mark} {name:<20} {:<11} {:<40} {:<8} {verified}",
            p.provider,
            p.instance_url,
            p.secret_store.as_str()
        );
    }
    println!("(* default profile)");
    Ok(())
}
