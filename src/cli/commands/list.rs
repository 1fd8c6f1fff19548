//! `list`: the profiles, one line each, or JSON.

use std::time::SystemTime;

use serde_json::json;

use super::{CmdError, Ctx};
use crate::cli::args::ListArgs;
use crate::session::status::{SessionStatus, session_status};
use crate::stores::profile::ProfilesFile;

const COLS: usize = 8;

pub fn run(ctx: &Ctx, args: &ListArgs) -> Result<(), CmdError> {
    let file = ctx.accounts.load()?;
    let now = SystemTime::now();
    let statuses: Vec<SessionStatus> = file
        .profiles
        .values()
        .map(|p| session_status(&ctx.accounts, p, now))
        .collect();
    if args.json {
        let stamp =
            |t: Option<SystemTime>| t.map(|t| humantime::format_rfc3339_seconds(t).to_string());
        let profiles: Vec<_> = file
            .profiles
            .iter()
            .zip(&statuses)
            .map(|((name, p), st)| {
                json!({
                    "name": name,
                    "default": file.default_profile.as_deref() == Some(name),
                    "provider": p.provider,
                    "instance_url": p.instance_url,
                    "grant_type": p.grant_type,
                    "secret_store": p.secret.kind().as_str(),
                    "last_verification": p.last_verification,
                    "access_token_expires_at": stamp(st.access_expires_at),
                    "refresh_token_obtained_at": stamp(st.refresh.as_ref().map(|r| r.obtained_at)),
                })
            })
            .collect();
        crate::base::out::json(&json!({
            "schema_version": 1,
            "default_profile": file.default_profile,
            "profiles": profiles,
        }));
        return Ok(());
    }
    if file.profiles.is_empty() {
        crate::say!(
            "no profiles yet in {}; create one with oauth-setup setup",
            ctx.accounts.dir().profiles_path().display()
        );
        return Ok(());
    }
    print_table(&file, &statuses, now);
    crate::say!("(* default profile)");
    Ok(())
}

/// The profiles as a table whose columns are as wide as their longest value, so a long name
/// never shifts the others.
fn print_table(file: &ProfilesFile, statuses: &[SessionStatus], now: SystemTime) {
    let rows: Vec<[String; COLS]> = file
        .profiles
        .iter()
        .zip(statuses)
        .map(|((name, p), st)| {
            [
                name.clone(),
                p.provider.clone(),
                p.instance_url.clone(),
                p.grant_type.short_label().to_string(),
                p.secret.kind().as_str().to_string(),
                st.access_words(now),
                st.refresh_words(p, now),
                p.verified_words(now, "ok", "FAILED"),
            ]
        })
        .collect();
    let header = [
        "NAME",
        "PROVIDER",
        "INSTANCE",
        "GRANT",
        "SECRET",
        "TOKEN EXPIRES",
        "REFRESH TOKEN",
        "LAST VERIFIED",
    ]
    .map(String::from);
    let widths: Vec<usize> = (0..COLS - 1)
        .map(|c| {
            rows.iter()
                .chain([&header])
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |mark: &str, r: &[String; COLS]| {
        let cells: Vec<String> = (0..COLS - 1)
            .map(|c| format!("{:<w$}", r[c], w = widths[c]))
            .collect();
        format!("{mark} {}  {}", cells.join("  "), r[COLS - 1])
    };
    crate::say!("{}", line(" ", &header));
    for (name, row) in file.profiles.keys().zip(&rows) {
        let mark = if file.default_profile.as_deref() == Some(name) {
            "*"
        } else {
            " "
        };
        crate::say!("{}", line(mark, row));
    }
}
