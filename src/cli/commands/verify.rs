//! `verify`: layered checks per profile, several profiles at once, text or JSON.

use serde::Serialize;

use super::{CmdError, Ctx};
use crate::base::exit::ExitCode;
use crate::base::out::JsonList;
use crate::cli::args::VerifyArgs;
use crate::flows::verify::{
    NAME_WIDTH, ProfileReport, Status, check_each_and_record, unreadable_file,
};
use crate::protocol::token::Surface;
use crate::stores::profile::ProfilesFile;

pub const JSON_SCHEMA_VERSION: u32 = 1;

/// The profiles `verify` is asked about: all of them, the ones named, or the default.
pub fn verify_names(args: &VerifyArgs, file: &ProfilesFile) -> Result<Vec<String>, CmdError> {
    if args.all {
        return Ok(file.profiles.keys().cloned().collect());
    }
    if !args.profiles.is_empty() {
        // Each once, in the order given.
        let mut seen = std::collections::HashSet::new();
        let names = args.profiles.iter().filter(|n| seen.insert(n.as_str()));
        return Ok(names.cloned().collect());
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
            let mut out = Output::new(ctx, &args);
            out.report(unreadable_file(name, &e));
            return out.finish();
        }
    };
    let names = verify_names(&args, &file)?;
    if names.is_empty() {
        // `--all` over no profiles: nothing failed, and scripts still get their document.
        if !args.json {
            crate::say!("no profiles to verify");
        }
        return Output::new(ctx, &args).finish();
    }
    let client = ctx.client()?;
    // Opened only now: an error before this point is on stderr, with no half document.
    let mut out = Output::new(ctx, &args);
    let each = |_, report| out.report(report);
    let recorded = check_each_and_record(
        &ctx.accounts,
        file,
        &names,
        &client,
        Surface::CommandLine,
        each,
    )
    .await;
    if let Err(e) = recorded {
        crate::tell!(
            "{} could not record the result: {e}",
            ctx.style.warn("warning:")
        );
    }
    out.finish()
}

/// The reports as they come: a block of text each, or the JSON document's list an item at a
/// time. The exit code is the first failed profile's.
struct Output<'a> {
    ctx: &'a Ctx,
    json: Option<JsonList>,
    code: i32,
}

#[derive(Serialize)]
struct Head {
    schema_version: u32,
}

#[derive(Serialize)]
struct Tail {
    ok: bool,
    exit_code: i32,
}

impl<'a> Output<'a> {
    fn new(ctx: &'a Ctx, args: &VerifyArgs) -> Self {
        let head = Head {
            schema_version: JSON_SCHEMA_VERSION,
        };
        Self {
            ctx,
            json: args.json.then(|| JsonList::open(&head, "profiles")),
            code: 0,
        }
    }

    fn report(&mut self, r: ProfileReport) {
        if self.code == 0 && !r.ok {
            self.code = r.exit_code;
        }
        match &mut self.json {
            Some(list) => list.item(&r),
            None => crate::say!("{}", text_block(self.ctx, &r)),
        }
    }

    fn finish(self) -> Result<(), CmdError> {
        let code = self.code;
        if let Some(list) = self.json {
            list.close(&Tail {
                ok: code == 0,
                exit_code: code,
            });
        }
        match code {
            0 => Ok(()),
            _ => Err(CmdError::new(exit_from(code), "")),
        }
    }
}

/// One profile's checks, written at once: `verify --all` over a thousand profiles is thousands
/// of lines.
fn text_block(ctx: &Ctx, r: &ProfileReport) -> String {
    use std::fmt::Write as _;
    let where_ = r
        .instance_url
        .as_deref()
        .map(|u| format!(" ({u})"))
        .unwrap_or_default();
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
    block
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
