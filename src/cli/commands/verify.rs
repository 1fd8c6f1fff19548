//! `verify`: layered checks per profile, several profiles at once, text or JSON.

use serde::Serialize;

use super::{CmdError, Ctx};
use crate::base::exit::ExitCode;
use crate::cli::args::VerifyArgs;
use crate::flows::verify::{NAME_WIDTH, ProfileReport, Status, check_and_record, unreadable_file};
use crate::protocol::token::Surface;
use crate::stores::profile::ProfilesFile;

pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    ok: bool,
    exit_code: i32,
    profiles: &'a [ProfileReport],
}

/// The profiles `verify` is asked about: all of them, the ones named, or the default.
pub fn verify_names(args: &VerifyArgs, file: &ProfilesFile) -> Result<Vec<String>, CmdError> {
    if args.all {
        return Ok(file.profiles.keys().cloned().collect());
    }
    if !args.profiles.is_empty() {
        return Ok(args.profiles.clone());
    }
    match &file.default_profile {
        Some(d) => Ok(vec![d.clone()]),
        None => Err(
            CmdError::usage("no profile given and no default profile is set")
                .with_fix("name profiles, or use --all"),
        ),
    }
}

/// The named profiles (or the default one) alone, read through the index, so that verifying
/// one profile among 2,000 reads one; `None` when the whole file must be read (`--all`, or the
/// index cannot tell, and then the whole file also words what is wrong).
fn just_these(ctx: &Ctx, args: &VerifyArgs) -> Option<ProfilesFile> {
    if args.all {
        return None;
    }
    let store = ctx.accounts.profiles();
    let mut file = ProfilesFile::default();
    if args.profiles.is_empty() {
        let (name, profile) = store.quick(None)?;
        file.default_profile = Some(name.clone());
        file.profiles.insert(name, profile);
    }
    for name in &args.profiles {
        let (name, profile) = store.quick(Some(name))?;
        file.profiles.insert(name, profile);
    }
    Some(file)
}

pub async fn run(ctx: &Ctx, args: VerifyArgs) -> Result<(), CmdError> {
    let loaded = just_these(ctx, &args).map_or_else(|| ctx.accounts.load(), Ok);
    let file = match loaded {
        Ok(f) => f,
        Err(e) => {
            let name = args.profiles.first().cloned().unwrap_or_else(|| "*".into());
            return finish(ctx, &args, vec![unreadable_file(name, &e)]);
        }
    };
    let names = verify_names(&args, &file)?;
    if names.is_empty() {
        // `--all` over no profiles: nothing failed, and scripts still get their document.
        if !args.json {
            crate::say!("no profiles to verify");
        }
        return finish(ctx, &args, Vec::new());
    }
    let client = ctx.client()?;
    let (reports, recorded) =
        check_and_record(&ctx.accounts, &file, &names, &client, Surface::CommandLine).await;
    if let Err(e) = recorded {
        crate::tell!(
            "{} could not record the result: {e}",
            ctx.style.warn("warning:")
        );
    }
    finish(ctx, &args, reports)
}

fn finish(ctx: &Ctx, args: &VerifyArgs, reports: Vec<ProfileReport>) -> Result<(), CmdError> {
    let code = reports.iter().find(|r| !r.ok).map_or(0, |r| r.exit_code);
    if args.json {
        let doc = Document {
            schema_version: JSON_SCHEMA_VERSION,
            ok: code == 0,
            exit_code: code,
            profiles: &reports,
        };
        crate::base::out::json(&doc);
    } else {
        use std::fmt::Write as _;
        for r in &reports {
            let where_ = r
                .instance_url
                .as_deref()
                .map(|u| format!(" ({u})"))
                .unwrap_or_default();
            // One write per profile: `verify --all` over a thousand profiles is thousands of
            // lines.
            let mut block = format!("{}{where_}", r.name);
            for c in &r.checks {
                let label = c.status.label();
                let word = match c.status {
                    Status::Ok => ctx.style.ok(label),
                    Status::Warn => ctx.style.warn(label),
                    Status::Fail => ctx.style.fail(label),
                    Status::Skip => label.to_string(),
                };
                let _ = write!(
                    block,
                    "\n  {word}  {:<w$} {}",
                    c.name,
                    c.detail,
                    w = NAME_WIDTH
                );
                if let Some(fix) = &c.fix {
                    let _ = write!(block, "\n        {:<w$} fix: {fix}", "", w = NAME_WIDTH);
                }
            }
            crate::say!("{block}");
        }
    }
    match code {
        0 => Ok(()),
        _ => Err(CmdError::new(exit_from(code), "")),
    }
}

fn exit_from(code: i32) -> ExitCode {
    match code {
        2 => ExitCode::Usage,
        3 => ExitCode::SecretStore,
        4 => ExitCode::Rejected,
        5 => ExitCode::Network,
        _ => ExitCode::Internal,
    }
}
