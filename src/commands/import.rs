//! `import FILE [--profile NAME] [--replace]`: a teammate's profile (see [`crate::import`]).

use super::{CmdError, Ctx};
use crate::cli::ImportArgs;
use crate::exit::ExitCode;
use crate::import::{ImportError, Next, import, read};
use crate::report::test_failure_lines;

pub async fn run(ctx: &Ctx, args: &ImportArgs) -> Result<(), CmdError> {
    let shared = read(&args.file).map_err(|e| error(ctx, e, ""))?;
    let name = args.profile.clone().unwrap_or_else(|| shared.name.clone());
    let client = ctx.client()?;
    let imported = import(
        &ctx.accounts,
        &client,
        &shared,
        args.profile.as_deref(),
        args.replace,
        args.default,
    )
    .await
    .map_err(|e| error(ctx, e, &name))?;
    let name = &imported.saved.name;
    crate::say!(
        "{} profile {name} in {}",
        ctx.style.ok("imported:"),
        imported.saved.profiles_path
    );
    crate::say!("  secret: {}", imported.saved.secret_location);
    let next = match imported.next {
        Next::Ready => {
            crate::say!("{} the token request succeeded", ctx.style.ok("ok:"));
            format!("oauth-setup token {name}")
        }
        Next::Login => format!("oauth-setup login {name}"),
        Next::AddSecret => {
            format!("oauth-setup rotate {name} --client-secret-stdin   # add the secret")
        }
    };
    crate::say!("next:\n  {next}");
    Ok(())
}

fn error(ctx: &Ctx, e: ImportError, name: &str) -> CmdError {
    match e {
        ImportError::Fields(fields) => CmdError::fields(&fields),
        ImportError::Exists(n) => CmdError::usage(format!("profile \"{n}\" already exists"))
            .with_fix("pass --replace to replace it, or --profile to import under another name"),
        ImportError::Secret(s) => CmdError::store(&s, ctx.accounts.dir(), name),
        ImportError::Test { failure, context } => {
            let (summary, fix) = test_failure_lines(&failure, &context);
            CmdError::new(
                failure.failure.exit_code(),
                format!("{summary}; nothing was imported"),
            )
            .with_fix(fix)
        }
        ImportError::Account(a) => ctx.account_error(a, name),
        other => CmdError::new(ExitCode::Usage, other.to_string()),
    }
}
