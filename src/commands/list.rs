//! `list`: the profiles, one line each, or JSON.

use std::time::SystemTime;

use serde_json::json;

use super::{CmdError, Ctx};
use crate::cli::ListArgs;
use crate::profile::ProfilesFile;

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
    print_table(&file);
    println!("(* default profile)");
    Ok(())
}

/// The profiles as a table whose columns are as wide as their longest value, so a long name
/// never shifts the others.
fn print_table(file: &ProfilesFile) {
    let now = SystemTime::now();
    let rows: Vec<[String; 5]> = file
        .profiles
        .iter()
        .map(|(name, p)| {
            let verified = p.verified_words(now, "ok", "FAILED");
            [
                name.clone(),
                p.provider.clone(),
                p.instance_url.clone(),
                p.secret_store.as_str().to_string(),
                verified,
            ]
        })
        .collect();
    let header = ["NAME", "PROVIDER", "INSTANCE", "SECRET", "LAST VERIFIED"].map(String::from);
    let widths: Vec<usize> = (0..4)
        .map(|c| {
            rows.iter()
                .chain([&header])
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |mark: &str, r: &[String; 5]| {
        let cells: Vec<String> = (0..4)
            .map(|c| format!("{:<w$}", r[c], w = widths[c]))
            .collect();
        format!("{mark} {}  {}", cells.join("  "), r[4])
    };
    println!("{}", line(" ", &header));
    for (name, row) in file.profiles.keys().zip(&rows) {
        let mark = if file.default_profile.as_deref() == Some(name) {
            "*"
        } else {
            " "
        };
        println!("{}", line(mark, row));
    }
}
